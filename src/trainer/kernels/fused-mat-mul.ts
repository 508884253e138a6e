/**
 * _FusedMatMul (a dense layer's x·W + b, optionally with ReLU) for a few rows: the wasm backend hands every product to
 * XNNPACK, which packs a copy of W first and caches it until W is freed. A layer's weights change at every step, so
 * that is one extra copy of every large weight for the whole step (VGG-16: 471 MiB of its 4 GiB) and one full pass to
 * pack it. Up to STREAMED_MATMUL_MAX_ROWS rows our SIMD kernel streams W in place instead (one pass per 4 rows, no
 * slower than packing); larger batches, other activations, transposes and batched products go to the original kernel.
 */
import { broadcast_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { STREAMED_MATMUL_MAX_ROWS } from '../../model/memory/estimate';
import { simdKernels } from './simd/simd-kernels';
import { asWasm, type WasmKernels } from './wasm-ops';


/** The [rows, cols] of a matrix stored as 2-D or as a batch of one. */
function matrix(t: TensorInfo): [number, number] | undefined {
  const outer = t.shape.slice(0, -2).reduce((p, d) => p * d, 1);
  return t.shape.length >= 2 && outer === 1 ? (t.shape.slice(-2) as [number, number]) : undefined;
}

export function fusedMatMulConfig(k: WasmKernels): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined>;
    const { transposeA, transposeB, activation } = args.attrs as { transposeA: boolean; transposeB: boolean; activation: string };
    const wasm = asWasm(args.backend);
    const simd = simdKernels(wasm);
    const am = a && matrix(a);
    const bm = b && matrix(b);
    const plain = !transposeA && !transposeB && !preluActivationWeights && (activation === 'linear' || activation === 'relu');
    const [m, inner] = am ?? [0, 0];
    const [bRows, n] = bm ?? [0, 0];
    const fits = a?.dtype === 'float32' && b?.dtype === 'float32' && inner === bRows && n % 4 === 0 && m <= STREAMED_MATMUL_MAX_ROWS;
    const biasFits = !bias || (bias.shape.length === 1 && bias.shape[0] === n);
    if (!simd || !a || !b || !am || !bm || !plain || !fits || !biasFits) return k.fusedMatMul(args);
    const outer = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const out = wasm.makeOutput([...outer, m, n], 'float32');
    simd.matmulNN(a, b, bias, out, m, n, inner, activation === 'relu');
    return out;
  };
  return { kernelName: '_FusedMatMul', backendName: 'wasm', kernelFunc };
}
