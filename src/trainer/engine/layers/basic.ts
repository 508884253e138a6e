/**
 * The layers without spatial arithmetic: Linear, Flatten (in PyTorch's C·H·W order), Dropout / Dropout2d
 * (inverted, seeded), activations, Softmax / LogSoftmax over torch's `dim`.
 */
import type { ActivationArgs, DropoutArgs, FlattenArgs, LayerType, LinearArgs, UnflattenArgs } from '../../../model/types';
import { defaultInitBound, uniformVariable } from '../init';
import { buildSmoothActivation } from './activations';
import type { Tensor, Tensor2D, TF } from '../tf';
import { BuildError, statelessLayer, type BuildContext, type EngineLayer } from './types';
import { uniformDraw } from './draws';

/** Linear: weight [in, out] (so that x·W needs no transpose), bias [out]; init U(±1/√in). */
export function buildLinear(ctx: BuildContext, name: string, a: LinearArgs): EngineLayer {
  const { tf } = ctx;
  const bound = defaultInitBound(a.in_features);
  const weight = uniformVariable(tf, ctx.seeds, `${name}.weight`, [a.in_features, a.out_features], bound);
  const bias = a.bias ? uniformVariable(tf, ctx.seeds, `${name}.bias`, [a.out_features], bound) : undefined;
  return {
    name,
    params: bias ? [weight, bias] : [weight],
    buffers: [],
    apply: (x) => tf.fused.matMul({ a: x as Tensor2D, b: weight.variable as Tensor2D, bias: bias?.variable }),
  };
}

/**
 * Flatten: NHWC is transposed to NCHW before reshaping so that feature k is the same pixel as in PyTorch;
 * otherwise a Linear after it would see its in_features in a different order than the course's code.
 */
export function buildFlatten(ctx: BuildContext, name: string, a: FlattenArgs): EngineLayer {
  const { tf } = ctx;
  const fullFlatten = a.start_dim === 1 && (a.end_dim === -1 || a.end_dim === 3);
  if (!fullFlatten) {
    throw new BuildError(`Flatten(start_dim=${a.start_dim}, end_dim=${a.end_dim}): the trainer supports start_dim=1, end_dim=-1 only`);
  }
  return statelessLayer(name, (x) => (x.rank === 2 ? x : tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [x.shape[0], -1])));
}

/**
 * Unflatten: the features (in PyTorch's C·H·W order) become [N, …sizes]; feature maps [C, H, W] are then transposed
 * to the engine's NHWC, the inverse of buildFlatten.
 */
export function buildUnflatten(ctx: BuildContext, name: string, a: UnflattenArgs, output: number[]): EngineLayer {
  const { tf } = ctx;
  if (a.dim !== 1 || output.length !== 3) {
    throw new BuildError(`Unflatten(${a.dim}, (${a.unflattened_size.join(', ')})): the trainer supports unflattening features into [C, H, W] feature maps only (dim=1, three sizes)`);
  }
  return statelessLayer(name, (x) => tf.transpose(tf.reshape(x, [x.shape[0], ...output]), [0, 2, 3, 1]));
}

/** Dropout (element-wise) and Dropout2d (whole channels), scaled by 1/(1−p) in training, identity in evaluation. */
export function buildDropout(ctx: BuildContext, name: string, a: DropoutArgs, channelWise: boolean): EngineLayer {
  const { tf } = ctx;
  return statelessLayer(name, (x, training) => {
    if (!training || a.p === 0) return x;
    if (a.p >= 1) return tf.zerosLike(x);
    const shape: number[] = channelWise && x.rank === 4 ? [x.shape[0] ?? 1, 1, 1, x.shape[3] ?? 1] : x.shape;
    const keep = tf.cast(tf.greaterEqual(uniformDraw(ctx, shape, true), a.p), 'float32');
    return tf.mul(x, tf.div(keep, 1 - a.p));
  });
}

/** Maps a torch dim (batch included, NCHW) to the NHWC axis of a tensor of the given rank. */
export function torchDimToAxis(dim: number, rank: number): number {
  const d = dim < 0 ? dim + rank : dim;
  return rank === 4 ? [0, 3, 1, 2][d] : d;
}

/** Element-wise activations and Softmax / LogSoftmax. */
export function buildActivation(ctx: BuildContext, name: string, type: LayerType, a: ActivationArgs): EngineLayer {
  const { tf } = ctx;
  switch (type) {
    case 'ReLU':
      return statelessLayer(name, (x) => tf.relu(x));
    case 'LeakyReLU':
      return statelessLayer(name, (x) => tf.leakyRelu(x, a.negative_slope ?? 0.01));
    case 'ELU': {
      const alpha = a.alpha ?? 1;
      if (alpha === 1) return statelessLayer(name, (x) => tf.elu(x));
      // relu(x) + α·(e^min(x,0) − 1): no comparison op on the gradient path (tfjs has no gradient for Greater).
      return statelessLayer(name, (x) => tf.add(tf.relu(x), tf.mul(tf.sub(tf.exp(tf.minimum(x, 0)), 1), alpha)));
    }
    case 'Sigmoid':
      return statelessLayer(name, (x) => tf.sigmoid(x));
    case 'Tanh':
      return statelessLayer(name, (x) => tf.tanh(x));
    case 'Softmax':
    case 'LogSoftmax':
      return statelessLayer(name, (x) => softmaxAlong(tf, x, torchDimToAxis(a.dim ?? 1, x.rank), type === 'LogSoftmax'));
    default: {
      const layer = buildSmoothActivation(ctx, name, type, a);
      if (!layer) throw new BuildError(`${type} is not an activation`);
      return layer;
    }
  }
}

/** tfjs's softmax works on the last axis only; other axes use the same max-shifted formula explicitly. */
function softmaxAlong(tf: TF, x: Tensor, axis: number, log: boolean): Tensor {
  if (axis === x.rank - 1) return log ? tf.logSoftmax(x) : tf.softmax(x);
  const shifted = tf.sub(x, tf.max(x, axis, true));
  const logSum = tf.log(tf.sum(tf.exp(shifted), axis, true));
  const logP = tf.sub(shifted, logSum);
  return log ? logP : tf.exp(logP);
}
