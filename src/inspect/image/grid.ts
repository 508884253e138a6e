/**
 * Grids of small heatmaps in one picture: the feature maps of a layer (one tile per channel) or its filters.
 * One PNG per page travels to the webview instead of one per channel; the layout says where each tile is,
 * so a click can be mapped back to its channel.
 */
import { BACKGROUND_INDEX, colormapPalette, quantizeInto, symmetricRange, valueRange, type ColormapName, type ValueRange } from './colormap';
import type { GridLayoutData } from '../../protocol/inspect';
import type { IndexedImage, RasterImage } from './png';

/** Channel-major planes: `channels` images of height×width float values, one after another. */
export interface PlaneStack {
  channels: number;
  height: number;
  width: number;
  data: Float32Array;
}

export interface GridOptions {
  colormap: ColormapName;
  /** Tiles per row; default ⌈√count⌉. */
  columns?: number;
  /** Background pixels between tiles (default 1). */
  gap?: number;
  /** Each tile is drawn `scale` times larger, nearest neighbour (default 1). */
  scale?: number;
  /** 'tile': each tile uses its own range (default); 'shared': one range for all tiles. */
  range?: 'tile' | 'shared';
  /** Make each range symmetric around zero (signed values with the diverging map). */
  symmetric?: boolean;
  /** First plane and number of planes to draw (paging). */
  first?: number;
  count?: number;
}

/** Where the tiles are in the grid picture and the value range each was drawn with (the protocol's type). */
export type GridLayout = GridLayoutData;

/** Background of tiled images (gray level). */
const BACKGROUND = 40;

/** Draws planes [first, first + count) of a stack as a grid of colour-mapped tiles (an indexed image). */
export function renderGrid(stack: PlaneStack, options: GridOptions): { image: IndexedImage; layout: GridLayout } {
  const first = Math.max(0, Math.min(options.first ?? 0, stack.channels));
  const count = Math.max(0, Math.min(options.count ?? stack.channels - first, stack.channels - first));
  const columns = Math.max(1, Math.min(options.columns ?? Math.ceil(Math.sqrt(count)), Math.max(count, 1)));
  const rows = Math.max(1, Math.ceil(count / columns));
  const gap = options.gap ?? 1;
  const scale = Math.max(1, Math.floor(options.scale ?? 1));
  const tileWidth = stack.width * scale;
  const tileHeight = stack.height * scale;
  const width = columns * tileWidth + (columns - 1) * gap;
  const height = rows * tileHeight + (rows - 1) * gap;
  const indices = new Uint8Array(width * height).fill(BACKGROUND_INDEX);
  const plane = stack.height * stack.width;
  const ranges = planeRanges(stack, first, count, options);
  const scratch = scale > 1 ? new Uint8Array(plane) : undefined;
  for (let i = 0; i < count; i++) {
    const values = stack.data.subarray((first + i) * plane, (first + i + 1) * plane);
    const offset = Math.floor(i / columns) * (tileHeight + gap) * width + (i % columns) * (tileWidth + gap);
    if (!scratch) quantizeInto(values, stack.width, stack.height, ranges[i], indices, offset, width);
    else {
      quantizeInto(values, stack.width, stack.height, ranges[i], scratch, 0, stack.width);
      upscaleInto(scratch, stack.width, stack.height, scale, indices, offset, width);
    }
  }
  return { image: { width, height, indices, palette: colormapPalette(options.colormap) }, layout: { columns, rows, tileWidth, tileHeight, gap, first, ranges } };
}

function planeRanges(stack: PlaneStack, first: number, count: number, options: GridOptions): ValueRange[] {
  const plane = stack.height * stack.width;
  const own = Array.from({ length: count }, (_, i) => valueRange(stack.data.subarray((first + i) * plane, (first + i + 1) * plane)));
  let ranges = own;
  if (options.range === 'shared') {
    const shared = own.reduce((a, r) => ({ min: Math.min(a.min, r.min), max: Math.max(a.max, r.max) }), { min: Infinity, max: -Infinity });
    ranges = own.map(() => (count > 0 ? shared : { min: 0, max: 0 }));
  }
  return options.symmetric ? ranges.map(symmetricRange) : ranges;
}

/** Nearest-neighbour enlargement of a one-byte-per-pixel tile into a bigger picture. */
export function upscaleInto(src: Uint8Array, width: number, height: number, scale: number, out: Uint8Array, offset: number, stride: number): void {
  for (let y = 0; y < height * scale; y++) {
    const srcRow = Math.floor(y / scale) * width;
    let o = offset + y * stride;
    for (let x = 0; x < width * scale; x++) out[o++] = src[srcRow + Math.floor(x / scale)];
  }
}

/** The channel-major planes of one NHWC activation (batch of one): [H, W, C] → C planes of H×W. */
export function planesFromHwc(data: ArrayLike<number>, height: number, width: number, channels: number): PlaneStack {
  const out = new Float32Array(channels * height * width);
  const plane = height * width;
  for (let p = 0; p < plane; p++) {
    const base = p * channels;
    for (let c = 0; c < channels; c++) out[c * plane + p] = data[base + c];
  }
  return { channels, height, width, data: out };
}

/** Tiles same-sized 8-bit images (1 or 3 channels, as the first one) into a grid picture. */
export function tileImages(images: RasterImage[], columns: number, gap = 2): { image: RasterImage; layout: GridLayout } {
  const first = images[0];
  const c = first.channels;
  const cols = Math.max(1, Math.min(columns, images.length));
  const rows = Math.ceil(images.length / cols);
  const width = cols * first.width + (cols - 1) * gap;
  const height = rows * first.height + (rows - 1) * gap;
  const data = new Uint8Array(width * height * c).fill(BACKGROUND);
  images.forEach((img, i) => {
    const x0 = (i % cols) * (first.width + gap);
    const y0 = Math.floor(i / cols) * (first.height + gap);
    for (let y = 0; y < img.height; y++) data.set(img.data.subarray(y * img.width * c, (y + 1) * img.width * c), ((y0 + y) * width + x0) * c);
  });
  return { image: { width, height, channels: c, data }, layout: { columns: cols, rows, tileWidth: first.width, tileHeight: first.height, gap, first: 0, ranges: [] } };
}
