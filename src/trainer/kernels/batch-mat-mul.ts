/**
 * BatchMatMul for the wasm backend: the built-in kernel only reaches XNNPACK for untransposed operands
 * with batch 1, and every transposed product (all the gradients of a dense layer) falls into a scalar loop.
 * a·bᵀ runs in our SIMD kernel when it loads; otherwise we transpose such operands explicitly (a memory-bound copy)
 * and take the XNNPACK path.
 */
import { broadcast_util, type BatchMatMulAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdKernels, type SimdKernels } from './simd/simd-kernels';
import { asWasm, fastMatMul, inputsOf, release, transpose2d, withShape, type WasmKernels } from './wasm-ops';

const outerSize = (shape: number[]): number => shape.slice(0, -2).reduce((p, d) => p * d, 1);

/** The 2-D operand as the product needs it: [rows, cols] of the stored data, transposed if asked. */
function asMatrix(k: WasmKernels, backend: ReturnType<typeof asWasm>, t: TensorInfo, transposed: boolean): { m: TensorInfo; owned: boolean } {
  const [r, c] = t.shape.slice(-2);
  const stored = withShape(t, [r, c]);
  return transposed ? { m: transpose2d(k, backend, stored), owned: true } : { m: stored, owned: false };
}

/**
 * a·bᵀ (a dense layer's input gradient dy·Wᵀ) as row-by-row dot products in our SIMD kernel: no transpose, no
 * packing of a fresh W, about 1.8× faster here. aᵀ·b stays on XNNPACK, which is as fast for it (its b is small).
 * Undefined for products it does not take (mismatched inner dimensions included: the original kernel reports those).
 */
function simdProduct(simd: SimdKernels, wasm: BackendWasm, a: TensorInfo, b: TensorInfo, tA: boolean, tB: boolean): TensorInfo | undefined {
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  if (!tB || tA || ac !== bc) return undefined;
  const outer = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const out = wasm.makeOutput([...outer, ar, br], 'float32');
  simd.matmulNT(a, b, out, ar, br, ac);
  return out;
}

/** The override; products it cannot speed up (batched, non-float) go to the original kernel. */
export function batchMatMulConfig(k: WasmKernels): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { a, b } = inputsOf(args.inputs, 'a', 'b');
    const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
    const simple = outerSize(a.shape) === 1 && outerSize(b.shape) === 1 && a.dtype === 'float32' && b.dtype === 'float32';
    if (!simple || (!transposeA && !transposeB)) return k.batchMatMul(args);
    const wasm = asWasm(args.backend);
    const simd = simdKernels(wasm);
    const bySimd = simd && simdProduct(simd, wasm, a, b, transposeA, transposeB);
    if (bySimd) return bySimd;
    const am = asMatrix(k, wasm, a, transposeA);
    const bm = asMatrix(k, wasm, b, transposeB);
    if (am.m.shape[1] !== bm.m.shape[0]) {
      release(wasm, ...(am.owned ? [am.m] : []), ...(bm.owned ? [bm.m] : []));
      return k.batchMatMul(args); // let the original report the shape mismatch in its words
    }
    const out = fastMatMul(k, wasm, am.m, bm.m);
    release(wasm, ...(am.owned ? [am.m] : []), ...(bm.owned ? [bm.m] : []));
    const outer = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    return withShape(out, [...outer, am.m.shape[0], bm.m.shape[1]]);
  };
  return { kernelName: 'BatchMatMul', backendName: 'wasm', kernelFunc };
}
