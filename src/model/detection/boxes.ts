/**
 * Box geometry for detection, pure: boxes are [x1, y1, x2, y2] in pixels (xyxy, x2/y2 exclusive edges as
 * torchvision's), or [cx, cy, w, h] (cxcywh) where a format says so. IoU and GIoU follow torchvision.ops
 * (box_iou, generalized_box_iou) except on degenerate boxes: where the union (or the enclosing box) has no area,
 * torchvision divides 0 by 0 (NaN) and these return 0 (IoU) and -1 (GIoU), so a loss or a match never sees NaN.
 */

/** [x1, y1, x2, y2]: left, top, right, bottom. */
export type Box = readonly [number, number, number, number];

export function xyxyToCxcywh(b: Box): Box {
  return [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, b[2] - b[0], b[3] - b[1]];
}

export function cxcywhToXyxy(b: Box): Box {
  return [b[0] - b[2] / 2, b[1] - b[3] / 2, b[0] + b[2] / 2, b[1] + b[3] / 2];
}

/** Width × height; 0 for a box whose right edge is left of its left edge (or bottom above top). */
export function boxArea(b: Box): number {
  return Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
}

function intersection(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Intersection over union of two boxes (0 when both are empty). */
export function boxIou(a: Box, b: Box): number {
  const inter = intersection(a, b);
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Generalised IoU (Rezatofighi et al. 2019): IoU − (area of the smallest enclosing box − union) / that area, in
 * [−1, 1]; unlike IoU it still says how far apart two disjoint boxes are, which is why GIoU losses train boxes.
 */
export function generalizedBoxIou(a: Box, b: Box): number {
  const inter = intersection(a, b);
  const union = boxArea(a) + boxArea(b) - inter;
  const hull = (Math.max(a[2], b[2]) - Math.min(a[0], b[0])) * (Math.max(a[3], b[3]) - Math.min(a[1], b[1]));
  if (!(hull > 0)) return -1;
  return (union > 0 ? inter / union : 0) - (hull - union) / hull;
}

/** The [a.length][b.length] matrix of pairwise IoU (torchvision.ops.box_iou). */
export function boxIouMatrix(a: readonly Box[], b: readonly Box[]): number[][] {
  return a.map((p) => b.map((q) => boxIou(p, q)));
}

/** The [a.length][b.length] matrix of pairwise GIoU (torchvision.ops.generalized_box_iou). */
export function generalizedBoxIouMatrix(a: readonly Box[], b: readonly Box[]): number[][] {
  return a.map((p) => b.map((q) => generalizedBoxIou(p, q)));
}

/** The box clipped to a width×height image (torchvision.ops.clip_boxes_to_image). */
export function clipBox(b: Box, width: number, height: number): Box {
  const clamp = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
  return [clamp(b[0], width), clamp(b[1], height), clamp(b[2], width), clamp(b[3], height)];
}
