/**
 * Conv2DBackpropFilter (missing from the wasm backend, tfjs issue #8474) and Conv2DBackpropInput (present
 * but a scalar loop). Both go through Winograd (winograd.ts) for 3×3 stride-1 filters from 3 channels. Otherwise dW
 * is summed directly by our SIMD kernel (simd/training-kernels.c) when it loads and the output channels come in
 * fours; otherwise both gradients are forward convolutions that XNNPACK runs at full speed:
 *  - dW: treat input channels as the batch and the batch as channels, dW[ci] = conv(xᵀ[ci], dyᵀ) with the
 *    forward stride as dilation; the output's spatial extent is the filter's. When the patch is shorter
 *    than the output channels (first layers: 3×3×1 → 16), im2col + colsᵀ·dy moves less data instead.
 *  - dx (stride 1): a "full" convolution of dy with the spatially flipped filter, channels swapped.
 *  - dx (stride > 1): dy · Wᵀ as one XNNPACK matrix product, then col2im adds the patches back onto dx.
 */
import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropFilterAttrs, Conv2DBackpropInputAttrs } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { batchChunk, batchRows, col2imAdd, im2colTransposed, patchSize } from './im2col';
import { convGeometry, simdKernels, type SimdKernels } from './simd/simd-kernels';
import { winogradFilterGrad, winogradInputGrad } from './winograd';
import { asWasm, f32, fastMatMul, inputsOf, release, transpose, transpose2d, withShape, xnnConv2d, zeros, type WasmKernels } from './wasm-ops';

type Shape4D = [number, number, number, number];
type Conv2DInfo = backend_util.Conv2DInfo;

function assertChannelsLast(kernel: string, dataFormat: string): void {
  if (dataFormat === 'NCHW') throw new Error(`${kernel} (CNN Lab wasm kernel): only NHWC data is supported`);
}

/** dW via one XNNPACK convolution of the transposed input with the transposed output gradient. */
export function filterGradByConvolution(k: WasmKernels, wasm: BackendWasm, x: TensorInfo, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, strideHeight: SH, strideWidth: SW } = info;
  const { filterHeight: FH, filterWidth: FW, inChannels: CI, outChannels: CO } = info;
  const { top, left } = info.padInfo;
  const xT = transpose(k, wasm, x, [3, 1, 2, 0]); // [CI, H, W, B]
  const dyT = transpose(k, wasm, dy, [1, 2, 0, 3]); // [OH, OW, B, CO]: the "filter"
  // Rows the forward convolution never reached (stride flooring) would make the bottom padding negative:
  // pad 0 instead and drop the extra output rows below.
  const bottom = Math.max(0, FH + (OH - 1) * SH - H - top);
  const right = Math.max(0, FW + (OW - 1) * SW - W - left);
  const r = xnnConv2d(k, wasm, xT, dyT, [[0, 0], [top, bottom], [left, right], [0, 0]], [SH, SW]); // [CI, R, S, CO]
  release(wasm, xT, dyT);
  const [, R, S] = r.shape as Shape4D;
  const dw = wasm.makeOutput([FH, FW, CI, CO], 'float32');
  const src = f32(wasm, r);
  const dst = f32(wasm, dw);
  for (let kh = 0; kh < FH; kh++) {
    for (let kw = 0; kw < FW; kw++) {
      for (let ci = 0; ci < CI; ci++) {
        const from = ((ci * R + kh) * S + kw) * CO;
        dst.set(src.subarray(from, from + CO), ((kh * FW + kw) * CI + ci) * CO);
      }
    }
  }
  release(wasm, r);
  return dw;
}

/** dW = colsᵀ · dy with dy in its natural layout, accumulated over batch chunks. */
export function filterGradByIm2col(k: WasmKernels, wasm: BackendWasm, x: TensorInfo, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
  const K = patchSize(info);
  const pixels = info.outHeight * info.outWidth;
  const chunk = batchChunk(info.batchSize, K * pixels);
  let acc: TensorInfo | undefined;
  for (let b0 = 0; b0 < info.batchSize; b0 += chunk) {
    const b1 = Math.min(b0 + chunk, info.batchSize);
    const { rows: dyRows, owned } = batchRows(wasm, dy, b0, b1, pixels, info.outChannels);
    const colsT = wasm.makeOutput([K, (b1 - b0) * pixels], 'float32');
    im2colTransposed(f32(wasm, x), info, b0, b1, f32(wasm, colsT));
    const part = fastMatMul(k, wasm, colsT, dyRows);
    release(wasm, colsT, ...(owned ? [dyRows] : []));
    if (acc) {
      const sum = f32(wasm, acc);
      const add = f32(wasm, part);
      for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + (add[i] as number);
      release(wasm, part);
    } else {
      acc = part;
    }
  }
  return withShape(acc ?? zeros(wasm, [K, info.outChannels]), [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels]);
}

/**
 * dW summed directly from x and dy by our SIMD kernel: no transposes, no patch matrix, and above all no XNNPACK
 * weight packing, which costs more than the arithmetic when the "weights" are a fresh dy of every step.
 */
function filterGradBySimd(simd: SimdKernels, wasm: BackendWasm, x: TensorInfo, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
  const dw = wasm.makeOutput([info.filterHeight, info.filterWidth, info.inChannels, info.outChannels], 'float32');
  simd.conv2dFilterGrad(x, dy, dw, convGeometry(info));
  return dw;
}

/** XNNPACK builds one pointer per (output pixel, filter tap); past this the trick's memory gets silly. */
const MAX_INDIRECTION_POINTERS = 4 * 1024 * 1024;

/**
 * Which dW strategy moves less data (measured on the reference CNN: 3×3×1→16 im2col 3.9 ms vs 7.3 ms,
 * 3×3×16→32 trick 7.2 ms vs 8.6 ms). In the trick the "filter" spans the whole output image, so its
 * indirection buffer (CI·FH·FW × OH·OW pointers) grows with the image: large images use im2col (chunked).
 */
function prefersIm2col(info: Conv2DInfo): boolean {
  const indirection = patchSize(info) * info.outHeight * info.outWidth;
  return patchSize(info) <= info.outChannels || indirection > MAX_INDIRECTION_POINTERS;
}

export function conv2DBackpropFilterConfig(k: WasmKernels): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, dy } = inputsOf(inputs, 'x', 'dy');
    const a = attrs as unknown as Conv2DBackpropFilterAttrs;
    assertChannelsLast('Conv2DBackpropFilter', a.dataFormat);
    const info = backend_util.computeConv2DInfo(x.shape as Shape4D, a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode);
    const wasm = asWasm(backend);
    const winograd = winogradFilterGrad(wasm, x, dy, info);
    if (winograd) return winograd;
    const simd = simdKernels(wasm);
    if (simd && info.outChannels % 4 === 0) return filterGradBySimd(simd, wasm, x, dy, info);
    return (prefersIm2col(info) ? filterGradByIm2col : filterGradByConvolution)(k, wasm, x, dy, info);
  };
  return { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc };
}

/** Whether dx is a plain stride-1 "full" convolution (padding no wider than the filter reach). */
function isFullConvolution(info: Conv2DInfo): boolean {
  const { top, bottom, left, right } = info.padInfo;
  const { filterHeight: FH, filterWidth: FW } = info;
  return info.strideHeight === 1 && info.strideWidth === 1 && Math.max(top, bottom) < FH && Math.max(left, right) < FW;
}

/** dx = conv(dy, W flipped in space with in/out channels swapped), padded so dx has the input's size. */
function inputGradByConvolution(k: WasmKernels, wasm: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
  const { filterHeight: FH, filterWidth: FW, inChannels: CI, outChannels: CO } = info;
  const flipped = wasm.makeOutput([FH, FW, CO, CI], 'float32');
  const w = f32(wasm, filter);
  const wf = f32(wasm, flipped);
  for (let kh = 0; kh < FH; kh++) {
    for (let kw = 0; kw < FW; kw++) {
      const from = ((FH - 1 - kh) * FW + (FW - 1 - kw)) * CI * CO;
      const to = (kh * FW + kw) * CO * CI;
      for (let ci = 0; ci < CI; ci++) for (let co = 0; co < CO; co++) wf[to + co * CI + ci] = w[from + ci * CO + co] as number;
    }
  }
  const { top, bottom, left, right } = info.padInfo;
  const dx = xnnConv2d(k, wasm, dy, flipped, [[0, 0], [FH - 1 - top, FH - 1 - bottom], [FW - 1 - left, FW - 1 - right], [0, 0]], [1, 1]);
  release(wasm, flipped);
  return dx;
}

/** dx = col2im(dy · Wᵀ), batch chunk by batch chunk (any stride). */
function inputGradByCol2im(k: WasmKernels, wasm: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: Conv2DInfo, inputShape: Shape4D): TensorInfo {
  const K = patchSize(info);
  const pixels = info.outHeight * info.outWidth;
  const chunk = batchChunk(info.batchSize, K * pixels);
  const filterT = transpose2d(k, wasm, withShape(filter, [K, info.outChannels]));
  const dx = zeros(wasm, inputShape);
  for (let b0 = 0; b0 < info.batchSize; b0 += chunk) {
    const b1 = Math.min(b0 + chunk, info.batchSize);
    const { rows: dyRows, owned } = batchRows(wasm, dy, b0, b1, pixels, info.outChannels);
    const cols = fastMatMul(k, wasm, dyRows, filterT);
    col2imAdd(f32(wasm, cols), info, b0, b1, f32(wasm, dx));
    release(wasm, cols, ...(owned ? [dyRows] : []));
  }
  release(wasm, filterT);
  return dx;
}

export function conv2DBackpropInputConfig(k: WasmKernels): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const wasm = asWasm(backend);
    const { dy, filter } = inputsOf(inputs, 'dy', 'filter');
    const a = attrs as unknown as Conv2DBackpropInputAttrs;
    assertChannelsLast('Conv2DBackpropInput', a.dataFormat);
    const info = backend_util.computeConv2DInfo(a.inputShape, filter.shape as Shape4D, a.strides, 1, a.pad, a.dimRoundingMode);
    const winograd = winogradInputGrad(wasm, dy, filter, info);
    if (winograd) return winograd;
    return isFullConvolution(info) ? inputGradByConvolution(k, wasm, dy, filter, info) : inputGradByCol2im(k, wasm, dy, filter, info, a.inputShape);
  };
  return { kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc };
}
