/**
 * The box coding of the detection head, FCOS-style (Tian et al. 2019, "FCOS: Fully Convolutional One-Stage Object
 * Detection"), on one feature map of stride `s`: location (x, y) of the map sits at pixel ((x + ½)·s, (y + ½)·s),
 * the centre of the s×s patch it covers. A location predicts its distances to the box's four sides in strides,
 * (l, t, r, b) = ((px − x1)/s, (py − y1)/s, (x2 − px)/s, (y2 − py)/s) (FCOS's normalised regression targets), and
 * its centre-ness √(min(l, r)/max(l, r) · min(t, b)/max(t, b)), which down-weights boxes predicted far from the
 * object's centre.
 *
 * Assignment: a location is positive for a ground-truth box when it lies inside the box and within
 * `centerRadius` strides of the box's centre (FCOS's centre sampling, radius 1.5); when several boxes claim it, the
 * smallest (by area) wins, as FCOS. Every other location is background (class −1).
 */
import type { Box } from './boxes';

/** Distances from a location to the left, top, right and bottom sides of a box, in strides. */
export type Ltrb = readonly [number, number, number, number];

export interface FcosGrid {
  /** Feature map rows and columns. */
  height: number;
  width: number;
  /** Pixels per feature map step (input size / map size). */
  stride: number;
}

/** The pixel a location stands for: the centre of its stride×stride patch. */
export function locationCentre(x: number, y: number, stride: number): [number, number] {
  return [(x + 0.5) * stride, (y + 0.5) * stride];
}

export function encodeLtrb(box: Box, px: number, py: number, stride: number): Ltrb {
  return [(px - box[0]) / stride, (py - box[1]) / stride, (box[2] - px) / stride, (box[3] - py) / stride];
}

export function decodeLtrb(d: Ltrb, px: number, py: number, stride: number): Box {
  return [px - d[0] * stride, py - d[1] * stride, px + d[2] * stride, py + d[3] * stride];
}

/** FCOS centre-ness of a location inside its box (all distances positive); 0 on or outside an edge. */
export function centerness(d: Ltrb): number {
  const [l, t, r, b] = d;
  if (!(l > 0 && t > 0 && r > 0 && b > 0)) return 0;
  return Math.sqrt((Math.min(l, r) / Math.max(l, r)) * (Math.min(t, b) / Math.max(t, b)));
}

/** The targets of one image, one entry per location (row-major, y then x). */
export interface FcosTargets {
  /** Class index of the assigned box, −1 for background. */
  classes: Int32Array;
  /** The assigned box's (l, t, r, b) in strides, 4 per location; 0 for background. */
  ltrb: Float32Array;
  /** Centre-ness target, 0 for background. */
  centerness: Float32Array;
  /** Index of the assigned box in the image's list, −1 for background. */
  boxIndex: Int32Array;
  positives: number;
}

/** Assigns each location of the grid a box (or background), FCOS-style with centre sampling. */
export function assignFcosTargets(boxes: readonly Box[], classes: ArrayLike<number>, grid: FcosGrid, centerRadius = 1.5): FcosTargets {
  const n = grid.height * grid.width;
  const t: FcosTargets = {
    classes: new Int32Array(n).fill(-1),
    ltrb: new Float32Array(n * 4),
    centerness: new Float32Array(n),
    boxIndex: new Int32Array(n).fill(-1),
    positives: 0,
  };
  const areas = boxes.map((b) => (b[2] - b[0]) * (b[3] - b[1]));
  const reach = centerRadius * grid.stride;
  for (let y = 0; y < grid.height; y++) {
    for (let x = 0; x < grid.width; x++) {
      const [px, py] = locationCentre(x, y, grid.stride);
      let best = -1;
      for (let k = 0; k < boxes.length; k++) {
        const b = boxes[k];
        if (!(px > b[0] && px < b[2] && py > b[1] && py < b[3])) continue;
        if (Math.abs(px - (b[0] + b[2]) / 2) >= reach || Math.abs(py - (b[1] + b[3]) / 2) >= reach) continue;
        if (best < 0 || areas[k] < areas[best]) best = k;
      }
      if (best < 0) continue;
      const at = y * grid.width + x;
      const d = encodeLtrb(boxes[best], px, py, grid.stride);
      t.classes[at] = classes[best];
      t.ltrb.set(d, at * 4);
      t.centerness[at] = centerness(d);
      t.boxIndex[at] = best;
      t.positives += 1;
    }
  }
  return t;
}
