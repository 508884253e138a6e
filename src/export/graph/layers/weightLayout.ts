/**
 * Rearranging constant weights at export time: the engine keeps tfjs layouts (conv [kh, kw, in/groups, out]),
 * the export graph PyTorch's OIHW; dilated kernels get their zeros here, so no runtime needs dilation.
 */
import { transpose } from '../../pytorch/layouts';

export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

/** out[i…] = x[perm…]: numpy's transpose of a row-major array. */
export function transposeData(x: HostTensor, perm: number[]): HostTensor {
  const { values, shape } = transpose(x.data, x.shape, perm);
  return { shape, data: values };
}

/** OIHW [o, i, kh, kw] → [o, i, (kh−1)·dh+1, (kw−1)·dw+1] with zeros between the taps. */
export function dilateKernel(w: HostTensor, [dh, dw]: [number, number]): HostTensor {
  if (dh === 1 && dw === 1) return w;
  const [o, i, kh, kw] = w.shape;
  const [eh, ew] = [(kh - 1) * dh + 1, (kw - 1) * dw + 1];
  const out = new Float32Array(o * i * eh * ew);
  for (let plane = 0; plane < o * i; plane++) {
    for (let y = 0; y < kh; y++) {
      for (let x = 0; x < kw; x++) out[plane * eh * ew + y * dh * ew + x * dw] = w.data[plane * kh * kw + y * kw + x];
    }
  }
  return { shape: [o, i, eh, ew], data: out };
}

/** Reverses the two spatial axes of an OIHW kernel (a transposed convolution is a convolution with it flipped). */
export function flipKernel(w: HostTensor): HostTensor {
  const [o, i, kh, kw] = w.shape;
  const out = new Float32Array(w.data.length);
  for (let plane = 0; plane < o * i; plane++) {
    for (let y = 0; y < kh; y++) {
      for (let x = 0; x < kw; x++) out[plane * kh * kw + y * kw + x] = w.data[plane * kh * kw + (kh - 1 - y) * kw + (kw - 1 - x)];
    }
  }
  return { shape: w.shape, data: out };
}
