/**
 * Segmentation losses on class score maps: `logits` [N, H, W, K] (channels last, as the engine runs), `target` int32
 * [N, H, W] class indices. Pixels whose target is the ignore index count in no loss (torch's ignore_index).
 * - cross_entropy: torch's F.cross_entropy(logits, target, weight=class_weights, ignore_index=…): the weighted mean
 *   over counted pixels, Σ w[t]·(−log p_t) / Σ w[t].
 * - dice: 1 − mean over classes of the soft Dice (2·Σ p·g + 1) / (Σ p + Σ g + 1) over the batch's counted pixels,
 *   p the softmax probabilities, g the one-hot target (smoothing 1 keeps classes absent from the batch finite).
 * - cross_entropy_dice: their sum.
 */
import type { LossName } from '../../model/types';
import type { Scalar, TF, Tensor } from '../engine/tf';

export interface PixelLossOptions {
  /** One weight per class (cross_entropy); absent: all 1. */
  classWeights?: readonly number[];
  ignoreIndex: number;
}

type PixelLoss = (tf: TF, logits: Tensor, target: Tensor, options: PixelLossOptions) => Scalar;

export const DICE_SMOOTHING = 1;

/** Per pixel: the log-probabilities [P, K], the one-hot target [P, K] (ignored pixels: class 0) and the counted mask [P]. */
function flatten(tf: TF, logits: Tensor, target: Tensor, ignoreIndex: number): { scores: Tensor; oneHot: Tensor; counted: Tensor; k: number } {
  const k = logits.shape[logits.rank - 1] ?? 1;
  const labels = tf.reshape(target, [-1]);
  const countedBool = tf.notEqual(labels, tf.scalar(ignoreIndex, 'int32'));
  const safe = tf.where(countedBool, labels, tf.zerosLike(labels));
  return { scores: tf.reshape(logits, [-1, k]), oneHot: tf.oneHot(safe as never, k), counted: tf.cast(countedBool, 'float32'), k };
}

const crossEntropy: PixelLoss = (tf, logits, target, { classWeights, ignoreIndex }) => {
  const { scores, oneHot, counted } = flatten(tf, logits, target, ignoreIndex);
  const nll = tf.neg(tf.sum(tf.mul(tf.logSoftmax(scores), oneHot), 1));
  const weights = classWeights ? tf.mul(counted, tf.sum(tf.mul(oneHot, tf.tensor1d([...classWeights])), 1)) : counted;
  // All pixels ignored: torch returns NaN; 0 keeps a batch of borders from stopping the run.
  return tf.div(tf.sum(tf.mul(nll, weights)), tf.maximum(tf.sum(weights), 1e-12)) as Scalar;
};

const dice: PixelLoss = (tf, logits, target, { ignoreIndex }) => {
  const { scores, oneHot, counted } = flatten(tf, logits, target, ignoreIndex);
  const mask = tf.expandDims(counted, 1);
  const p = tf.mul(tf.softmax(scores), mask);
  const g = tf.mul(oneHot, mask);
  const intersection = tf.sum(tf.mul(p, g), 0);
  const total = tf.add(tf.sum(p, 0), tf.sum(g, 0));
  const perClass = tf.div(tf.add(tf.mul(intersection, 2), DICE_SMOOTHING), tf.add(total, DICE_SMOOTHING));
  return tf.sub(1, tf.mean(perClass)) as Scalar;
};

export const SEGMENTATION_LOSSES: Partial<Record<LossName, PixelLoss>> = {
  cross_entropy: crossEntropy,
  dice,
  cross_entropy_dice: (tf, logits, target, options) => tf.add(crossEntropy(tf, logits, target, options), dice(tf, logits, target, options)) as Scalar,
};

/** The mean loss of a batch; throws for a loss segmentation does not take (the core reports it first). */
export function segmentationLoss(tf: TF, name: LossName, logits: Tensor, target: Tensor, options: PixelLossOptions): Scalar {
  const loss = SEGMENTATION_LOSSES[name];
  if (!loss) throw new Error(`loss ${name} does not fit task segmentation: use ${Object.keys(SEGMENTATION_LOSSES).join(', ')}`);
  return loss(tf, logits, target, options);
}
