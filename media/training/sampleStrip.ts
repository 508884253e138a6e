/**
 * The view model of the strip of fixed validation images (reconstruction: input | noisy input | output per image):
 * a title, the column names, and per image its caption and RGBA pixels for canvases. Pure: tested in Node.
 */
import type { SampleStrip } from '../../src/protocol/sampleStrip';
import { classNames, decodeBase64, toRgba } from './confusion';

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
}

export interface StripView {
  title: string;
  columns: string[];
  /** The label of the row of errors (e.g. 'MSE'); null when no image has one. */
  errorName: string | null;
  items: StripItem[];
}

export function stripView(strip: SampleStrip, classes: readonly string[]): StripView {
  const names = classNames(classes, Math.max(classes.length, ...strip.rows.map((r) => r.label + 1)));
  const items = strip.rows.map((row) => ({
    caption: `#${row.index} ${names[row.label]}${row.error === null ? '' : ` · ${strip.errorName} ${formatError(row.error)}`}`,
    error: row.error === null ? '' : formatError(row.error),
    images: row.images.map((pixels) => ({ width: strip.width, height: strip.height, rgba: toRgba(decodeBase64(pixels), strip.channels) })),
  }));
  const n = strip.rows.length;
  const errorName = strip.rows.some((r) => r.error !== null) ? strip.errorName : null;
  return { title: `${n} fixed validation image${n === 1 ? '' : 's'} after epoch ${strip.epoch}`, columns: strip.columns, errorName, items };
}

/** Per-pixel errors are small: 3 significant digits keep the change between epochs visible. */
function formatError(e: number): string {
  return Number.isFinite(e) ? e.toPrecision(3) : '—';
}
