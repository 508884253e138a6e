/**
 * The activations beyond ReLU that recent CNNs use, written with tfjs ops that have gradients on every backend
 * (the wasm engine included), with PyTorch's definitions; PReLU's learned slopes broadcast over the channels, the
 * last NHWC axis, as torch broadcasts them over dim 1.
 */
import type { ActivationArgs, LayerType } from '../../../model/types';
import { constantVariable } from '../init';
import type { Tensor, TF } from '../tf';
import { statelessLayer, type BuildContext, type EngineLayer } from './types';

type Activation = (tf: TF, x: Tensor, a: ActivationArgs) => Tensor;

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** relu6(x + 3) / 6: hard sigmoid, also the gate of hard swish. */
const hardGate = (tf: TF, x: Tensor): Tensor => tf.div(tf.relu6(tf.add(x, 3)), 6);

export const SMOOTH_ACTIVATIONS: Partial<Record<LayerType, Activation>> = {
  ReLU6: (tf, x) => tf.relu6(x),
  // x·Φ(x) with Φ(x) = (1 + erf(x/√2))/2, or torch's tanh approximation.
  GELU: (tf, x, a) => {
    if (a.approximate === 'tanh') {
      const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), SQRT_2_OVER_PI);
      return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
    }
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
  },
  SiLU: (tf, x) => tf.mul(x, tf.sigmoid(x)),
  Mish: (tf, x) => tf.mul(x, tf.tanh(tf.softplus(x))),
  Hardswish: (tf, x) => tf.mul(x, hardGate(tf, x)),
  Hardsigmoid: (tf, x) => hardGate(tf, x),
};

/** The layer for one of SMOOTH_ACTIVATIONS' types, or undefined for others. */
export function buildSmoothActivation(ctx: BuildContext, name: string, type: LayerType, a: ActivationArgs): EngineLayer | undefined {
  const f = SMOOTH_ACTIVATIONS[type];
  return f && statelessLayer(name, (x) => f(ctx.tf, x, a));
}

/** PReLU: relu(x) + a·min(x, 0), with `weight` [num_parameters] initialised to `init` (torch's name and shape). */
export function buildPrelu(ctx: BuildContext, name: string, a: ActivationArgs): EngineLayer {
  const { tf } = ctx;
  const weight = constantVariable(tf, `${name}.weight`, [a.num_parameters ?? 1], a.init ?? 0.25, true);
  return {
    name,
    params: [weight],
    buffers: [],
    apply: (x) => tf.add(tf.relu(x), tf.mul(weight.variable, tf.minimum(x, 0))),
  };
}
