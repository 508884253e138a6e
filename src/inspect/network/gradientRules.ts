/**
 * Backward rules for activations that differ from the true gradient (Springenberg et al. 2015; Zeiler & Fergus
 * 2014). Guided backprop passes only positive gradients through an activation, and only where the activation's
 * own derivative lets them through: dy ↦ f′(x)·max(dy, 0). The deconvnet passes max(dy, 0) whatever the input
 * was. Every other layer (convolutions, pooling with its switches, BatchNorm, merges) keeps its true gradient.
 */
import type { LayerType } from '../../model/types';
import type { Tensor, TF } from '../../trainer/engine/tf';
import type { LayerHook } from './forward';

export type GradientRule = 'guided' | 'deconvnet';

/** Element-wise activations (ReLU and its smooth relatives) that the rules replace. */
const ELEMENTWISE: ReadonlySet<LayerType> = new Set<LayerType>(['ReLU', 'LeakyReLU', 'ELU', 'ReLU6', 'GELU', 'SiLU', 'Mish', 'Hardswish', 'Hardsigmoid', 'PReLU', 'Sigmoid', 'Tanh']);

/** A traceForward hook that applies `rule` to every element-wise activation. */
export function activationRule(tf: TF, rule: GradientRule): LayerHook {
  return (layer, x, apply) => {
    if (!ELEMENTWISE.has(layer.type)) return apply(x);
    if (rule === 'deconvnet') {
      const deconv = tf.customGrad((z) => ({ value: apply(z as Tensor), gradFunc: (dy: Tensor) => tf.relu(dy) }));
      return deconv(x) as Tensor;
    }
    // f′(x) is taken here, on the caller's tape: tfjs cannot take gradients inside a custom gradient's function.
    const slope = tf.grad((z: Tensor) => apply(z))(x);
    const guided = tf.customGrad((z, s, save) => {
      (save as (ts: Tensor[]) => void)([s as Tensor]);
      return { value: apply(z as Tensor), gradFunc: (dy: Tensor, saved: Tensor[]) => [tf.mul(saved[0], tf.relu(dy)), tf.zerosLike(saved[0])] };
    });
    return guided(x, slope) as Tensor;
  };
}
