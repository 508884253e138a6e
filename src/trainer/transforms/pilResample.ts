/**
 * Resampling as PIL's Image.resize does it on 8-bit images (Pillow's Resample.c), which is what torchvision's Resize
 * does to the PIL images its datasets yield: the triangle filter widened by the scale (always antialiased: torchvision
 * ignores `antialias` for PIL images), its weights turned into 22-bit fixed point, the horizontal pass first and each
 * pass rounded to 8 bits. Nearest is PIL's affine scaling: source ⌊(i + 0.5) · scale⌋, which is not torch's
 * ⌊i · scale⌋. The float resample (resample.ts) differs by up to a grey level per pixel, enough to move the
 * logits of a deep network by ~1%.
 */
import { newImage, type FloatImage } from './image';
import { axisTaps, type Interpolation } from './resample';

/** Pillow's PRECISION_BITS: 32 − 8 − 2. */
const PRECISION_BITS = 22;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

function clip8(v: number): number {
  if (v <= 0) return 0;
  const q = Math.floor(v / ONE);
  return q > 255 ? 255 : q;
}

/** Pillow's normalize_coeffs_8bpc: the weights in fixed point, rounded half away from zero. */
function fixedWeights(weight: Float64Array): Int32Array {
  return Int32Array.from(weight, (w) => Math.trunc(w < 0 ? -0.5 + w * ONE : 0.5 + w * ONE));
}

/** One separable pass along the middle axis of an [outer, inSize, inner] byte array, rounded to 8 bits. */
function pass(src: Uint8Array, dims: { outer: number; inSize: number; inner: number }, outSize: number): Uint8Array {
  const { outer, inSize, inner } = dims;
  const taps = axisTaps(inSize, outSize, 'bilinear', true);
  const k = fixedWeights(taps.weight);
  const out = new Uint8Array(outer * outSize * inner);
  for (let o = 0; o < outer; o++) {
    const base = o * inSize * inner;
    for (let i = 0; i < outSize; i++) {
      const t0 = taps.start[i];
      const t1 = t0 + taps.count[i];
      const dst = (o * outSize + i) * inner;
      for (let c = 0; c < inner; c++) {
        let acc = HALF;
        for (let t = t0; t < t1; t++) acc += src[base + taps.index[t] * inner + c] * k[t];
        out[dst + c] = clip8(acc);
      }
    }
  }
  return out;
}

/**
 * PIL's ImagingScaleAffine source indices: the centre of each output pixel mapped back and truncated, the position
 * accumulated step by step as Pillow does (scale · (i + 0.5) computed directly differs at the odd pixel).
 */
function nearestIndices(inSize: number, outSize: number): Int32Array {
  const scale = inSize / outSize;
  const out = new Int32Array(outSize);
  let at = scale * 0.5;
  for (let i = 0; i < outSize; i++, at += scale) out[i] = Math.min(inSize - 1, Math.trunc(at));
  return out;
}

/** Resizes 8-bit HWC pixels to outH × outW as PIL does. */
export function pilResampleBytes(src: Uint8Array, height: number, width: number, channels: number, outH: number, outW: number, mode: Interpolation): Uint8Array {
  if (height === outH && width === outW) return src;
  if (mode === 'nearest') {
    const xs = nearestIndices(width, outW);
    const ys = nearestIndices(height, outH);
    const out = new Uint8Array(outH * outW * channels);
    for (let y = 0; y < outH; y++) for (let x = 0; x < outW; x++) {
      const from = (ys[y] * width + xs[x]) * channels;
      out.set(src.subarray(from, from + channels), (y * outW + x) * channels);
    }
    return out;
  }
  // Pillow skips a pass whose size does not change (no rounding either).
  const rows = width === outW ? src : pass(src, { outer: height, inSize: width, inner: channels }, outW);
  return height === outH ? rows : pass(rows, { outer: 1, inSize: height, inner: outW * channels }, outH);
}

/** The same on a float image holding 8-bit values (k / 255), as the loader's stored steps see them. */
export function pilResample(image: FloatImage, outH: number, outW: number, mode: Interpolation): FloatImage {
  if (image.height === outH && image.width === outW) return image;
  const bytes = Uint8Array.from(image.data, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
  const resized = pilResampleBytes(bytes, image.height, image.width, image.channels, outH, outW, mode);
  const out = newImage(outH, outW, image.channels);
  for (let i = 0; i < resized.length; i++) out.data[i] = resized[i] / 255;
  return out;
}
