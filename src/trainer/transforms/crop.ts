/** Cropping and padding (torchvision's F.crop, which pads with zeros outside the image, and F.pad's modes). */
import { newImage, type FloatImage } from './image';

export type PaddingMode = 'constant' | 'edge' | 'reflect' | 'symmetric';

/** The window of h × w at (top, left); positions outside the image are 0. */
export function crop(image: FloatImage, top: number, left: number, h: number, w: number): FloatImage {
  const { height, width, channels, data } = image;
  const out = newImage(h, w, channels);
  for (let y = 0; y < h; y++) {
    const sy = y + top;
    if (sy < 0 || sy >= height) continue;
    for (let x = 0; x < w; x++) {
      const sx = x + left;
      if (sx < 0 || sx >= width) continue;
      const from = (sy * width + sx) * channels;
      const to = (y * w + x) * channels;
      for (let c = 0; c < channels; c++) out.data[to + c] = data[from + c];
    }
  }
  return out;
}

/** Maps a position outside [0, n) back inside, as the padding mode does (undefined: use the fill). */
function sourceIndex(i: number, n: number, mode: PaddingMode): number | undefined {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'constant':
      return undefined;
    case 'edge':
      return i < 0 ? 0 : n - 1;
    case 'reflect':
      return i < 0 ? -i : 2 * (n - 1) - i;
    case 'symmetric':
      return i < 0 ? -i - 1 : 2 * n - 1 - i;
  }
}

/** Pads by [left, top, right, bottom]; `fill` per channel for 'constant'. */
export function pad(image: FloatImage, sides: [number, number, number, number], mode: PaddingMode, fill: number[]): FloatImage {
  const [left, top, right, bottom] = sides;
  if (left === 0 && top === 0 && right === 0 && bottom === 0) return image;
  const { height, width, channels, data } = image;
  const out = newImage(height + top + bottom, width + left + right, channels);
  for (let y = 0; y < out.height; y++) {
    const sy = sourceIndex(y - top, height, mode);
    for (let x = 0; x < out.width; x++) {
      const sx = sourceIndex(x - left, width, mode);
      const to = (y * out.width + x) * channels;
      for (let c = 0; c < channels; c++) out.data[to + c] = sy === undefined || sx === undefined ? fill[c] : data[(sy * width + sx) * channels + c];
    }
  }
  return out;
}
