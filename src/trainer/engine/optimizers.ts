/**
 * Optimizers with PyTorch's update formulas (torch.optim 1.13), not tfjs's: tfjs's Adam puts ε inside the bias
 * correction differently and its momentum has no nesterov/dampening semantics of torch. State lives in
 * non-trainable variables so that a step allocates no lasting tensors.
 */
import type { TrainConfig } from '../../model/types';
import { optimizerStateSlots } from '../../model/memory/estimate';
import { OPTIMIZER_STEP, optimizerStepAttrs } from '../kernels/optimizer-step';
import type { NamedVariable } from './layers/types';
import type { NamedTensorMap, TF, Tensor, Variable } from './tf';

export interface Optimizer {
  /** Applies one update from gradients keyed by variable name (tf.variableGrads's output), at learning rate `lr`. */
  step(grads: NamedTensorMap, lr: number): void;
  dispose(): void;
}

/** The settings an optimizer reads (a subset of TrainConfig, with torch's defaults for the rest). */
export type OptimizerConfig = Pick<TrainConfig, 'optimizer' | 'momentum' | 'nesterov' | 'weight_decay'>;

const BETA1 = 0.9;
const BETA2 = 0.999;
const ADAM_EPS = 1e-8;
const RMS_ALPHA = 0.99;
const RMS_EPS = 1e-8;

interface Slot {
  param: Variable;
  /** Factor of the step's learning rate for this parameter (its layer's lr multiplier). */
  scale: number;
  /** First moment / momentum buffer (absent when the rule keeps none: plain SGD, RMSprop without momentum). */
  a?: Variable;
  /** Second moment / square average (Adam, AdamW, RMSprop). */
  b?: Variable;
}

/** Creates the optimizer named in the config for these parameters; `scale` gives a parameter's learning-rate factor. */
export function createOptimizer(tf: TF, config: OptimizerConfig, params: NamedVariable[], scale: (name: string) => number = () => 1): Optimizer {
  // Only the state the rule uses: VGG-16's unused copies alone would take 1 GiB of the wasm engine's 4.
  const used = optimizerStateSlots(config);
  const zeros = (p: Variable): Variable => tf.tidy(() => tf.variable(tf.zerosLike(p), false));
  const slots: Slot[] = params.map((p) => ({
    param: p.variable,
    scale: scale(p.name),
    a: used.a ? zeros(p.variable) : undefined,
    b: used.b ? zeros(p.variable) : undefined,
  }));
  // The wasm engine has the whole update as one kernel (src/trainer/kernels/optimizer-step.ts); other backends use ops.
  const update = tf.getKernel(OPTIMIZER_STEP, tf.getBackend()) ? fusedRule(tf, config) : updateRule(tf, config);
  let t = 0;
  return {
    step(grads, lr) {
      t += 1;
      tf.tidy(() => {
        for (const slot of slots) {
          const g = grads[slot.param.name];
          if (g && slot.scale !== 0) update(slot, g, lr * slot.scale, t);
        }
      });
    },
    dispose() {
      for (const s of slots) {
        s.a?.dispose();
        s.b?.dispose();
      }
    },
  };
}

type Rule = (slot: Slot, grad: Tensor, lr: number, t: number) => void;

/** The same formulas as `updateRule`, in one kernel call per parameter. */
function fusedRule(tf: TF, c: OptimizerConfig): Rule {
  const fixed = { rule: c.optimizer, weightDecay: c.weight_decay, momentum: c.momentum, nesterov: c.nesterov, beta1: BETA1, beta2: BETA2 };
  const eps = c.optimizer === 'rmsprop' ? RMS_EPS : ADAM_EPS;
  return (slot, grad, lr, t) => {
    const attrs = optimizerStepAttrs({ ...fixed, lr, t, eps, alpha: RMS_ALPHA });
    // Unused state is never read: the gradient stands in for it.
    const [p, a, b] = tf.engine().runKernel(OPTIMIZER_STEP, { param: slot.param, grad, a: slot.a ?? grad, b: slot.b ?? grad }, attrs) as Tensor[];
    slot.param.assign(p);
    slot.a?.assign(a);
    slot.b?.assign(b);
  };
}

/** State a rule uses is always there: createOptimizer allocates it from the same optimizerStateSlots. */
function allocated(state: Variable | undefined): Variable {
  if (!state) throw new Error('optimizer state missing for this rule');
  return state;
}

function updateRule(tf: TF, c: OptimizerConfig): Rule {
  const wd = c.weight_decay;
  const withDecay = (g: Tensor, p: Tensor): Tensor => (wd !== 0 ? tf.add(g, tf.mul(p, wd)) : g);
  switch (c.optimizer) {
    case 'sgd':
      return ({ param, a }, grad, lr, t) => {
        let d = withDecay(grad, param);
        if (c.momentum !== 0) {
          const buf = allocated(a);
          buf.assign(t === 1 ? d : tf.add(tf.mul(buf, c.momentum), d));
          d = c.nesterov ? tf.add(d, tf.mul(buf, c.momentum)) : buf;
        }
        param.assign(tf.sub(param, tf.mul(d, lr)));
      };
    case 'adam':
    case 'adamw':
      return ({ param, a, b }, grad, lr, t) => {
        const [m, v] = [allocated(a), allocated(b)];
        const decoupled = c.optimizer === 'adamw';
        const g = decoupled ? grad : withDecay(grad, param);
        const p = decoupled && wd !== 0 ? tf.mul(param, 1 - lr * wd) : param;
        m.assign(tf.add(tf.mul(m, BETA1), tf.mul(g, 1 - BETA1)));
        v.assign(tf.add(tf.mul(v, BETA2), tf.mul(tf.square(g), 1 - BETA2)));
        const stepSize = lr / (1 - BETA1 ** t);
        const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(1 - BETA2 ** t)), ADAM_EPS);
        param.assign(tf.sub(p, tf.mul(tf.div(m, denom), stepSize)));
      };
    case 'rmsprop':
      return ({ param, a, b }, grad, lr) => {
        const sq = allocated(b);
        const g = withDecay(grad, param);
        sq.assign(tf.add(tf.mul(sq, RMS_ALPHA), tf.mul(tf.square(g), 1 - RMS_ALPHA)));
        const scaled = tf.div(g, tf.add(tf.sqrt(sq), RMS_EPS));
        if (c.momentum > 0) {
          const buf = allocated(a);
          buf.assign(tf.add(tf.mul(buf, c.momentum), scaled));
          param.assign(tf.sub(param, tf.mul(buf, lr)));
        } else {
          param.assign(tf.sub(param, tf.mul(scaled, lr)));
        }
      };
  }
}
