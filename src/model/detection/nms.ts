/**
 * Non-maximum suppression as torchvision.ops.nms / batched_nms: visit boxes from the highest score down, keep a box
 * unless it overlaps an already kept box by IoU strictly above the threshold. Class-aware NMS suppresses only within a
 * class (a circle never hides a square). Equal scores keep the lower index first (a stable sort), where torch's
 * order between ties is unspecified.
 */
import { boxIou, type Box } from './boxes';

/** Indices of `scores` from the highest score down; ties by index. */
export function orderByScore(scores: ArrayLike<number>): number[] {
  return Array.from({ length: scores.length }, (_, i) => i).sort((i, j) => scores[j] - scores[i] || i - j);
}

/** The kept indices, highest score first (torchvision.ops.nms). */
export function nms(boxes: readonly Box[], scores: ArrayLike<number>, iouThreshold: number): number[] {
  const kept: number[] = [];
  for (const i of orderByScore(scores)) {
    if (kept.every((k) => boxIou(boxes[k], boxes[i]) <= iouThreshold)) kept.push(i);
  }
  return kept;
}

/** NMS within each class, the kept indices of all classes highest score first (torchvision.ops.batched_nms). */
export function classAwareNms(boxes: readonly Box[], scores: ArrayLike<number>, classes: ArrayLike<number>, iouThreshold: number): number[] {
  const kept: number[] = [];
  for (const i of orderByScore(scores)) {
    if (kept.every((k) => classes[k] !== classes[i] || boxIou(boxes[k], boxes[i]) <= iouThreshold)) kept.push(i);
  }
  return kept;
}

/** The indices of the k highest scores, highest first (ties by index); all of them when k ≥ their number. */
export function topK(scores: ArrayLike<number>, k: number): number[] {
  return orderByScore(scores).slice(0, Math.max(0, k));
}
