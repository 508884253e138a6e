/**
 * Per-channel reductions of channels-last tensors (bias gradients, BatchNorm statistics) as one Sum over the
 * leading rows of an [M, C] view. On the wasm backend CNN Lab's Sum kernel sums those rows in memory order
 * (tfjs's own transposes first); an earlier ones[1, M]·x[M, C] product cost 3× more there, since XNNPACK
 * repacks the whole x as a weight matrix on every call.
 */
import type { TF, Tensor } from '../tf';

/** Σ over every axis but the last: [..., C] → [C]. */
export function channelSum(tf: TF, x: Tensor): Tensor {
  const channels = x.shape[x.rank - 1] ?? 1;
  const rows = x.size / channels;
  return tf.sum(tf.reshape(x, [rows, channels]), 0);
}

/** x + b over the last axis, with the bias gradient as a channel sum. */
export function addChannelBias(tf: TF, x: Tensor, b: Tensor): Tensor {
  const op = tf.customGrad((input, bias) => ({
    value: tf.add(input as Tensor, bias as Tensor),
    gradFunc: (dy: Tensor) => [dy, channelSum(tf, dy)],
  }));
  return op(x, b);
}
