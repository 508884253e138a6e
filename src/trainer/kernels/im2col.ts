/**
 * Patch extraction (im2col) and its adjoint (col2im) for NHWC convolutions, so that convolution gradients
 * become one large XNNPACK matrix product plus a memory-bound gather or scatter. The loops walk the
 * tensors in memory order and move whole channel runs.
 */
import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { f32 } from './wasm-ops';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type Conv2DInfo = backend_util.Conv2DInfo;

/** Upper bound on the elements of one patch matrix (64 MB); larger batches are processed in chunks. */
const MAX_PATCH_ELEMENTS = 16 * 1024 * 1024;

/** How many batch items fit in one patch matrix of `elementsPerItem` elements each (at least 1). */
export function batchChunk(batchSize: number, elementsPerItem: number): number {
  return Math.max(1, Math.min(batchSize, Math.floor(MAX_PATCH_ELEMENTS / Math.max(1, elementsPerItem))));
}

/** The row length of the patch matrix: one row per output pixel, `filterH · filterW · inChannels` columns. */
export function patchSize(info: Conv2DInfo): number {
  return info.filterHeight * info.filterWidth * info.inChannels;
}

/**
 * Writes the transposed patch matrix of batch items [b0, b1): `colsT[k][p]` with k = (kh, kw, c) and
 * p = (b, oh, ow); taps falling into the padding are zero. `colsT` has patchSize × (b1-b0)·outH·outW elements.
 * Row by row of colsT: each (tap, image row) is one contiguous run of the destination, read with the
 * stride, with only its padded ends zeroed, so the inner loop has no bounds tests.
 */
export function im2colTransposed(x: Float32Array, info: Conv2DInfo, b0: number, b1: number, colsT: Float32Array): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW } = info;
  const { dilationHeight: DH, dilationWidth: DW } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const P = (b1 - b0) * OH * OW;
  const step = SW * C;
  for (let kh = 0; kh < FH; kh++) {
    for (let kw = 0; kw < FW; kw++) {
      // Output columns whose tap lands inside the image: iw = ow·SW − left + kw·DW ∈ [0, W).
      const shift = kw * DW - left;
      const owLo = Math.min(OW, Math.max(0, Math.ceil(-shift / SW)));
      const owHi = Math.max(owLo, Math.min(OW, Math.floor((W - 1 - shift) / SW) + 1));
      for (let c = 0; c < C; c++) {
        let dst = ((kh * FW + kw) * C + c) * P;
        for (let b = b0; b < b1; b++) {
          for (let oh = 0; oh < OH; oh++, dst += OW) {
            const ih = oh * SH - top + kh * DH;
            if (ih < 0 || ih >= H) {
              for (let ow = 0; ow < OW; ow++) colsT[dst + ow] = 0;
              continue;
            }
            for (let ow = 0; ow < owLo; ow++) colsT[dst + ow] = 0;
            for (let ow = owHi; ow < OW; ow++) colsT[dst + ow] = 0;
            let src = ((b * H + ih) * W + owLo * SW + shift) * C + c;
            for (let ow = owLo; ow < owHi; ow++, src += step) colsT[dst + ow] = x[src] as number;
          }
        }
      }
    }
  }
}

/**
 * Adds the patch matrix `cols[p][k]` of batch items [b0, b1) back onto the image `dx` (the adjoint of
 * im2col): every tap accumulates into the input pixel it was read from; taps in the padding are dropped.
 */
export function col2imAdd(cols: Float32Array, info: Conv2DInfo, b0: number, b1: number, dx: Float32Array): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW } = info;
  const { dilationHeight: DH, dilationWidth: DW } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const K = FH * FW * C;
  let row = 0;
  for (let b = b0; b < b1; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, row += K) {
        for (let kh = 0; kh < FH; kh++) {
          const ih = oh * SH - top + kh * DH;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < FW; kw++) {
            const iw = ow * SW - left + kw * DW;
            if (iw < 0 || iw >= W) continue;
            const dst = ((b * H + ih) * W + iw) * C;
            const src = row + (kh * FW + kw) * C;
            for (let c = 0; c < C; c++) dx[dst + c] += cols[src + c];
          }
        }
      }
    }
  }
}

/**
 * Rows [b0·rowsPerItem, b1·rowsPerItem) of a batch-major tensor as a 2-D [rows, cols] tensor: the tensor
 * itself when the range is the whole batch, else a copy. `owned` says whether the caller must release it.
 */
export function batchRows(
  backend: BackendWasm,
  t: TensorInfo,
  b0: number,
  b1: number,
  rowsPerItem: number,
  cols: number,
): { rows: TensorInfo; owned: boolean } {
  const batch = t.shape[0];
  if (b0 === 0 && b1 === batch) return { rows: { dataId: t.dataId, shape: [batch * rowsPerItem, cols], dtype: t.dtype }, owned: false };
  const rows = backend.makeOutput([(b1 - b0) * rowsPerItem, cols], 'float32');
  const itemSize = rowsPerItem * cols;
  f32(backend, rows).set(f32(backend, t).subarray(b0 * itemSize, b1 * itemSize));
  return { rows, owned: true };
}

