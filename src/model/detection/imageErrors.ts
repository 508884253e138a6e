/**
 * What went wrong in one image, for the results' worst images: with the detections a user sees (score at or above
 * a threshold), each matched in score order to the unmatched truth of its class it overlaps most with IoU ≥ 0.5
 * (COCOeval's rule at that threshold), the truths left are missed objects and the detections left are false ones
 * (background, a wrong class, a duplicate, or a box too far off).
 */
import { boxIou } from './boxes';
import type { TruthBox } from './averagePrecision';
import type { Detection } from './postprocess';
import { orderByScore } from './nms';

export interface ImageErrors {
  /** Indices of the truths no shown detection found. */
  missed: number[];
  /** Indices of the shown detections that found no truth. */
  falseDetections: number[];
  /** Matched pairs: [detection index, truth index]. */
  matched: [number, number][];
}

export function imageErrors(truth: readonly TruthBox[], detections: readonly Detection[], scoreThreshold: number, iouThreshold = 0.5): ImageErrors {
  const taken = new Array<boolean>(truth.length).fill(false);
  const falseDetections: number[] = [];
  const matched: [number, number][] = [];
  for (const d of orderByScore(detections.map((x) => x.score))) {
    if (detections[d].score < scoreThreshold) continue;
    let best = -1;
    let bar = iouThreshold;
    truth.forEach((t, g) => {
      if (taken[g] || t.cls !== detections[d].cls) return;
      const iou = boxIou(detections[d].box, t.box);
      if (iou >= bar) [best, bar] = [g, iou];
    });
    if (best < 0) falseDetections.push(d);
    else {
      taken[best] = true;
      matched.push([d, best]);
    }
  }
  const missed = truth.map((_, g) => g).filter((g) => !taken[g]);
  return { missed, falseDetections: falseDetections.sort((a, b) => a - b), matched };
}

/**
 * Indices of the images with the most errors (missed + false detections), worst first, ties by index; images
 * without errors are left out. At most `count`.
 */
export function worstImages(errors: readonly ImageErrors[], count: number): number[] {
  const total = (e: ImageErrors) => e.missed.length + e.falseDetections.length;
  return errors
    .map((_, i) => i)
    .filter((i) => total(errors[i]) > 0)
    .sort((a, b) => total(errors[b]) - total(errors[a]) || a - b)
    .slice(0, count);
}
