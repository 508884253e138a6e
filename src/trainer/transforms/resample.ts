/**
 * Resampling with torch's interpolate arithmetic: bilinear with half-pixel centres, antialiased when shrinking
 * the way PIL (and torch's antialias=True) does it, a triangle filter widened by the scale; nearest takes
 * floor(i · scale) as torch's 'nearest' mode does. Separable: rows first, then columns.
 */
import { newImage, type FloatImage } from './image';

export type Interpolation = 'bilinear' | 'nearest';

interface AxisTaps {
  start: Int32Array;
  count: Int32Array;
  index: Int32Array;
  weight: Float64Array;
}

/** Source indices and weights of every output position along one axis. */
export function axisTaps(inSize: number, outSize: number, mode: Interpolation, antialias: boolean): AxisTaps {
  const scale = inSize / outSize;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const index: number[] = [];
  const weight: number[] = [];
  for (let i = 0; i < outSize; i++) {
    start[i] = index.length;
    if (mode === 'nearest') {
      index.push(Math.min(inSize - 1, Math.floor(i * scale)));
      weight.push(1);
    } else if (antialias || scale <= 1) {
      // PIL's / torch's _upsample_bilinear2d_aa: support = max(scale, 1), weights normalised over the image.
      const support = scale >= 1 ? scale : 1;
      const inv = scale >= 1 ? 1 / scale : 1;
      const center = scale * (i + 0.5);
      const lo = Math.max(Math.trunc(center - support + 0.5), 0);
      const hi = Math.min(Math.trunc(center + support + 0.5), inSize);
      let total = 0;
      const from = weight.length;
      for (let j = lo; j < hi; j++) {
        const w = Math.max(0, 1 - Math.abs((j - center + 0.5) * inv));
        index.push(j);
        weight.push(w);
        total += w;
      }
      for (let k = from; k < weight.length; k++) weight[k] = total > 0 ? weight[k] / total : 0;
    } else {
      const x = Math.max(0, (i + 0.5) * scale - 0.5);
      const i0 = Math.min(Math.floor(x), inSize - 1);
      const i1 = Math.min(i0 + 1, inSize - 1);
      const f = x - i0;
      index.push(i0, i1);
      weight.push(1 - f, f);
    }
    count[i] = index.length - start[i];
  }
  return { start, count, index: Int32Array.from(index), weight: Float64Array.from(weight) };
}

/** Resizes to outH × outW. */
export function resample(image: FloatImage, outH: number, outW: number, mode: Interpolation, antialias: boolean): FloatImage {
  const { height, width, channels, data } = image;
  if (height === outH && width === outW) return image;
  const tx = axisTaps(width, outW, mode, antialias);
  const ty = axisTaps(height, outH, mode, antialias);
  const rows = new Float64Array(height * outW * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < outW; x++) {
      const t0 = tx.start[x];
      const t1 = t0 + tx.count[x];
      for (let c = 0; c < channels; c++) {
        let acc = 0;
        for (let t = t0; t < t1; t++) acc += tx.weight[t] * data[(y * width + tx.index[t]) * channels + c];
        rows[(y * outW + x) * channels + c] = acc;
      }
    }
  }
  const out = newImage(outH, outW, channels);
  const stride = outW * channels;
  for (let y = 0; y < outH; y++) {
    const t0 = ty.start[y];
    const t1 = t0 + ty.count[y];
    for (let k = 0; k < stride; k++) {
      let acc = 0;
      for (let t = t0; t < t1; t++) acc += ty.weight[t] * rows[ty.index[t] * stride + k];
      out.data[y * stride + k] = acc;
    }
  }
  return out;
}
