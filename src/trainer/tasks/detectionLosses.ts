/**
 * The detection head's loss (FCOS, as torchvision's FCOS computes it; docs/detection.md), on the head's output
 * [N, H, W, K + 5] (class logits, l t r b in strides, centre-ness logit; channels last) against the packed targets
 * [N, H, W, K + 6] of packFcosTargets (one-hot class, l t r b, centre-ness, positive flag):
 * - classes: sigmoid focal loss (α 0.25, γ 2) summed over every location and class;
 * - boxes: GIoU loss of the predicted box (ReLU of the distances) against the true one, positives only;
 * - centre-ness: binary cross-entropy with logits against the centre-ness target, positives only;
 * each divided by the batch's number of positive locations (at least 1), weights 1, 1, 1.
 */
import type { Box } from '../../model/detection/boxes';
import { assignFcosTargets, type FcosGrid } from '../../model/detection/fcosCoding';
import type { Scalar, TF, Tensor } from '../engine/tf';

export const FOCAL = { alpha: 0.25, gamma: 2 } as const;
export const LOSS_WEIGHTS = { classes: 1, boxes: 1, centerness: 1 } as const;
/** Keeps GIoU finite where boxes have no area (background locations, masked out anyway). */
const EPS = 1e-7;

/** Target channels per location: one-hot class (K), l, t, r, b, centre-ness, positive flag. */
export function fcosTargetChannels(classes: number): number {
  return classes + 6;
}

/** The packed targets of a batch, [N · H · W · (K + 6)] row-major, from each image's boxes and classes. */
export function packFcosTargets(images: readonly { boxes: readonly Box[]; classes: ArrayLike<number> }[], grid: FcosGrid, classes: number): Float32Array {
  const channels = fcosTargetChannels(classes);
  const locations = grid.height * grid.width;
  const out = new Float32Array(images.length * locations * channels);
  images.forEach((image, i) => {
    const t = assignFcosTargets(image.boxes, image.classes, grid);
    for (let p = 0; p < locations; p++) {
      if (t.classes[p] < 0) continue;
      const at = (i * locations + p) * channels;
      out[at + t.classes[p]] = 1;
      out.set(t.ltrb.subarray(p * 4, p * 4 + 4), at + classes);
      out[at + classes + 4] = t.centerness[p];
      out[at + classes + 5] = 1;
    }
  });
  return out;
}

/** What fcosLoss divides its sums by: the batch's positive locations, at least 1. */
export function fcosDivisor(images: readonly { boxes: readonly Box[]; classes: ArrayLike<number> }[], grid: FcosGrid): number {
  return Math.max(1, images.reduce((n, image) => n + assignFcosTargets(image.boxes, image.classes, grid).positives, 0));
}

export interface FcosLossParts {
  classes: Scalar;
  boxes: Scalar;
  centerness: Scalar;
  total: Scalar;
}

/** log(1 + e^x) − x·t: binary cross-entropy with logits, stable for large |x|. */
function bceWithLogits(tf: TF, x: Tensor, t: Tensor): Tensor {
  return tf.add(tf.sub(tf.relu(x), tf.mul(x, t)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
}

export function fcosLoss(tf: TF, output: Tensor, target: Tensor): FcosLossParts {
  const k = (output.shape[output.rank - 1] ?? 5) - 5;
  const out = tf.reshape(output, [-1, k + 5]);
  const tgt = tf.reshape(target, [-1, k + 6]);
  const logits = tf.slice(out, [0, 0], [-1, k]);
  const oneHot = tf.slice(tgt, [0, 0], [-1, k]);
  const positive = tf.reshape(tf.slice(tgt, [0, k + 5], [-1, 1]), [-1]);
  const count = tf.maximum(tf.sum(positive), 1);

  // torchvision.ops.sigmoid_focal_loss.
  const p = tf.sigmoid(logits);
  const pt = tf.add(tf.mul(p, oneHot), tf.mul(tf.sub(1, p), tf.sub(1, oneHot)));
  const alphaT = tf.add(tf.mul(oneHot, FOCAL.alpha), tf.mul(tf.sub(1, oneHot), 1 - FOCAL.alpha));
  const focal = tf.mul(tf.mul(bceWithLogits(tf, logits, oneHot), tf.pow(tf.sub(1, pt), FOCAL.gamma)), alphaT);
  const classes = tf.div(tf.sum(focal), count) as Scalar;

  // Boxes relative to the location, in strides: [−l, −t, r, b]; GIoU is scale- and shift-free.
  const d = tf.relu(tf.slice(out, [0, k], [-1, 4]));
  const g = tf.slice(tgt, [0, k], [-1, 4]);
  const giou = giouOfDistances(tf, d, g);
  const boxes = tf.div(tf.sum(tf.mul(tf.sub(1, giou), positive)), count) as Scalar;

  const ctrLogit = tf.reshape(tf.slice(out, [0, k + 4], [-1, 1]), [-1]);
  const ctrTarget = tf.reshape(tf.slice(tgt, [0, k + 4], [-1, 1]), [-1]);
  const centerness = tf.div(tf.sum(tf.mul(bceWithLogits(tf, ctrLogit, ctrTarget), positive)), count) as Scalar;

  const total = tf.addN([tf.mul(classes, LOSS_WEIGHTS.classes), tf.mul(boxes, LOSS_WEIGHTS.boxes), tf.mul(centerness, LOSS_WEIGHTS.centerness)]) as Scalar;
  return { classes, boxes, centerness, total };
}

/** GIoU of boxes given as distances (l, t, r, b) from the same point, [P, 4] each. */
function giouOfDistances(tf: TF, d: Tensor, g: Tensor): Tensor {
  const [dl, dt, dr, db] = tf.split(d, 4, 1);
  const [gl, gt, gr, gb] = tf.split(g, 4, 1);
  const areaD = tf.mul(tf.add(dl, dr), tf.add(dt, db));
  const areaG = tf.mul(tf.add(gl, gr), tf.add(gt, gb));
  // Both boxes contain the point, so they always overlap: the intersection's sides are the smaller distances.
  const inter = tf.mul(tf.add(tf.minimum(dl, gl), tf.minimum(dr, gr)), tf.add(tf.minimum(dt, gt), tf.minimum(db, gb)));
  const union = tf.sub(tf.add(areaD, areaG), inter);
  const hull = tf.mul(tf.add(tf.maximum(dl, gl), tf.maximum(dr, gr)), tf.add(tf.maximum(dt, gt), tf.maximum(db, gb)));
  const iou = tf.div(inter, tf.add(union, EPS));
  return tf.reshape(tf.sub(iou, tf.div(tf.sub(hull, union), tf.add(hull, EPS))), [-1]);
}
