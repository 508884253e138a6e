/**
 * Sum over leading axes (bias gradients: Σ over batch, height and width of an NHWC tensor). The wasm
 * kernel first transposes the reduced axes innermost, a full extra pass through a slow generic transpose;
 * summing rows in memory order needs no transpose (in our SIMD kernel when rows come in fours). Other reductions go
 * to the original kernel.
 */
import { util, type KernelConfig, type KernelFunc, type SumAttrs } from '@tensorflow/tfjs-core';
import { simdKernels } from './simd/simd-kernels';
import { asWasm, f32, inputsOf, type WasmKernels } from './wasm-ops';

/** The number of leading axes reduced when `axis` names exactly axes 0..r-1 of a rank-`rank` tensor, else 0. */
export function leadingAxesCount(axis: number | number[], rank: number): number {
  const axes = util.parseAxisParam(axis, Array.from({ length: rank }, () => 1)).sort((a, b) => a - b);
  return axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i) ? axes.length : 0;
}

/**
 * out[j] = Σ_i x[i·inner + j], accumulated in float64 like the CPU reference. Four rows per pass: the
 * accumulator traffic, not the additions, is what limits this loop.
 */
export function sumRows(x: Float32Array, inner: number, out: Float32Array): void {
  const acc = new Float64Array(inner);
  const rows = x.length / inner;
  const quad = rows - (rows % 4);
  let base = 0;
  for (let r = 0; r < quad; r += 4, base += 4 * inner) {
    for (let j = 0, i = base; j < inner; j++, i++) {
      acc[j] = (acc[j] as number) + ((x[i] as number) + (x[i + inner] as number) + (x[i + 2 * inner] as number) + (x[i + 3 * inner] as number));
    }
  }
  for (; base < x.length; base += inner) {
    for (let j = 0; j < inner; j++) acc[j] = (acc[j] as number) + (x[base + j] as number);
  }
  out.set(acc);
}

export function sumConfig(k: WasmKernels): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x } = inputsOf(args.inputs, 'x');
    const { axis, keepDims } = args.attrs as unknown as SumAttrs;
    const reduced = x.dtype === 'float32' ? leadingAxesCount(axis, x.shape.length) : 0;
    if (reduced === 0 || util.sizeFromShape(x.shape) === 0) return k.sum(args);
    const wasm = asWasm(args.backend);
    const kept = x.shape.slice(reduced);
    const out = wasm.makeOutput(keepDims ? [...x.shape.slice(0, reduced).map(() => 1), ...kept] : kept, 'float32');
    const inner = util.sizeFromShape(kept);
    const simd = simdKernels(wasm);
    if (simd && inner % 4 === 0) simd.sumRows(x, util.sizeFromShape(x.shape) / inner, inner, out);
    else sumRows(f32(wasm, x), inner, f32(wasm, out));
    return out;
  };
  return { kernelName: 'Sum', backendName: 'wasm', kernelFunc };
}
