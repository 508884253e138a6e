/**
 * Upsample as two small matrix products (rows, then columns) with PyTorch's interpolation weights. tfjs's
 * resize gradients disagree with torch (half-pixel bilinear, nearest on cpu), and the matrices give exact
 * torch semantics for nearest and for bilinear with or without align_corners, forward and backward.
 */
import type { UpsampleArgs } from '../../../model/types';
import type { TF, Tensor, Tensor2D, Tensor4D } from '../tf';
import type { BuildContext, EngineLayer } from './types';

/** Interpolation matrix [out, in]: row o holds the weights of the input pixels that make output pixel o. */
export function interpolationMatrix(inSize: number, outSize: number, mode: UpsampleArgs['mode'], alignCorners: boolean): Float32Array {
  const m = new Float32Array(outSize * inSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    if (mode === 'nearest') {
      m[o * inSize + Math.min(Math.floor(o * scale), inSize - 1)] = 1;
      continue;
    }
    const src = alignCorners ? (outSize > 1 ? (o * (inSize - 1)) / (outSize - 1) : 0) : Math.max((o + 0.5) * scale - 0.5, 0);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const i1 = Math.min(i0 + 1, inSize - 1);
    const lambda = src - i0;
    m[o * inSize + i0] += 1 - lambda;
    m[o * inSize + i1] += lambda;
  }
  return m;
}

/** Applies `matrix` [out, in] along axis 1 (H) of an NHWC tensor. */
function alongRows(tf: TF, x: Tensor4D, matrix: Tensor2D): Tensor4D {
  const [n, h, w, c] = x.shape;
  const flat = tf.reshape(tf.transpose(x, [1, 0, 2, 3]), [h, n * w * c]);
  const out = tf.reshape(tf.matMul(matrix, flat), [matrix.shape[0], n, w, c]);
  return tf.transpose(out as Tensor4D, [1, 0, 2, 3]);
}

/** Upsample for an input of `inputShape` [C, H, W]; the matrices are built once and freed with the model. */
export function buildUpsample(ctx: BuildContext, name: string, a: UpsampleArgs, inputShape: number[]): EngineLayer {
  const { tf } = ctx;
  const [, h, w] = inputShape;
  const rows = tf.tensor2d(interpolationMatrix(h, a.size[0], a.mode, a.align_corners), [a.size[0], h]);
  const cols = tf.tensor2d(interpolationMatrix(w, a.size[1], a.mode, a.align_corners), [a.size[1], w]);
  return {
    name,
    params: [],
    buffers: [],
    apply(input: Tensor): Tensor {
      const tall = alongRows(tf, input as Tensor4D, rows);
      // Columns: swap H and W, apply along rows, swap back.
      return tf.transpose(alongRows(tf, tf.transpose(tall, [0, 2, 1, 3]), cols), [0, 2, 1, 3]);
    },
    dispose: () => tf.dispose([rows, cols]),
  };
}
