/**
 * DepthwiseConv2dNativeBackpropFilter / BackpropInput, both missing from the wasm backend (needed for
 * grouped convolutions with groups = in_channels). Depthwise work is small (no channel mixing), so direct
 * loops over output pixels with the channel-multiplier run innermost are fast enough.
 */
import { backend_util, type KernelConfig, type KernelFunc } from '@tensorflow/tfjs-core';
import type { DepthwiseConv2dNativeBackpropFilterAttrs, DepthwiseConv2dNativeBackpropInputAttrs } from '@tensorflow/tfjs-core';
import { asWasm, f32, inputsOf, zeros } from './wasm-ops';

type Shape4D = [number, number, number, number];
type Conv2DInfo = backend_util.Conv2DInfo;

/**
 * Visits every (output pixel, filter tap) pair whose tap reads inside the input, passing the offsets of
 * the input pixel, the filter tap and the output pixel (each the start of a channel run).
 */
function forEachTap(info: Conv2DInfo, visit: (xAt: number, wAt: number, yAt: number) => void): void {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW, dilationHeight: DH, dilationWidth: DW } = info;
  const CM = info.outChannels;
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const yAt = ((b * OH + oh) * OW + ow) * CM;
        for (let kh = 0; kh < FH; kh++) {
          const ih = oh * SH - info.padInfo.top + kh * DH;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < FW; kw++) {
            const iw = ow * SW - info.padInfo.left + kw * DW;
            if (iw >= 0 && iw < W) visit(((b * H + ih) * W + iw) * C, (kh * FW + kw) * CM, yAt);
          }
        }
      }
    }
  }
}

/** dW[kh,kw,c,m] = Σ x[b,ih,iw,c] · dy[b,oh,ow,c·M+m], accumulated in float64 (up to B·OH·OW terms). */
export function depthwiseFilterGrad(x: Float32Array, dy: Float32Array, info: Conv2DInfo, dw: Float32Array): void {
  const C = info.inChannels;
  const M = info.outChannels / C;
  const acc = new Float64Array(dw.length);
  forEachTap(info, (xAt, wAt, yAt) => {
    for (let c = 0, j = 0; c < C; c++) {
      const xv = x[xAt + c];
      for (let m = 0; m < M; m++, j++) acc[wAt + j] += xv * dy[yAt + j];
    }
  });
  dw.set(acc);
}

/** dx[b,ih,iw,c] = Σ W[kh,kw,c,m] · dy[b,oh,ow,c·M+m]. */
export function depthwiseInputGrad(dy: Float32Array, w: Float32Array, info: Conv2DInfo, dx: Float32Array): void {
  const C = info.inChannels;
  const M = info.outChannels / C;
  forEachTap(info, (xAt, wAt, yAt) => {
    for (let c = 0, j = 0; c < C; c++) {
      let s = 0;
      for (let m = 0; m < M; m++, j++) s += w[wAt + j] * dy[yAt + j];
      dx[xAt + c] += s;
    }
  });
}

export function depthwiseBackpropFilterConfig(): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const wasm = asWasm(backend);
    const { x, dy } = inputsOf(inputs, 'x', 'dy');
    const a = attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
    const info = backend_util.computeConv2DInfo(x.shape as Shape4D, a.filterShape, a.strides, a.dilations, a.pad, a.dimRoundingMode, true);
    const dw = wasm.makeOutput(a.filterShape, 'float32');
    depthwiseFilterGrad(f32(wasm, x), f32(wasm, dy), info, f32(wasm, dw));
    return dw;
  };
  return { kernelName: 'DepthwiseConv2dNativeBackpropFilter', backendName: 'wasm', kernelFunc };
}

export function depthwiseBackpropInputConfig(): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const wasm = asWasm(backend);
    const { dy, filter } = inputsOf(inputs, 'dy', 'filter');
    const a = attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
    const info = backend_util.computeConv2DInfo(a.inputShape, filter.shape as Shape4D, a.strides, a.dilations, a.pad, a.dimRoundingMode, true);
    const dx = zeros(wasm, a.inputShape);
    depthwiseInputGrad(f32(wasm, dy), f32(wasm, filter), info, f32(wasm, dx));
    return dx;
  };
  return { kernelName: 'DepthwiseConv2dNativeBackpropInput', backendName: 'wasm', kernelFunc };
}
