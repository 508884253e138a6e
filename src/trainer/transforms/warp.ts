/**
 * Affine resampling exactly as torchvision does it for tensors: the inverse matrix of _get_inverse_affine_matrix,
 * a grid of pixel centres relative to the image centre, and grid_sample (align_corners=False, zeros outside),
 * with torchvision's mask trick for the fill colour.
 */
import { newImage, type FloatImage } from './image';
import type { Interpolation } from './resample';

/** torchvision's _get_inverse_affine_matrix: output position (relative to the centre) → source position. */
export function inverseAffineMatrix(center: [number, number], angle: number, translate: [number, number], scale: number, shear: [number, number]): number[] {
  const rot = (angle * Math.PI) / 180;
  const sx = (shear[0] * Math.PI) / 180;
  const sy = (shear[1] * Math.PI) / 180;
  const [cx, cy] = center;
  const [tx, ty] = translate;
  const a = Math.cos(rot - sy) / Math.cos(sy);
  const b = (-Math.cos(rot - sy) * Math.tan(sx)) / Math.cos(sy) - Math.sin(rot);
  const c = Math.sin(rot - sy) / Math.cos(sy);
  const d = (-Math.sin(rot - sy) * Math.tan(sx)) / Math.cos(sy) + Math.cos(rot);
  const m = [d, -b, 0, -c, a, 0].map((x) => x / scale);
  m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty);
  m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty);
  m[2] += cx;
  m[5] += cy;
  return m;
}

/** round-half-to-even, as grid_sample's nearest mode (nearbyint). */
function nearbyint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Applies the inverse matrix; `fill` null leaves zeros outside (torchvision's fill=None). */
export function warpAffine(image: FloatImage, matrix: number[], mode: Interpolation, fill: number[] | null): FloatImage {
  const { height: h, width: w, channels, data } = image;
  const out = newImage(h, w, channels);
  const [m0, m1, m2, m3, m4, m5] = matrix;
  const ox = (w - 1) / 2;
  const oy = (h - 1) / 2;
  const value = new Float64Array(channels);
  for (let y = 0; y < h; y++) {
    const yc = y - oy;
    for (let x = 0; x < w; x++) {
      const xc = x - ox;
      const px = m0 * xc + m1 * yc + m2 + ox;
      const py = m3 * xc + m4 * yc + m5 + oy;
      let mask = 0;
      value.fill(0);
      if (mode === 'nearest') {
        const ix = nearbyint(px);
        const iy = nearbyint(py);
        if (ix >= 0 && iy >= 0 && ix < w && iy < h) {
          mask = 1;
          for (let c = 0; c < channels; c++) value[c] = data[(iy * w + ix) * channels + c];
        }
      } else {
        const x0 = Math.floor(px);
        const y0 = Math.floor(py);
        const fx = px - x0;
        const fy = py - y0;
        for (let k = 0; k < 4; k++) {
          const xx = x0 + (k & 1);
          const yy = y0 + (k >> 1);
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          const weight = (k & 1 ? fx : 1 - fx) * (k >> 1 ? fy : 1 - fy);
          mask += weight;
          for (let c = 0; c < channels; c++) value[c] += weight * data[(yy * w + xx) * channels + c];
        }
      }
      const to = (y * w + x) * channels;
      for (let c = 0; c < channels; c++) {
        if (!fill) out.data[to + c] = value[c];
        else if (mode === 'nearest') out.data[to + c] = mask < 0.5 ? fill[c] : value[c];
        else out.data[to + c] = value[c] * mask + (1 - mask) * fill[c];
      }
    }
  }
  return out;
}
