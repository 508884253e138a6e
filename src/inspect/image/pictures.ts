/**
 * The inspector's pictures as PNG bytes: the input image, heatmaps overlaid on it (saliency, occlusion),
 * feature-map grids and filter grids. Shared by the worker (for the panel) and `cnnlab inspect` (files).
 */
import { colormapPalette, colormapTable, quantizeInto, symmetricRange, valueRange, type ColormapName, type ValueRange } from './colormap';
import { renderGrid, upscaleInto, type GridLayout, type PlaneStack } from './grid';
import { encodeIndexedPng, encodePng, type RasterImage } from './png';

/** A rendered picture and what the webview needs to read it. */
export interface Picture {
  png: Uint8Array;
  width: number;
  height: number;
}

export interface GridPicture extends Picture {
  layout: GridLayout;
}

/** An HWC uint8 image with 1 or 3 channels as PNG (gray or RGB), optionally enlarged. */
export function imagePicture(pixels: Uint8Array, height: number, width: number, channels: number, scale = 1): Picture {
  const raster = toRaster(pixels, height, width, channels);
  const image = scale > 1 ? enlarge(raster, scale) : raster;
  return { png: encodePng(image), width: image.width, height: image.height };
}

/** A value map drawn with a colormap (an indexed PNG), e.g. one enlarged feature map. */
export function heatmapPicture(values: ArrayLike<number>, height: number, width: number, colormap: ColormapName, range: ValueRange = valueRange(values), scale = 1): Picture {
  const s = Math.max(1, Math.floor(scale));
  const small = new Uint8Array(width * height);
  quantizeInto(values, width, height, range, small, 0, width);
  let indices = small;
  if (s > 1) {
    indices = new Uint8Array(width * s * height * s);
    upscaleInto(small, width, height, s, indices, 0, width * s);
  }
  return { png: encodeIndexedPng({ width: width * s, height: height * s, indices, palette: colormapPalette(colormap) }), width: width * s, height: height * s };
}

/**
 * A heatmap laid over the image: the image in grey, the map's colour mixed in by its strength (0 where the map
 * is at its minimum, `opacity` at its maximum), so both stay readable. Negative values count as zero.
 */
export function overlayPicture(pixels: Uint8Array, height: number, width: number, channels: number, values: ArrayLike<number>, scale = 1, opacity = 0.75): Picture {
  const table = colormapTable('hot');
  const max = Math.max(valueRange(values).max, 0);
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    let grey = 0;
    for (let c = 0; c < channels; c++) grey += pixels[p * channels + c];
    grey /= channels;
    const t = max > 0 ? Math.max(values[p], 0) / max : 0;
    const k = Math.round(t * 255) * 3;
    const a = t * opacity;
    for (let c = 0; c < 3; c++) data[p * 3 + c] = Math.round(grey * 0.6 * (1 - a) + table[k + c] * a);
  }
  const raster: RasterImage = { width, height, channels: 3, data };
  const image = scale > 1 ? enlarge(raster, scale) : raster;
  return { png: encodePng(image), width: image.width, height: image.height };
}

/** A page of a layer's feature maps as one grid picture (each map with its own range, viridis). */
export function featureMapGrid(planes: PlaneStack, first: number, count: number, scale = 1): GridPicture {
  const { image, layout } = renderGrid(planes, { colormap: 'viridis', first, count, scale, gap: Math.max(1, scale) });
  return { png: encodeIndexedPng(image), width: image.width, height: image.height, layout };
}

/**
 * Filters as a grid: one row per output filter, one tile per input channel (diverging map, white = 0, shared
 * range). Single-channel filters wrap into a square-ish grid instead of one tall column.
 */
export function filterGrid(values: Float32Array, outChannels: number, inChannels: number, kh: number, kw: number, firstFilter: number, filterCount: number, scale: number): GridPicture {
  const stack: PlaneStack = { channels: outChannels * inChannels, height: kh, width: kw, data: values };
  const { image, layout } = renderGrid(stack, {
    colormap: 'diverging', columns: inChannels === 1 ? Math.ceil(Math.sqrt(filterCount)) : inChannels, first: firstFilter * inChannels, count: filterCount * inChannels, scale, gap: 2, range: 'shared', symmetric: true,
  });
  return { png: encodeIndexedPng(image), width: image.width, height: image.height, layout };
}

/** RGB first-layer filters as colour tiles (one per filter), 128 = zero, in a row-wrapped grid. */
export function colourFilterGrid(values: Float32Array, outChannels: number, kh: number, kw: number, scale: number, columns = Math.ceil(Math.sqrt(outChannels))): GridPicture {
  const { max } = symmetricRange(valueRange(values));
  const rows = Math.ceil(outChannels / columns);
  const gap = 2;
  const tw = kw * scale;
  const th = kh * scale;
  const width = columns * tw + (columns - 1) * gap;
  const height = rows * th + (rows - 1) * gap;
  const data = new Uint8Array(width * height * 3).fill(40);
  for (let o = 0; o < outChannels; o++) {
    const x0 = (o % columns) * (tw + gap);
    const y0 = Math.floor(o / columns) * (th + gap);
    for (let y = 0; y < th; y++) {
      for (let x = 0; x < tw; x++) {
        const ky = Math.floor(y / scale);
        const kx = Math.floor(x / scale);
        for (let c = 0; c < 3; c++) {
          const v = values[((o * 3 + c) * kh + ky) * kw + kx];
          data[((y0 + y) * width + x0 + x) * 3 + c] = max > 0 ? Math.round(127.5 + (127.5 * v) / max) : 128;
        }
      }
    }
  }
  const layout: GridLayout = { columns, rows, tileWidth: tw, tileHeight: th, gap, first: 0, ranges: [{ min: -max, max }] };
  return { png: encodePng({ width, height, channels: 3, data }), width, height, layout };
}

/** An HWC image as a PNG raster: 1 or 3 channels as they are, other counts show their first channel. */
export function toRaster(pixels: Uint8Array, height: number, width: number, channels: number): RasterImage {
  if (channels === 1 || channels === 3) return { width, height, channels, data: pixels };
  // Other channel counts: show the first channel.
  const data = new Uint8Array(width * height);
  for (let p = 0; p < width * height; p++) data[p] = pixels[p * channels];
  return { width, height, channels: 1, data };
}

/** Nearest-neighbour enlargement (small images stay crisp). */
export function enlarge(image: RasterImage, scale: number): RasterImage {
  const s = Math.max(1, Math.floor(scale));
  const width = image.width * s;
  const height = image.height * s;
  const c = image.channels;
  const data = new Uint8Array(width * height * c);
  for (let y = 0; y < height; y++) {
    const src = Math.floor(y / s) * image.width;
    for (let x = 0; x < width; x++) {
      const si = (src + Math.floor(x / s)) * c;
      const di = (y * width + x) * c;
      for (let k = 0; k < c; k++) data[di + k] = image.data[si + k];
    }
  }
  return { width, height, channels: image.channels, data };
}
