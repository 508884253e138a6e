/**
 * Pictures of the visualisation views: signed gradients as images (guided backprop, deconvnet), a square outline
 * on the input (a receptive field), a value map with a square on it (the effective field), and pixel tiles.
 */
import { colormapTable } from './colormap';
import { enlarge, imagePicture, type Picture } from './pictures';
import { encodePng, type RasterImage } from './png';

/** A box to outline, in input pixels (it may reach past the edges: only the visible part is drawn). */
export interface Square {
  top: number;
  left: number;
  size: number;
}

/**
 * A signed HWC gradient as an image: 0 is mid-grey, ±max|g| are black/white (per channel for RGB; the channel
 * mean for other channel counts), so positive and negative evidence both show.
 */
export function signedImagePicture(gradient: ArrayLike<number>, height: number, width: number, channels: number, scale = 1): Picture {
  const colour = channels === 3;
  const out = colour ? 3 : 1;
  let max = 0;
  for (let i = 0; i < gradient.length; i++) max = Math.max(max, Math.abs(gradient[i]));
  const data = new Uint8Array(height * width * out);
  for (let p = 0; p < height * width; p++) {
    for (let k = 0; k < out; k++) {
      let v = 0;
      if (colour) v = gradient[p * 3 + k];
      else for (let c = 0; c < channels; c++) v += gradient[p * channels + c] / channels;
      data[p * out + k] = max > 0 ? Math.round(127.5 + (127.5 * v) / max) : 128;
    }
  }
  const raster: RasterImage = { width, height, channels: out, data };
  return imagePicture(raster.data, height, width, out, scale);
}

/** A value map in [0, max] drawn with the 'hot' colours as an RGB PNG (the layer laid over the image in the panel). */
export function heatLayerPicture(values: ArrayLike<number>, height: number, width: number, scale = 1): Picture {
  const table = colormapTable('hot');
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]);
  const data = new Uint8Array(height * width * 3);
  for (let p = 0; p < height * width; p++) {
    const k = Math.round((max > 0 ? Math.max(0, values[p]) / max : 0) * 255) * 3;
    data.set(table.subarray(k, k + 3), p * 3);
  }
  const image = enlarge({ width, height, channels: 3, data }, scale);
  return { png: encodePng(image), width: image.width, height: image.height };
}

/** The HWC uint8 image (or a [0, 1] value map when `values` is given, 'hot' colours) enlarged, with `square` outlined. */
export function squarePicture(pixels: Uint8Array, height: number, width: number, channels: number, square: Square, scale: number, values?: ArrayLike<number>): Picture {
  const s = Math.max(1, Math.floor(scale));
  const base = values ? hotRaster(values, height, width) : greyRaster(pixels, height, width, channels);
  const image = enlarge(base, s);
  const W = image.width;
  const H = image.height;
  const y0 = square.top * s;
  const x0 = square.left * s;
  const y1 = (square.top + square.size) * s - 1;
  const x1 = (square.left + square.size) * s - 1;
  const paint = (x: number, y: number): void => {
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    image.data.set([0, 200, 255], (y * W + x) * 3);
  };
  const thickness = Math.max(1, Math.floor(s / 3));
  for (let t = 0; t < thickness; t++) {
    for (let x = x0; x <= x1; x++) {
      paint(x, y0 + t);
      paint(x, y1 - t);
    }
    for (let y = y0; y <= y1; y++) {
      paint(x0 + t, y);
      paint(x1 - t, y);
    }
  }
  return { png: encodePng(image), width: W, height: H };
}

function greyRaster(pixels: Uint8Array, height: number, width: number, channels: number): RasterImage {
  const data = new Uint8Array(height * width * 3);
  for (let p = 0; p < height * width; p++) {
    if (channels === 3) data.set(pixels.subarray(p * 3, p * 3 + 3), p * 3);
    else data.fill(pixels[p * channels], p * 3, p * 3 + 3);
  }
  return { width, height, channels: 3, data };
}

function hotRaster(values: ArrayLike<number>, height: number, width: number): RasterImage {
  const table = colormapTable('hot');
  const data = new Uint8Array(height * width * 3);
  for (let p = 0; p < height * width; p++) {
    const k = Math.round(Math.min(1, Math.max(0, values[p])) * 255) * 3;
    data.set(table.subarray(k, k + 3), p * 3);
  }
  return { width, height, channels: 3, data };
}

/** The part of an HWC uint8 image under `square` as its own image (background grey outside the image). */
export function cropSquare(pixels: Uint8Array, height: number, width: number, channels: number, square: Square): RasterImage {
  const c = channels === 3 ? 3 : 1;
  const data = new Uint8Array(square.size * square.size * c).fill(40);
  for (let y = 0; y < square.size; y++) {
    const sy = square.top + y;
    if (sy < 0 || sy >= height) continue;
    for (let x = 0; x < square.size; x++) {
      const sx = square.left + x;
      if (sx < 0 || sx >= width) continue;
      for (let k = 0; k < c; k++) data[(y * square.size + x) * c + k] = pixels[(sy * width + sx) * channels + k];
    }
  }
  return { width: square.size, height: square.size, channels: c, data };
}
