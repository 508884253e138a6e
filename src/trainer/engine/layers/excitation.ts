/**
 * SqueezeExcitation in the engine: the channel means of the NHWC input ([N, 1, 1, C]) through fc1 and fc2, 1×1
 * convolutions with torch's names (`fc1.weight` [1, 1, C, S] in the engine's conv layout), give the per-channel
 * gate that multiplies the input. StochasticDepth: in training, each sample's branch ('row') or the whole batch's
 * ('batch') is zeroed with probability p and the rest scaled by 1/(1−p); identity in evaluation.
 */
import type { ExcitationArgs, StochasticDepthArgs } from '../../../model/types';
import { uniformVariable } from '../init';
import type { Tensor, Tensor4D } from '../tf';
import { buildActivation } from './basic';
import { statelessLayer, type BuildContext, type EngineLayer } from './types';
import { uniformDraw } from './draws';

export function buildSqueezeExcitation(ctx: BuildContext, name: string, a: ExcitationArgs): EngineLayer {
  const { tf, seeds } = ctx;
  const [c, s] = [a.input_channels, a.squeeze_channels];
  // torch's Conv2d initialisation: U(±1/√fan_in) for weight and bias.
  const fc1Weight = uniformVariable(tf, seeds, `${name}.fc1.weight`, [1, 1, c, s], 1 / Math.sqrt(c));
  const fc1Bias = uniformVariable(tf, seeds, `${name}.fc1.bias`, [s], 1 / Math.sqrt(c));
  const fc2Weight = uniformVariable(tf, seeds, `${name}.fc2.weight`, [1, 1, s, c], 1 / Math.sqrt(s));
  const fc2Bias = uniformVariable(tf, seeds, `${name}.fc2.bias`, [c], 1 / Math.sqrt(s));
  const activation = buildActivation(ctx, `${name}.activation`, a.activation, {});
  const scale = buildActivation(ctx, `${name}.scale_activation`, a.scale_activation, {});
  return {
    name,
    params: [fc1Weight, fc1Bias, fc2Weight, fc2Bias],
    buffers: [],
    apply: (x: Tensor) => {
      const squeezed = tf.mean(x, [1, 2], true) as Tensor4D;
      const hidden = activation.apply(tf.add(tf.conv2d(squeezed, fc1Weight.variable as Tensor4D, 1, 'valid'), fc1Bias.variable), false) as Tensor4D;
      const gate = scale.apply(tf.add(tf.conv2d(hidden, fc2Weight.variable as Tensor4D, 1, 'valid'), fc2Bias.variable), false);
      return tf.mul(x, gate);
    },
  };
}

export function buildStochasticDepth(ctx: BuildContext, name: string, a: StochasticDepthArgs): EngineLayer {
  const { tf } = ctx;
  return statelessLayer(name, (x, training) => {
    if (!training || a.p === 0) return x;
    const shape = a.mode === 'row' ? [x.shape[0], ...x.shape.slice(1).map(() => 1)] : x.shape.map(() => 1);
    const keep = tf.cast(tf.greaterEqual(uniformDraw(ctx, shape, a.mode === 'row'), a.p), 'float32');
    return a.p === 1 ? tf.mul(x, keep) : tf.mul(x, tf.div(keep, 1 - a.p));
  });
}
