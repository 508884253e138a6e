/**
 * Fitting images to the model's input: separable resampling (area averaging when shrinking, like
 * OpenCV's INTER_AREA; bilinear with half-pixel centres when enlarging, like torch's align_corners=False)
 * and channel conversion (gray → RGB by copying, RGB → gray by ITU-R 601 luma, as PIL's convert('L')).
 */
import { imageSize } from './imageset';
import { scaleObjects } from './objectBoxes';
import type { ImageSet } from './types';

/** For each output position along one axis: the source indices and their weights (summing to 1). */
interface AxisTaps {
  start: Int32Array;
  count: Int32Array;
  index: Int32Array;
  weight: Float32Array;
}

/** Precomputes the taps that map `src` samples onto `dst` samples along one axis. */
export function axisTaps(src: number, dst: number): AxisTaps {
  const index: number[] = [];
  const weight: number[] = [];
  const start = new Int32Array(dst);
  const count = new Int32Array(dst);
  const scale = src / dst;
  for (let i = 0; i < dst; i++) {
    start[i] = index.length;
    if (scale > 1) {
      // Area: the output pixel covers [i·scale, (i+1)·scale) of the input; weight = overlap.
      const lo = i * scale;
      const hi = lo + scale;
      for (let s = Math.floor(lo); s < Math.min(src, Math.ceil(hi)); s++) {
        const overlap = Math.min(hi, s + 1) - Math.max(lo, s);
        if (overlap > 1e-9) {
          index.push(s);
          weight.push(overlap / scale);
        }
      }
    } else {
      const x = Math.min(src - 1, Math.max(0, (i + 0.5) * scale - 0.5));
      const s0 = Math.floor(x);
      const s1 = Math.min(src - 1, s0 + 1);
      index.push(s0, s1);
      weight.push(1 - (x - s0), x - s0);
    }
    count[i] = index.length - start[i];
  }
  return { start, count, index: Int32Array.from(index), weight: Float32Array.from(weight) };
}

/** Resizes one HWC uint8 image; `scratch` must hold srcH × dstW × channels floats. */
function resizeInto(
  src: Uint8Array,
  srcH: number,
  srcW: number,
  dst: Uint8Array,
  dstH: number,
  dstW: number,
  channels: number,
  taps: { x: AxisTaps; y: AxisTaps },
  scratch: Float32Array,
): void {
  // Locals instead of property reads in the inner loops: this runs for every image of a dataset.
  const { start: xs, count: xn, index: xi, weight: xw } = taps.x;
  const { start: ys, count: yn, index: yi, weight: yw } = taps.y;
  const rowOut = dstW * channels;
  for (let r = 0; r < srcH; r++) {
    const rowIn = r * srcW;
    for (let j = 0; j < dstW; j++) {
      const t0 = xs[j];
      const t1 = t0 + xn[j];
      for (let c = 0; c < channels; c++) {
        let acc = 0;
        for (let t = t0; t < t1; t++) acc += xw[t] * src[(rowIn + xi[t]) * channels + c];
        scratch[r * rowOut + j * channels + c] = acc;
      }
    }
  }
  for (let i = 0; i < dstH; i++) {
    const t0 = ys[i];
    const t1 = t0 + yn[i];
    for (let k = 0; k < rowOut; k++) {
      let acc = 0;
      for (let t = t0; t < t1; t++) acc += yw[t] * scratch[yi[t] * rowOut + k];
      dst[i * rowOut + k] = acc < 0 ? 0 : acc > 255 ? 255 : acc + 0.5;
    }
  }
}

/** Resizes a single HWC uint8 image (for decoded files of varying sizes). */
export function resizeImage(src: Uint8Array, srcH: number, srcW: number, channels: number, dstH: number, dstW: number): Uint8Array {
  const dst = new Uint8Array(dstH * dstW * channels);
  if (srcH === dstH && srcW === dstW) {
    dst.set(src.subarray(0, dst.length));
    return dst;
  }
  const taps = { x: axisTaps(srcW, dstW), y: axisTaps(srcH, dstH) };
  resizeInto(src, srcH, srcW, dst, dstH, dstW, channels, taps, new Float32Array(srcH * dstW * channels));
  return dst;
}

/** Converts pixels between 1, 3 and 4 (RGBA, alpha dropped) channels, to 1 or 3 channels. */
export function convertChannels(src: Uint8Array, pixels: number, from: number, to: number): Uint8Array {
  if (from === to) return src;
  const dst = new Uint8Array(pixels * to);
  convertChannelsInto(src, pixels, from, dst, to);
  return dst;
}

function convertChannelsInto(src: Uint8Array, pixels: number, from: number, dst: Uint8Array, to: number): void {
  if (from === to) {
    dst.set(src.subarray(0, pixels * to));
    return;
  }
  if (from === 1) {
    // Gray → RGB: the value in every channel (to is 3 here).
    for (let p = 0, q = 0; p < pixels; p++, q += 3) dst[q] = dst[q + 1] = dst[q + 2] = src[p];
    return;
  }
  for (let p = 0; p < pixels; p++) {
    const s = p * from;
    if (to === 1) {
      dst[p] = 0.299 * src[s] + 0.587 * src[s + 1] + 0.114 * src[s + 2] + 0.5;
    } else {
      // RGB(A) → RGB keeps the first three channels.
      for (let c = 0; c < to; c++) dst[p * to + c] = src[s + c];
    }
  }
}

/** Returns `set` converted to [channels, height, width] (the same object when it already fits). */
export function fitSet(set: ImageSet, input: [number, number, number]): ImageSet {
  const [channels, height, width] = input;
  if (set.channels === channels && set.height === height && set.width === width) return set;
  const inSize = imageSize(set);
  const outSize = channels * height * width;
  const images = new Uint8Array(set.count * outSize);
  const taps = { x: axisTaps(set.width, width), y: axisTaps(set.height, height) };
  const scratch = new Float32Array(set.height * width * set.channels);
  const sameSize = set.height === height && set.width === width;
  const resized = new Uint8Array(height * width * set.channels);
  for (let i = 0; i < set.count; i++) {
    const src = set.images.subarray(i * inSize, (i + 1) * inSize);
    if (!sameSize) resizeInto(src, set.height, set.width, resized, height, width, set.channels, taps, scratch);
    convertChannelsInto(sameSize ? src : resized, height * width, set.channels, images.subarray(i * outSize, (i + 1) * outSize), channels);
  }
  // Masks follow the images (nearest neighbour: a class is never blended), objects' boxes scale with them; the
  // classification boxes are dropped rather than misaligned.
  const masks = set.masks && (sameSize ? set.masks : resizeMasks(set.masks, set.count, set.height, set.width, height, width));
  const objects = set.objects && scaleObjects(set.objects, width / set.width, height / set.height);
  return { images, labels: set.labels, count: set.count, height, width, channels, ...(masks ? { masks } : {}), ...(objects ? { objects } : {}) };
}

/** `count` class-index masks resized from h×w to outH×outW by nearest neighbour (torch's 'nearest': floor(i · in / out)). */
export function resizeMasks(masks: Uint8Array, count: number, h: number, w: number, outH: number, outW: number): Uint8Array {
  const out = new Uint8Array(count * outH * outW);
  const xs = Array.from({ length: outW }, (_, x) => Math.min(w - 1, Math.floor((x * w) / outW)));
  for (let i = 0; i < count; i++) {
    for (let y = 0; y < outH; y++) {
      const row = i * h * w + Math.min(h - 1, Math.floor((y * h) / outH)) * w;
      for (let x = 0; x < outW; x++) out[(i * outH + y) * outW + x] = masks[row + xs[x]];
    }
  }
  return out;
}
