/**
 * The view model of the strip of fixed validation images (reconstruction: input | noisy input | output per image;
 * segmentation: the input, then its true and predicted masks over it; detection: the input with its boxes): a title, the column names, and per image its
 * caption and RGBA pixels for canvases. Pure: tested in Node.
 */
import type { RowBoxes, SampleStrip } from '../../src/protocol/sampleStrip';
import { boxColours, type BoxColour } from './boxOverlay';
import { classNames, decodeBase64, toRgba } from './confusion';
import { maskColours, overlayMask, type MaskColour } from './maskOverlay';

export interface StripImage {
  width: number;
  height: number;
  rgba: Uint8ClampedArray<ArrayBuffer>;
}

export interface StripItem {
  /** `#12 circle · MSE 0.0123` (the images' tooltip). */
  caption: string;
  /** The error alone, `0.0123` ('' without one), under the images. */
  error: string;
  /** One image per column, in the strip's column order. */
  images: StripImage[];
  /** Segmentation: one class-index mask per mask column (drawn over the first image). */
  masks?: Uint8Array[];
  /** Detection: the image's true and predicted boxes (drawn over the first image). */
  boxes?: RowBoxes;
}

/** Detection strips: the class colours of the boxes, and the score the slider starts at. */
export interface StripBoxes {
  legend: BoxColour[];
  shownScore: number;
}

/** Segmentation strips: the mask columns (truth, prediction) and the legend of class colours. */
export interface StripMasks {
  columns: string[];
  legend: MaskColour[];
}

export interface StripView {
  title: string;
  columns: string[];
  /** The label of the row of errors (e.g. 'MSE'); null when no image has one. */
  errorName: string | null;
  items: StripItem[];
  masks: StripMasks | null;
  boxes: StripBoxes | null;
}

export function stripView(strip: SampleStrip, classes: readonly string[]): StripView {
  const names = classNames(classes, Math.max(classes.length, ...strip.rows.map((r) => r.label + 1)));
  const items = strip.rows.map((row) => ({
    caption: `#${row.index} ${names[row.label]}${row.error === null ? '' : ` · ${strip.errorName} ${formatError(row.error)}`}`,
    error: row.error === null ? '' : formatError(row.error),
    images: row.images.map((pixels) => ({ width: strip.width, height: strip.height, rgba: toRgba(decodeBase64(pixels), strip.channels) })),
    ...(row.masks ? { masks: row.masks.map(decodeBase64) } : {}),
    ...(row.boxes ? { boxes: row.boxes } : {}),
  }));
  const n = strip.rows.length;
  const errorName = strip.rows.some((r) => r.error !== null) ? strip.errorName : null;
  const masks = strip.maskColumns ? { columns: strip.maskColumns, legend: maskColours(strip.classes ?? []) } : null;
  const boxes = strip.shownScore !== undefined ? { legend: boxColours(strip.classes ?? []), shownScore: strip.shownScore } : null;
  return { title: `${n} fixed validation image${n === 1 ? '' : 's'} after epoch ${strip.epoch}`, columns: strip.columns, errorName, items, masks, boxes };
}

/** An item's masks drawn over its first image at `opacity` (0: the image alone, 1: the mask colours alone). */
export function maskOverlays(item: StripItem, masks: StripMasks, opacity: number): StripImage[] {
  const base = item.images[0];
  return (item.masks ?? []).map((mask) => ({ width: base.width, height: base.height, rgba: overlayMask(base.rgba, mask, masks.legend, opacity) }));
}

/** Per-pixel errors are small: 3 significant digits keep the change between epochs visible. */
function formatError(e: number): string {
  return Number.isFinite(e) ? e.toPrecision(3) : '—';
}
