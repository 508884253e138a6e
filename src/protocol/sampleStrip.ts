/**
 * A strip of fixed validation images that a task shows after each epoch (reconstruction: input | noisy input |
 * output), so that one watches the outputs improve. Sent by the engine as a `samples` event, kept in the run folder
 * (the last one) and drawn by the Training panel. Images are HWC uint8 pixels in base64: compact, and a canvas's
 * ImageData is one loop away. Pure data and its validator: no vscode, tfjs or DOM imports.
 */

export interface SampleStrip {
  /** The epoch whose weights made the outputs. */
  epoch: number;
  /** One title per image of a row, e.g. ['input', 'noisy input', 'output']. */
  columns: string[];
  width: number;
  height: number;
  /** 1 (grayscale) or 3 (RGB). */
  channels: number;
  /** What a row's `error` measures, for captions (e.g. 'MSE'). */
  errorName: string;
  rows: SampleRow[];
}

export interface SampleRow {
  /** Index of the image in the validation set. */
  index: number;
  label: number;
  /** One base64 HWC uint8 image per column. */
  images: string[];
  /** The row's error, named by the strip's errorName (reconstruction: MSE in [0, 1] pixel units); null: none. */
  error: number | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isStr = (v: unknown): v is string => typeof v === 'string';

/** Accepts a strip whose rows have one image per column, each of the right byte size once decoded. */
export function isSampleStrip(v: unknown): v is SampleStrip {
  if (!isObj(v) || !isCount(v.epoch) || !Array.isArray(v.columns) || !v.columns.every(isStr)) return false;
  if (!isCount(v.width) || !isCount(v.height) || (v.channels !== 1 && v.channels !== 3) || !isStr(v.errorName) || !Array.isArray(v.rows)) return false;
  const columns = v.columns.length;
  const base64Length = 4 * Math.ceil((v.width * v.height * v.channels) / 3);
  return v.rows.every((r) => isObj(r) && isCount(r.index) && isCount(r.label) && (r.error === null || typeof r.error === 'number') &&
    Array.isArray(r.images) && r.images.length === columns && r.images.every((p) => isStr(p) && p.length === base64Length));
}
