/**
 * The test pass's worst images of a detection run (most missed plus false detections at the shown score),
 * `detection-worst.json` in the run folder: the results view shows them with their true boxes (dashed) and the
 * detections, missed truths and false detections marked. Boxes are [x1, y1, x2, y2] in pixels of the
 * imageWidth × imageHeight test image (the strip's pictures may be smaller: scale by strip.width / imageWidth).
 * Pure data and its validator.
 */
import { isSampleStrip, type SampleStrip } from './sampleStrip';

export type BoxXyxy = [number, number, number, number];

export interface TruthObject {
  cls: number;
  box: BoxXyxy;
}

export interface DetectedObject extends TruthObject {
  score: number;
}

export interface DetectionWorstImage {
  /** Test-set index, also its row's SampleRow.index in `strip`. */
  index: number;
  truth: TruthObject[];
  /** The detections scoring at least DetectionWorst.shownScore, highest first. */
  detections: DetectedObject[];
  /** Indices into truth: objects no shown detection found (IoU ≥ 0.5, same class). */
  missed: number[];
  /** Indices into detections: boxes that found no object (background, a wrong class, a duplicate, a poor box). */
  falseDetections: number[];
}

export interface DetectionWorst {
  classes: string[];
  /** The score from which a detection is shown and counted. */
  shownScore: number;
  imageWidth: number;
  imageHeight: number;
  /** Worst first. */
  images: DetectionWorstImage[];
  /** One row per image of `images` (same order): the test picture; error = missed + false detections. */
  strip: SampleStrip;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isBox = (v: unknown): boolean => Array.isArray(v) && v.length === 4 && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/** Accepts a detection-worst.json whose images are rows of its strip and whose indices point into their lists. */
export function isDetectionWorst(v: unknown): v is DetectionWorst {
  if (!isObj(v) || !Array.isArray(v.classes) || !v.classes.every((c) => typeof c === 'string') || typeof v.shownScore !== 'number') return false;
  if (!isCount(v.imageWidth) || !isCount(v.imageHeight) || !Array.isArray(v.images) || !isSampleStrip(v.strip)) return false;
  const k = v.classes.length;
  const rows = v.strip.rows;
  const object = (o: unknown, scored: boolean) => isObj(o) && isCount(o.cls) && o.cls < k && isBox(o.box) && (!scored || typeof o.score === 'number');
  const within = (list: unknown, n: number) => Array.isArray(list) && list.every((i) => isCount(i) && i < n);
  return v.images.length === rows.length && v.images.every((im, i) => isObj(im) && isCount(im.index) && im.index === rows[i].index &&
    Array.isArray(im.truth) && im.truth.every((o) => object(o, false)) && Array.isArray(im.detections) && im.detections.every((o) => object(o, true)) &&
    within(im.missed, im.truth.length) && within(im.falseDetections, im.detections.length));
}
