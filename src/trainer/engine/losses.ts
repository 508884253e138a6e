/**
 * Losses as torch computes them, mean over the batch. Classification: cross_entropy on logits, nll on
 * log-probabilities (after LogSoftmax), and the element-wise losses against one-hot targets. Element-wise losses
 * (mse, l1, bce on probabilities after Sigmoid, bce_with_logits) compare any output with a target of its shape.
 */
import type { LossName } from '../../model/types';
import type { Scalar, TF, Tensor, Tensor1D } from './tf';

/** Mean classification loss of a batch; `labels` are int32 class indices, `output` is [N, classes]. */
export function computeLoss(tf: TF, name: LossName, output: Tensor, labels: Tensor1D): Scalar {
  const classes = output.shape[output.rank - 1] ?? 1;
  const oneHot = tf.oneHot(labels, classes);
  switch (name) {
    case 'cross_entropy':
      return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(output), oneHot), 1))) as Scalar;
    case 'nll':
      return tf.neg(tf.mean(tf.sum(tf.mul(output, oneHot), 1))) as Scalar;
    default:
      return elementwiseLoss(tf, name, output, oneHot);
  }
}

/** Mean element-wise loss between an output and a target of the same shape (torch's reduction='mean'). */
export function elementwiseLoss(tf: TF, name: LossName, output: Tensor, target: Tensor): Scalar {
  switch (name) {
    case 'mse':
      return tf.mean(tf.squaredDifference(output, target));
    case 'l1':
      return tf.mean(tf.abs(tf.sub(output, target)));
    case 'bce': {
      // torch's BCELoss clamps log at −100; clipping the probability to [e^−100, 1] is the same.
      const p = tf.clipByValue(output, Math.exp(-100), 1);
      const q = tf.clipByValue(tf.sub(1, output), Math.exp(-100), 1);
      return tf.neg(tf.mean(tf.add(tf.mul(target, tf.log(p)), tf.mul(tf.sub(1, target), tf.log(q))))) as Scalar;
    }
    case 'bce_with_logits':
      // The stable form torch uses: max(x, 0) − x·t + log(1 + e^−|x|).
      return tf.mean(tf.add(tf.sub(tf.relu(output), tf.mul(output, target)), tf.log1p(tf.exp(tf.neg(tf.abs(output)))))) as Scalar;
    default:
      throw new Error(`loss ${name} needs class labels, not an image target`);
  }
}

/** Number of samples whose arg-max output equals the label. */
export function countCorrect(tf: TF, output: Tensor, labels: Tensor1D): Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(output, -1), labels), 'int32'));
}
