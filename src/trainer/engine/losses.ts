/**
 * Losses as torch computes them, mean over the batch: cross_entropy on logits, nll on log-probabilities
 * (after LogSoftmax), mse and bce against one-hot targets (bce on probabilities, after Sigmoid/Softmax).
 */
import type { LossName } from '../../model/types';
import type { Scalar, TF, Tensor, Tensor1D } from './tf';

/** Mean loss of a batch; `labels` are int32 class indices, `output` is [N, classes]. */
export function computeLoss(tf: TF, name: LossName, output: Tensor, labels: Tensor1D): Scalar {
  return perBatchLoss(tf, name, output, labels) as Scalar;
}

function perBatchLoss(tf: TF, name: LossName, output: Tensor, labels: Tensor1D): Tensor {
  const classes = output.shape[output.rank - 1] ?? 1;
  const oneHot = tf.oneHot(labels, classes);
  switch (name) {
    case 'cross_entropy':
      return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(output), oneHot), 1)));
    case 'nll':
      return tf.neg(tf.mean(tf.sum(tf.mul(output, oneHot), 1)));
    case 'mse':
      return tf.mean(tf.squaredDifference(output, oneHot));
    case 'bce': {
      // torch's BCELoss clamps log at −100; clipping the probability to [e^−100, 1] is the same.
      const p = tf.clipByValue(output, Math.exp(-100), 1);
      const q = tf.clipByValue(tf.sub(1, output), Math.exp(-100), 1);
      return tf.neg(tf.mean(tf.add(tf.mul(oneHot, tf.log(p)), tf.mul(tf.sub(1, oneHot), tf.log(q)))));
    }
  }
}

/** Number of samples whose arg-max output equals the label. */
export function countCorrect(tf: TF, output: Tensor, labels: Tensor1D): Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(output, -1), labels), 'int32'));
}
