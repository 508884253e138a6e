/**
 * A strip of fixed validation images that a task shows after each epoch (reconstruction: input | noisy input |
 * output; segmentation: the input with its true and predicted masks; detection: the input with its true and
 * predicted boxes), so that one watches the outputs improve. Sent by the engine as a `samples` event, kept in the run folder
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
  /** What a row's `error` measures, for captions (e.g. 'MSE', 'mIoU'). */
  errorName: string;
  rows: SampleRow[];
  /**
   * Segmentation: the titles of each row's masks, e.g. ['truth', 'prediction'] (drawn over the row's first image,
   * with a legend from `classes` and an opacity of the panel's choosing). Absent for tasks without masks.
   */
  maskColumns?: string[];
  /**
   * Segmentation: class names indexed by mask value (the legend). A mask value ≥ classes.length (255) is ignored.
   * Detection: class names indexed by StripBox.cls (required when rows have boxes).
   */
  classes?: string[];
  /**
   * Detection: the score from which the panel shows a predicted box until the user moves its slider (the engine
   * keeps every detection above its decoding threshold, so the slider can go lower). Present when rows have boxes.
   */
  shownScore?: number;
}

/** Detection: one box of a strip row, in the strip's pixels (scaled with its images), x2/y2 exclusive edges. */
export interface StripBox {
  /** Index into SampleStrip.classes. */
  cls: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** A predicted box and its score in (0, 1]. */
export interface ScoredStripBox extends StripBox {
  score: number;
}

/** Detection: a row's boxes, drawn over its first image (truth dashed, predictions solid). */
export interface RowBoxes {
  truth: StripBox[];
  /** Highest score first. */
  predicted: ScoredStripBox[];
}

/**
 * The test pass's worst images per class (task segmentation), `segmentation-worst.json` in the run folder: the results
 * view shows them when a class is clicked.
 */
export interface SegmentationWorst {
  classes: string[];
  /** perClass[c]: rows of `strip` (their SampleRow.index, a test-set index), worst IoU of class c first; at most WORST_PER_CLASS each. */
  perClass: number[][];
  /** The IoU of class c on each of those images (same order as perClass[c]). */
  perClassIou: number[][];
  /** One row per image listed anywhere in perClass: input image, masks ['truth', 'prediction'], error = the image's mIoU. */
  strip: SampleStrip;
}

export interface SampleRow {
  /** Index of the image in the validation set. */
  index: number;
  label: number;
  /** One base64 HWC uint8 image per column. */
  images: string[];
  /** The row's error, named by the strip's errorName (reconstruction: MSE in [0, 1] pixel units; segmentation: the image's mean IoU); null: none. */
  error: number | null;
  /** Segmentation: one base64 H×W uint8 class-index mask per strip.maskColumns entry, at the strip's width and height. */
  masks?: string[];
  /** Detection: the image's true and predicted boxes. */
  boxes?: RowBoxes;
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
  const maskColumns = v.maskColumns;
  if (maskColumns !== undefined && (!Array.isArray(maskColumns) || !maskColumns.every(isStr) || !Array.isArray(v.classes) || !v.classes.every(isStr))) return false;
  const maskLength = 4 * Math.ceil((v.width * v.height) / 3);
  const masksFit = (masks: unknown) =>
    maskColumns === undefined ? masks === undefined : Array.isArray(masks) && masks.length === maskColumns.length && masks.every((m) => isStr(m) && m.length === maskLength);
  const classCount = Array.isArray(v.classes) && v.classes.every(isStr) ? v.classes.length : -1;
  if (v.shownScore !== undefined && !isUnit(v.shownScore)) return false;
  const boxesFit = (boxes: unknown) => boxes === undefined || (classCount >= 0 && v.shownScore !== undefined && isRowBoxes(boxes, classCount));
  return v.rows.every((r) => isObj(r) && isCount(r.index) && isCount(r.label) && (r.error === null || typeof r.error === 'number') &&
    Array.isArray(r.images) && r.images.length === columns && r.images.every((p) => isStr(p) && p.length === base64Length) && masksFit(r.masks) && boxesFit(r.boxes));
}

const isUnit = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;
const isCoord = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function isStripBox(v: unknown, classes: number): v is StripBox {
  return isObj(v) && isCount(v.cls) && v.cls < classes && isCoord(v.x1) && isCoord(v.y1) && isCoord(v.x2) && isCoord(v.y2);
}

/** Boxes of known classes with finite corners; predictions with a score in [0, 1]. */
function isRowBoxes(v: unknown, classes: number): v is RowBoxes {
  return isObj(v) && Array.isArray(v.truth) && v.truth.every((b) => isStripBox(b, classes)) &&
    Array.isArray(v.predicted) && v.predicted.every((b: unknown) => isObj(b) && isUnit(b.score) && isStripBox(b, classes));
}

/** Accepts a segmentation-worst.json whose lists point at rows of its strip, with one finite IoU per listed image. */
export function isSegmentationWorst(v: unknown): v is SegmentationWorst {
  if (!isObj(v) || !Array.isArray(v.classes) || !v.classes.every(isStr) || !isSampleStrip(v.strip)) return false;
  const rows = new Set(v.strip.rows.map((r) => r.index));
  const lists = (x: unknown, ok: (e: unknown) => boolean): x is unknown[][] => Array.isArray(x) && x.length === (v.classes as string[]).length && x.every((l) => Array.isArray(l) && l.every(ok));
  return lists(v.perClass, (i) => isCount(i) && rows.has(i)) && lists(v.perClassIou, (x) => typeof x === 'number' && Number.isFinite(x)) &&
    v.perClass.every((l, c) => l.length === (v.perClassIou as unknown[][])[c].length);
}
