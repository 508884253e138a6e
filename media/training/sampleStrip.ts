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
  /** `#12 circle · MSE 0.0123`. */
  caption: string;
  /** One image per column, in the strip's column order. */
  images: StripImage[];
}

export interface StripView {
  title: string;
  columns: string[];
  items: StripItem[];
}

export function stripView(strip: SampleStrip, classes: readonly string[]): StripView {
  const names = classNames(classes, Math.max(classes.length, ...strip.rows.map((r) => r.label + 1)));
  const items = strip.rows.map((row) => ({
    caption: `#${row.index} ${names[row.label]}${row.error === null ? '' : ` · ${strip.errorName} ${formatError(row.error)}`}`,
    images: row.images.map((pixels) => ({ width: strip.width, height: strip.height, rgba: toRgba(decodeBase64(pixels), strip.channels) })),
  }));
  const n = strip.rows.length;
  return { title: `${n} fixed validation image${n === 1 ? '' : 's'} after epoch ${strip.epoch}`, columns: strip.columns, items };
}

/** Per-pixel errors are small: 3 significant digits keep the change between epochs visible. */
function formatError(e: number): string {
  return Number.isFinite(e) ? e.toPrecision(3) : '—';
}
