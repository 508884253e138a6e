/**
 * Collects the strip of fixed validation images a task shows after each epoch (protocol/sampleStrip.ts): the first
 * STRIP_IMAGES images of the pass, which is never shuffled and whose noise is seeded alike in every epoch, so the same
 * images come back each epoch. Each column's float HWC values become [0, 1] pixels through the task's mapping, then
 * uint8 (nearest-downscaled to MAX_STRIP_SIDE so big images stay a few kilobytes); masks are downscaled alike and
 * boxes scaled by the same factors.
 */
import type { TruthBox } from '../../model/detection/averagePrecision';
import type { Detection } from '../../model/detection/postprocess';
import type { RowBoxes, SampleRow, SampleStrip, StripBox } from '../../protocol/sampleStrip';
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

/** What a strip draws over its rows' first image, and the classes that indexes. */
export type StripOverlay =
  /** Segmentation: the titles of each row's class-index masks. */
  | { masks: readonly string[]; classes: readonly string[] }
  /** Detection: true and predicted boxes; predictions from `shownScore` are shown until the panel's slider moves. */
  | { boxes: true; classes: readonly string[]; shownScore: number };

/** A row's overlays at the image's own size: masks (H×W class indices at `offset`, one per mask title) or boxes in pixels. */
export interface RowOverlays {
  masks?: ReadonlyArray<{ values: ArrayLike<number>; offset: number }>;
  boxes?: { truth: readonly TruthBox[]; predicted: readonly Detection[] };
}

export class StripCollector {
  private readonly rows: SampleRow[] = [];
  private geometry: { width: number; height: number; channels: number } | null = null;

  constructor(private readonly columns: readonly string[], private readonly errorName: string, private readonly capacity = STRIP_IMAGES, private readonly overlay?: StripOverlay) {}

  get full(): boolean {
    return this.rows.length >= this.capacity;
  }

  /** Adds one row (ignored once the strip is full); `images` has one entry per column. */
  add(index: number, label: number, images: readonly StripImage[], g: ImageGeometry, error: number | null, overlays?: RowOverlays): void {
    if (this.full) return;
    this.rows.push(this.row(index, label, images, g, error, overlays));
  }

  /** One row as the strip would hold it (for collections that pick their rows themselves, e.g. the worst images). */
  row(index: number, label: number, images: readonly StripImage[], g: ImageGeometry, error: number | null, overlays?: RowOverlays): SampleRow {
    const encoded = images.map((image) => encodeImage(image, g));
    this.geometry = { width: encoded[0].width, height: encoded[0].height, channels: encoded[0].channels };
    const row: SampleRow = { index, label, images: encoded.map((e) => e.pixels), error };
    if (overlays?.masks) row.masks = overlays.masks.map((m) => encodeMask(m.values, m.offset, g));
    if (overlays?.boxes) row.boxes = scaleBoxes(overlays.boxes, g);
    return row;
  }

  strip(epoch: number, rows: readonly SampleRow[] = this.rows): SampleStrip | null {
    if (!this.geometry || !rows.length) return null;
    const o = this.overlay;
    const overlay = !o ? {} : 'masks' in o ? { maskColumns: [...o.masks], classes: [...o.classes] } : { classes: [...o.classes], shownScore: o.shownScore };
    return { epoch, columns: [...this.columns], ...this.geometry, errorName: this.errorName, rows: rows.map(copyRow), ...overlay };
  }
}

function copyRow(r: SampleRow): SampleRow {
  const boxes = r.boxes ? { boxes: { truth: r.boxes.truth.map((b) => ({ ...b })), predicted: r.boxes.predicted.map((b) => ({ ...b })) } } : {};
  return { ...r, images: [...r.images], ...(r.masks ? { masks: [...r.masks] } : {}), ...boxes };
}

/** Boxes in the strip's pixels: scaled by the factors encodeImage scales the image by; predictions best first. */
export function scaleBoxes(boxes: NonNullable<RowOverlays['boxes']>, g: Pick<ImageGeometry, 'width' | 'height'>): RowBoxes {
  const { width, height } = stripSize(g);
  const [sx, sy] = [width / g.width, height / g.height];
  const scaled = (cls: number, b: TruthBox['box']): StripBox => ({ cls, x1: b[0] * sx, y1: b[1] * sy, x2: b[2] * sx, y2: b[3] * sy });
  return {
    truth: boxes.truth.map((t) => scaled(t.cls, t.box)),
    predicted: [...boxes.predicted].sort((a, b) => b.score - a.score).map((d) => ({ ...scaled(d.cls, d.box), score: d.score })),
  };
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
