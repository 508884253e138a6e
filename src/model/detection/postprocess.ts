/**
 * From a dense head's candidates to the detections of one image: score threshold, the best `preNmsTopK` candidates,
 * class-aware NMS, then at most `maxDetections` (torchvision's FCOS postprocessing order and defaults, except the
 * score threshold: 0.05 as COCO evaluations use, since mAP needs the low-score tail; torchvision's FCOS shows 0.2).
 */
import type { Box } from './boxes';
import { classAwareNms, topK } from './nms';

export interface Detection {
  /** Class index. */
  cls: number;
  score: number;
  box: Box;
}

export interface DecodeOptions {
  /** Candidates scoring at or below this are dropped before NMS. Default 0.05. */
  scoreThreshold: number;
  /** NMS suppresses a box overlapping a kept one of its class by IoU above this. Default 0.6. */
  iouThreshold: number;
  /** Candidates kept for NMS, the best first. Default 1000. */
  preNmsTopK: number;
  /** Detections kept per image after NMS. Default 100. */
  maxDetections: number;
}

export const DECODE_DEFAULTS: Readonly<DecodeOptions> = { scoreThreshold: 0.05, iouThreshold: 0.6, preNmsTopK: 1000, maxDetections: 100 };

/**
 * The score from which a detection is shown by default (the panels' slider opens there, `cnnlab predict` prints from
 * there, the worst images count errors there): torchvision's FCOS's box_score_thresh is 0.2, a little stricter reads
 * better on small data.
 */
export const SHOWN_SCORE = 0.3;

/** The default shown score of a model decoding with `scoreThreshold`: SHOWN_SCORE, or the decoding's own when higher. */
export function shownScore(scoreThreshold: number = DECODE_DEFAULTS.scoreThreshold): number {
  return Math.max(SHOWN_SCORE, scoreThreshold);
}

/** The detections of one image from its candidates, highest score first. */
export function selectDetections(candidates: readonly Detection[], options: Partial<DecodeOptions> = {}): Detection[] {
  const o = { ...DECODE_DEFAULTS, ...options };
  const passing = candidates.filter((c) => c.score > o.scoreThreshold);
  const best = topK(passing.map((c) => c.score), o.preNmsTopK).map((i) => passing[i]);
  const kept = classAwareNms(best.map((c) => c.box), best.map((c) => c.score), best.map((c) => c.cls), o.iouThreshold);
  return kept.slice(0, o.maxDetections).map((i) => best[i]);
}
