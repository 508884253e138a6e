/**
 * Collects the strip of fixed validation images a task shows after each epoch (protocol/sampleStrip.ts): the first
 * STRIP_IMAGES images of the pass, which is never shuffled and whose noise is seeded alike in every epoch, so the same
 * images come back each epoch. Each column's float HWC values become [0, 1] pixels through the task's mapping, then
 * uint8 (nearest-downscaled to MAX_STRIP_SIDE so big images stay a few kilobytes).
 */
import type { SampleRow, SampleStrip } from '../../protocol/sampleStrip';
import type { ToPixel } from './reconstructionErrors';

export const STRIP_IMAGES = 8;
export const MAX_STRIP_SIDE = 96;

export interface ImageGeometry {
  height: number;
  width: number;
  channels: number;
}

/** One column of a row: `values` holds the image at `offset`, mapped to [0, 1] pixels by `toPixel`. */
export interface StripImage {
  values: ArrayLike<number>;
  offset: number;
  toPixel: ToPixel;
}

/** Segmentation strips: the titles of each row's class-index masks, and the classes they index. */
export interface StripMasks {
  columns: readonly string[];
  classes: readonly string[];
}

export class StripCollector {
  private readonly rows: SampleRow[] = [];
  private geometry: { width: number; height: number; channels: number } | null = null;

  constructor(private readonly columns: readonly string[], private readonly errorName: string, private readonly capacity = STRIP_IMAGES, private readonly masks?: StripMasks) {}

  get full(): boolean {
    return this.rows.length >= this.capacity;
  }

  /** Adds one row (ignored once the strip is full); `images` has one entry per column, `masks` (H×W class indices at `maskOffset`) one per mask column. */
  add(index: number, label: number, images: readonly StripImage[], g: ImageGeometry, error: number | null, masks?: ReadonlyArray<{ values: ArrayLike<number>; offset: number }>): void {
    if (this.full) return;
    this.rows.push(this.row(index, label, images, g, error, masks));
  }

  /** One row as the strip would hold it (for collections that pick their rows themselves, e.g. the worst images). */
  row(index: number, label: number, images: readonly StripImage[], g: ImageGeometry, error: number | null, masks?: ReadonlyArray<{ values: ArrayLike<number>; offset: number }>): SampleRow {
    const encoded = images.map((image) => encodeImage(image, g));
    this.geometry = { width: encoded[0].width, height: encoded[0].height, channels: encoded[0].channels };
    const row: SampleRow = { index, label, images: encoded.map((e) => e.pixels), error };
    if (masks) row.masks = masks.map((m) => encodeMask(m.values, m.offset, g));
    return row;
  }

  strip(epoch: number, rows: readonly SampleRow[] = this.rows): SampleStrip | null {
    if (!this.geometry || !rows.length) return null;
    const masks = this.masks ? { maskColumns: [...this.masks.columns], classes: [...this.masks.classes] } : {};
    return { epoch, columns: [...this.columns], ...this.geometry, errorName: this.errorName, rows: rows.map((r) => ({ ...r, images: [...r.images], ...(r.masks ? { masks: [...r.masks] } : {}) })), ...masks };
  }
}

/** A class-index mask (height×width bytes at `offset`) as base64, nearest-downscaled exactly as encodeImage scales images. */
export function encodeMask(values: ArrayLike<number>, offset: number, g: Pick<ImageGeometry, 'width' | 'height'>): string {
  const { width, height } = stripSize(g);
  const bytes = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.floor((y * g.height) / height);
    for (let x = 0; x < width; x++) bytes[y * width + x] = values[offset + sy * g.width + Math.floor((x * g.width) / width)];
  }
  return Buffer.from(bytes).toString('base64');
}

/** The strip's size for images of g's size: at most MAX_STRIP_SIDE on the longer side. */
function stripSize(g: Pick<ImageGeometry, 'width' | 'height'>): { width: number; height: number } {
  const scale = Math.min(1, MAX_STRIP_SIDE / Math.max(g.width, g.height));
  return { width: Math.max(1, Math.round(g.width * scale)), height: Math.max(1, Math.round(g.height * scale)) };
}

/** An image as base64 HWC uint8 (channels 1 or 3: a 4th channel is dropped, 2 channels keep the first). */
export function encodeImage({ values, offset, toPixel }: StripImage, g: ImageGeometry): { pixels: string; width: number; height: number; channels: number } {
  const { width, height } = stripSize(g);
  const channels = g.channels >= 3 ? 3 : 1;
  const bytes = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const sy = Math.floor((y * g.height) / height);
    for (let x = 0; x < width; x++) {
      const sx = Math.floor((x * g.width) / width);
      const src = offset + (sy * g.width + sx) * g.channels;
      for (let c = 0; c < channels; c++) {
        const v = toPixel(values[src + c], c);
        bytes[(y * width + x) * channels + c] = Number.isFinite(v) ? Math.round(Math.min(1, Math.max(0, v)) * 255) : 0;
      }
    }
  }
  return { pixels: Buffer.from(bytes).toString('base64'), width, height, channels };
}
