/** GaussianBlur(kernel_size, sigma): a separable Gaussian kernel, edges reflected (torchvision's F.gaussian_blur). */
import { pad } from './crop';
import { newImage, sizePair, type FloatImage, type TransformImpl } from './image';

/** torchvision's _get_gaussian_kernel1d. */
export function gaussianKernel(size: number, sigma: number): Float64Array {
  const half = (size - 1) * 0.5;
  const k = new Float64Array(size);
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const x = -half + i;
    k[i] = Math.exp(-0.5 * (x / sigma) ** 2);
    sum += k[i];
  }
  return k.map((v) => v / sum);
}

export function gaussianBlurImage(image: FloatImage, kernel: [number, number], sigma: [number, number]): FloatImage {
  const [kh, kw] = kernel;
  const ky = gaussianKernel(kh, sigma[1]);
  const kx = gaussianKernel(kw, sigma[0]);
  const padded = pad(image, [kw >> 1, kh >> 1, kw >> 1, kh >> 1], 'reflect', []);
  const { channels } = image;
  const rows = newImage(padded.height, image.width, channels);
  for (let y = 0; y < padded.height; y++) {
    for (let x = 0; x < image.width; x++) {
      for (let c = 0; c < channels; c++) {
        let acc = 0;
        for (let t = 0; t < kw; t++) acc += kx[t] * padded.data[(y * padded.width + x + t) * channels + c];
        rows.data[(y * image.width + x) * channels + c] = acc;
      }
    }
  }
  const out = newImage(image.height, image.width, channels);
  const stride = image.width * channels;
  for (let y = 0; y < image.height; y++) {
    for (let k = 0; k < stride; k++) {
      let acc = 0;
      for (let t = 0; t < kh; t++) acc += ky[t] * rows.data[(y + t) * stride + k];
      out.data[y * stride + k] = acc;
    }
  }
  return out;
}

export const gaussianBlur: TransformImpl<number> = {
  params(args, _image, rng) {
    const s = args.sigma;
    return typeof s === 'number' ? s : rng.uniform((s as number[])[0], (s as number[])[1]);
  },
  apply: (image, args, sigma) => gaussianBlurImage(image, sizePair(args.kernel_size), [sigma, sigma]),
};
