/**
 * Detection metrics as COCO reports them (pycocotools' COCOeval for bounding boxes, area range "all", no crowd
 * boxes): per class and IoU threshold t ∈ {0.50, 0.55, …, 0.95},
 * - matching: each image's detections of the class, the best `maxDetections` by score (stable order on ties), in
 *   score order each takes the unmatched ground-truth box of the class it overlaps most, if that IoU ≥ t;
 * - the matched/unmatched flags of all images are merged in score order (stable: image order, then score order);
 *   recall = TP / ground truths, precision = TP / (TP + FP) after each detection;
 * - precision is made non-increasing from the right (the envelope), then AP is
 *   'coco101' (default): the mean, over the 101 recall levels 0, 0.01, …, 1, of the envelope at the first detection
 *   whose recall reaches that level (0 past the last recall reached), exactly COCOeval's interpolation; or
 *   'allPoint': Σ (Δ recall) · envelope over the detections (PASCAL VOC 2010+), slightly higher on small sets.
 * mAP@[.5:.95] averages AP over the ten thresholds and the classes that have ground truth; mAP@0.5 takes t = 0.5.
 * A class without ground truth has AP null (COCOeval's −1) and counts in no mean.
 */
import { boxIou, type Box } from './boxes';
import type { Detection } from './postprocess';

export interface TruthBox {
  cls: number;
  box: Box;
}

/** One image's ground truth and its detections. */
export interface ImageDetections {
  truth: readonly TruthBox[];
  detections: readonly Detection[];
}

export type ApInterpolation = 'coco101' | 'allPoint';

export interface ApOptions {
  /** Default: 0.50, 0.55, …, 0.95 (COCO). */
  iouThresholds?: readonly number[];
  /** Detections per image and class that count. Default 100 (COCO's maxDets). */
  maxDetections?: number;
  interpolation?: ApInterpolation;
}

/** A class's precision/recall curve at IoU 0.5: the envelope precision at each of the 101 recall levels 0…1. */
export interface PrCurve {
  recall: number[];
  precision: number[];
}

export interface ClassAp {
  /** Mean AP over the IoU thresholds; null when the class has no ground truth. */
  ap: number | null;
  /** AP per IoU threshold (same order as the thresholds). */
  apPerIou: (number | null)[];
  ap50: number | null;
  truths: number;
  detections: number;
  /** Highest recall reached at IoU 0.5. */
  recall50: number | null;
  pr50: PrCurve;
}

export interface DetectionMetrics {
  iouThresholds: number[];
  /** mAP@[.5:.95]; null when no class has ground truth. */
  map: number | null;
  map50: number | null;
  perClass: ClassAp[];
}

/** np.linspace(start, stop, count) to the last bit (i · step + start, stop exactly last): a recall or IoU equal to a level must compare as in COCOeval. */
function linspace(start: number, stop: number, count: number): number[] {
  const step = (stop - start) / (count - 1);
  return Array.from({ length: count }, (_, i) => (i === count - 1 ? stop : i * step + start));
}

/** 0.50, 0.55, …, 0.95 as COCOeval's iouThrs. */
export const COCO_IOU_THRESHOLDS: readonly number[] = linspace(0.5, 0.95, 10);
/** 0, 0.01, …, 1 as COCOeval's recThrs. */
export const RECALL_LEVELS: readonly number[] = linspace(0, 1, 101);
/** np.spacing(1): keeps precision defined before the first detection. */
const EPS = 2.220446049250313e-16;

export function evaluateDetections(images: readonly ImageDetections[], classCount: number, options: ApOptions = {}): DetectionMetrics {
  const thresholds = [...(options.iouThresholds ?? COCO_IOU_THRESHOLDS)];
  const maxDetections = options.maxDetections ?? 100;
  const interpolation = options.interpolation ?? 'coco101';
  const at50 = thresholds.findIndex((t) => Math.abs(t - 0.5) < 1e-9);
  const perClass: ClassAp[] = [];
  for (let cls = 0; cls < classCount; cls++) {
    const matches = matchClass(images, cls, thresholds, maxDetections);
    const apPerIou = thresholds.map((_, t) => (matches.truths > 0 ? curve(matches, t, interpolation).ap : null));
    const pr = matches.truths > 0 && at50 >= 0 ? curve(matches, at50, 'coco101') : null;
    const valid = apPerIou.filter((v): v is number => v !== null);
    perClass.push({
      ap: valid.length ? mean(valid) : null,
      apPerIou,
      ap50: at50 >= 0 ? apPerIou[at50] : null,
      truths: matches.truths,
      detections: matches.scores.length,
      recall50: pr ? pr.maxRecall : null,
      pr50: { recall: [...RECALL_LEVELS], precision: pr ? pr.levels : RECALL_LEVELS.map(() => 0) },
    });
  }
  const aps = perClass.map((c) => c.ap).filter((v): v is number => v !== null);
  const ap50s = perClass.map((c) => c.ap50).filter((v): v is number => v !== null);
  return { iouThresholds: thresholds, map: aps.length ? mean(aps) : null, map50: ap50s.length ? mean(ap50s) : null, perClass };
}

interface ClassMatches {
  truths: number;
  /** Scores of the counted detections, merged in COCO's order. */
  scores: number[];
  /** matched[t][k]: detection k (in merged order) matched a truth at threshold t. */
  matched: boolean[][];
}

function matchClass(images: readonly ImageDetections[], cls: number, thresholds: readonly number[], maxDetections: number): ClassMatches {
  let truths = 0;
  const scores: number[] = [];
  const flags: boolean[][] = thresholds.map(() => []);
  for (const image of images) {
    const gts = image.truth.filter((g) => g.cls === cls);
    truths += gts.length;
    const dts = image.detections.filter((d) => d.cls === cls);
    const order = dts.map((_, i) => i).sort((i, j) => dts[j].score - dts[i].score || i - j).slice(0, maxDetections);
    const ious = order.map((d) => gts.map((g) => boxIou(dts[d].box, g.box)));
    thresholds.forEach((t, ti) => {
      const taken = new Array<boolean>(gts.length).fill(false);
      for (let k = 0; k < order.length; k++) {
        // COCOeval: the threshold itself (capped below 1) is the bar; the best unmatched truth at or above it wins.
        let best = -1;
        let bar = Math.min(t, 1 - 1e-10);
        for (let g = 0; g < gts.length; g++) {
          if (taken[g] || ious[k][g] < bar) continue;
          bar = ious[k][g];
          best = g;
        }
        if (best >= 0) taken[best] = true;
        flags[ti].push(best >= 0);
      }
    });
    for (const d of order) scores.push(dts[d].score);
  }
  const merged = scores.map((_, i) => i).sort((i, j) => scores[j] - scores[i] || i - j);
  return { truths, scores: merged.map((i) => scores[i]), matched: flags.map((f) => merged.map((i) => f[i])) };
}

/** AP at threshold index `t`, the envelope at the 101 recall levels and the highest recall. */
function curve(m: ClassMatches, t: number, interpolation: ApInterpolation): { ap: number; levels: number[]; maxRecall: number } {
  const n = m.scores.length;
  const recall = new Array<number>(n);
  const precision = new Array<number>(n);
  let tp = 0;
  for (let k = 0; k < n; k++) {
    if (m.matched[t][k]) tp += 1;
    recall[k] = tp / m.truths;
    precision[k] = tp / (k + 1 + EPS);
  }
  for (let k = n - 1; k > 0; k--) if (precision[k] > precision[k - 1]) precision[k - 1] = precision[k];
  // The first detection whose recall reaches each level (np.searchsorted(recall, levels, side='left')).
  const levels: number[] = [];
  let k = 0;
  for (const level of RECALL_LEVELS) {
    while (k < n && recall[k] < level) k++;
    levels.push(k < n ? precision[k] : 0);
  }
  let ap: number;
  if (interpolation === 'coco101') ap = mean(levels);
  else {
    ap = 0;
    for (let j = 0; j < n; j++) ap += (recall[j] - (j > 0 ? recall[j - 1] : 0)) * precision[j];
  }
  return { ap, levels, maxRecall: n > 0 ? recall[n - 1] : 0 };
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}
