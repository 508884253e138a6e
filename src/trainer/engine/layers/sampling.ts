/**
 * Strided sampling of NHWC tensors built from differentiable ops (tfjs has no gradient for StridedSlice):
 * slice the window, pad it to a multiple of the stride, split each axis into (count, stride) and keep index 0.
 */
import type { TF, Tensor4D } from '../tf';

/**
 * Rows top, top+s, …, top+(outH−1)·s and the same for columns: `outH`×`outW` pixels.
 * Used for dilated convolutions with a stride and for the taps of dilated max pooling.
 */
export function sampleGrid(tf: TF, x: Tensor4D, top: number, left: number, stride: [number, number], outH: number, outW: number): Tensor4D {
  const [n, , , c] = x.shape;
  const [sh, sw] = stride;
  const spanH = (outH - 1) * sh + 1;
  const spanW = (outW - 1) * sw + 1;
  const window = tf.slice(x, [0, top, left, 0], [n, spanH, spanW, c]);
  if (sh === 1 && sw === 1) return window;
  const padded = tf.pad(window, [[0, 0], [0, outH * sh - spanH], [0, outW * sw - spanW], [0, 0]]);
  const split = tf.reshape(padded, [n, outH, sh, outW, sw, c]);
  return tf.reshape(tf.slice(split, [0, 0, 0, 0, 0, 0], [n, outH, 1, outW, 1, c]), [n, outH, outW, c]);
}
