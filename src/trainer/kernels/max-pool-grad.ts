/**
 * MaxPoolGrad for the wasm backend: the built-in one costs ~28 ms per batch on the reference CNN. Ours
 * recomputes each window's arg-max channel-vectorised in memory order and scatters dy onto it, with the
 * reference CPU kernel's tie rule (the first maximum in row-major window order wins). MaxPool2d(2) with channels
 * in fours runs the same select in our SIMD kernel (simd/training-kernels.c).
 */
import { backend_util, type KernelConfig, type KernelFunc, type MaxPoolGradAttrs } from '@tensorflow/tfjs-core';
import { simdKernels } from './simd/simd-kernels';
import { asWasm, f32, inputsOf, zeros } from './wasm-ops';

type Shape4D = [number, number, number, number];

/** Adds dy of every pooling window onto the input position holding the window's maximum. */
export function maxPoolBackprop(x: Float32Array, dy: Float32Array, info: backend_util.Conv2DInfo, dx: Float32Array): void {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW, dilationHeight: DH, dilationWidth: DW } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const best = new Float32Array(C);
  const where = new Int32Array(C);
  let o = 0;
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, o += C) {
        best.fill(-Infinity);
        where.fill(-1);
        for (let kh = 0; kh < FH; kh++) {
          const ih = oh * SH - top + kh * DH;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < FW; kw++) {
            const iw = ow * SW - left + kw * DW;
            if (iw < 0 || iw >= W) continue;
            const base = ((b * H + ih) * W + iw) * C;
            for (let c = 0; c < C; c++) {
              const v = x[base + c];
              if (v > best[c]) {
                best[c] = v;
                where[c] = base + c;
              }
            }
          }
        }
        for (let c = 0; c < C; c++) if (where[c] >= 0) dx[where[c]] += dy[o + c];
      }
    }
  }
}

/** Whether this is MaxPool2d(2): 2×2 windows, stride 2, no padding, tiling the input exactly. */
export function isTiled2x2(info: backend_util.Conv2DInfo): boolean {
  return (
    info.filterHeight === 2 && info.filterWidth === 2 && info.strideHeight === 2 && info.strideWidth === 2 &&
    info.dilationHeight === 1 && info.dilationWidth === 1 && info.padInfo.top === 0 && info.padInfo.left === 0 &&
    info.inHeight === 2 * info.outHeight && info.inWidth === 2 * info.outWidth
  );
}

/**
 * MaxPool2d(2)'s gradient in one pass that writes every dx element once: each tap is compared with the
 * window's forward maximum `y` and the first equal tap (row-major) takes dy. The selects are integer
 * arithmetic rather than branches because which tap wins is data-dependent (3-4× faster than branching).
 * A non-finite dy times a 0 mask gives NaN where the reference gives 0; such gradients are lost anyway.
 */
export function maxPoolBackprop2x2(x: Float32Array, y: Float32Array, dy: Float32Array, info: backend_util.Conv2DInfo, dx: Float32Array): void {
  const { batchSize: B, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  let o = 0;
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const row0 = (b * OH + oh) * 2 * W * C;
      const row1 = row0 + W * C;
      for (let ow = 0; ow < OW; ow++, o += C) {
        const i0 = row0 + 2 * ow * C;
        const i1 = row1 + 2 * ow * C;
        for (let c = 0; c < C; c++) {
          const m = y[o + c] as number;
          const g = dy[o + c] as number;
          const ha = +(x[i0 + c] === m);
          const hb = +(x[i0 + C + c] === m) & ~ha;
          const hc = +(x[i1 + c] === m) & ~(ha | hb);
          const hd = +(x[i1 + C + c] === m) & ~(ha | hb | hc);
          dx[i0 + c] = ha * g;
          dx[i0 + C + c] = hb * g;
          dx[i1 + c] = hc * g;
          dx[i1 + C + c] = hd * g;
        }
      }
    }
  }
}

/** The MaxPoolGrad kernel (inputs dy, input, output). */
export function maxPoolGradConfig(): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const wasm = asWasm(backend);
    const { dy, input, output } = inputsOf(inputs, 'dy', 'input', 'output');
    const a = attrs as unknown as MaxPoolGradAttrs;
    const info = backend_util.computePool2DInfo(input.shape as Shape4D, a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
    if (isTiled2x2(info)) {
      const dx = wasm.makeOutput(input.shape, 'float32');
      const simd = simdKernels(wasm);
      if (simd && info.inChannels % 4 === 0) {
        simd.maxPoolGrad2x2(input, output, dy, dx);
        return dx;
      }
      maxPoolBackprop2x2(f32(wasm, input), f32(wasm, output), f32(wasm, dy), info, f32(wasm, dx));
      return dx;
    }
    const dx = zeros(wasm, input.shape);
    maxPoolBackprop(f32(wasm, input), f32(wasm, dy), info, f32(wasm, dx));
    return dx;
  };
  return { kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc };
}
