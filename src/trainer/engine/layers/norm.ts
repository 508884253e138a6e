/**
 * BatchNorm1d / BatchNorm2d with torch's semantics: in training, normalise with the batch's biased variance and
 * move the running statistics by `momentum` (running_var takes the unbiased variance); in evaluation, use the
 * running statistics. NHWC: channels are the last axis, statistics over N, H, W.
 * Training mode is one custom op with the analytic backward pass: on the wasm backend CNN Lab's own BatchNorm
 * kernels (kernels/batch-norm.ts), elsewhere tfjs ops with channel sums (see channels.ts), since tfjs's autodiff
 * of the same formula spends most of its time in Sum over broadcast axes. A ReLU right after the layer runs inside
 * those kernels (applyWithRelu).
 */
import type { BatchNormArgs } from '../../../model/types';
import { BATCH_NORM_EVAL, BATCH_NORM_GRAD, BATCH_NORM_TRAIN } from '../../kernels/batch-norm';
import { constantVariable } from '../init';
import type { TF, Tensor } from '../tf';
import { channelSum } from './channels';
import type { BuildContext, EngineLayer, NamedVariable } from './types';

export function buildBatchNorm(ctx: BuildContext, name: string, a: BatchNormArgs): EngineLayer {
  const { tf } = ctx;
  const c = a.num_features;
  const weight = a.affine ? constantVariable(tf, `${name}.weight`, [c], 1, true) : undefined;
  const bias = a.affine ? constantVariable(tf, `${name}.bias`, [c], 0, true) : undefined;
  const runningMean = a.track_running_stats ? constantVariable(tf, `${name}.running_mean`, [c], 0, false) : undefined;
  const runningVar = a.track_running_stats ? constantVariable(tf, `${name}.running_var`, [c], 1, false) : undefined;
  // torch keeps this counter in the state dict too (it only matters with momentum=None); counted as a buffer.
  const batchesTracked = a.track_running_stats ? constantVariable(tf, `${name}.num_batches_tracked`, [], 0, false) : undefined;
  const params = [weight, bias].filter((v): v is NamedVariable => v !== undefined);
  const buffers = [runningMean, runningVar, batchesTracked].filter((v): v is NamedVariable => v !== undefined);

  /** Moves the running statistics towards this batch's mean and unbiased variance. */
  const track = (mean: Tensor, variance: Tensor, count: number): void => {
    if (!runningMean || !runningVar || !batchesTracked) return;
    const unbiased = tf.mul(variance, count / Math.max(count - 1, 1));
    runningMean.variable.assign(tf.add(tf.mul(runningMean.variable, 1 - a.momentum), tf.mul(mean, a.momentum)));
    runningVar.variable.assign(tf.add(tf.mul(runningVar.variable, 1 - a.momentum), tf.mul(unbiased, a.momentum)));
    batchesTracked.variable.assign(tf.add(batchesTracked.variable, 1));
  };

  /** The layer, then a ReLU when `relu`: inside our kernels when the backend has them, else as a tfjs op after it. */
  const forward = (x: Tensor, training: boolean, relu: boolean): Tensor => {
    const kernels = tf.getKernel(BATCH_NORM_TRAIN, tf.getBackend()) !== undefined;
    if (training || !runningMean || !runningVar) {
      if (kernels) return batchStatistics(tf, x, weight?.variable, bias?.variable, kernelPasses(tf, a.eps, relu), training ? track : undefined);
      const y = batchStatistics(tf, x, weight?.variable, bias?.variable, opsPasses(tf, a.eps), training ? track : undefined);
      return relu ? tf.relu(y) : y;
    }
    if (kernels) {
      const [gamma, beta] = affineOrIdentity(tf, c, weight?.variable, bias?.variable);
      const inputs = { x, mean: runningMean.variable, variance: runningVar.variable, gamma, beta };
      return tf.engine().runKernel(BATCH_NORM_EVAL, inputs, { eps: a.eps, relu }) as Tensor;
    }
    const scale = tf.rsqrt(tf.add(runningVar.variable, a.eps));
    const normalized = tf.mul(tf.sub(x, runningMean.variable), scale);
    const y = weight && bias ? tf.add(tf.mul(normalized, weight.variable), bias.variable) : normalized;
    return relu ? tf.relu(y) : y;
  };

  return {
    name,
    params,
    buffers,
    apply: (x, training) => forward(x, training, false),
    applyWithRelu: (x, training) => forward(x, training, true),
  };
}

/** γ and β, or 1 and 0 for BatchNorm(affine=False). */
function affineOrIdentity(tf: TF, channels: number, gamma: Tensor | undefined, beta: Tensor | undefined): [Tensor, Tensor] {
  return gamma && beta ? [gamma, beta] : [tf.ones([channels]), tf.zeros([channels])];
}

/** Training-mode BatchNorm's two passes; `saved` is what the forward pass keeps for the backward one. */
interface BatchNormPasses {
  forward(x: Tensor, gamma: Tensor, beta: Tensor): { y: Tensor; mean: Tensor; variance: Tensor; saved: Tensor[] };
  /** [dx, dγ, dβ]. */
  backward(dy: Tensor, saved: Tensor[]): [Tensor, Tensor, Tensor];
}

/**
 * The passes with tfjs ops (any backend):
 *   x̂ = (x − μ)/√(σ² + ε), y = γ·x̂ + β;
 *   dβ = Σdy, dγ = Σdy·x̂, dx = γ/√(σ²+ε) · (dy − dβ/M − x̂·dγ/M)   (Σ over the M = N·H·W positions).
 * The input gradient reuses the two parameter-gradient sums (Σdx̂ = γ·Σdy): five full-size element-wise ops and
 * two channel sums backward.
 */
function opsPasses(tf: TF, eps: number): BatchNormPasses {
  return {
    forward(x, gamma, beta) {
      const count = x.size / (x.shape[x.rank - 1] ?? 1);
      const mean = tf.div(channelSum(tf, x), count);
      const centred = tf.sub(x, mean);
      const variance = tf.div(channelSum(tf, tf.square(centred)), count);
      const inv = tf.rsqrt(tf.add(variance, eps));
      const xhat = tf.mul(centred, inv);
      return { y: tf.add(tf.mul(xhat, gamma), beta), mean, variance, saved: [xhat, inv, gamma] };
    },
    backward(dy, [xhat, inv, gamma]) {
      const count = dy.size / (dy.shape[dy.rank - 1] ?? 1);
      const dBeta = channelSum(tf, dy);
      const dGamma = channelSum(tf, tf.mul(dy, xhat as Tensor));
      const centredDy = tf.sub(tf.sub(dy, tf.mul(xhat as Tensor, tf.div(dGamma, count))), tf.div(dBeta, count));
      return [tf.mul(centredDy, tf.mul(gamma as Tensor, inv as Tensor)), dGamma, dBeta];
    },
  };
}

/**
 * The passes on CNN Lab's BatchNorm kernels (wasm): two passes over memory each way (see kernels/batch-norm.ts);
 * with `relu` the ReLU is applied in the forward pass, and the backward one recomputes its mask from x.
 */
function kernelPasses(tf: TF, eps: number, relu: boolean): BatchNormPasses {
  return {
    forward(x, gamma, beta) {
      const [y, mean, variance, invStd] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x, gamma, beta }, { eps, relu }) as Tensor[] as [Tensor, Tensor, Tensor, Tensor];
      return { y, mean, variance, saved: relu ? [x, mean, invStd, gamma, variance, beta] : [x, mean, invStd, gamma] };
    },
    backward(dy, [x, mean, invStd, gamma, variance, beta]) {
      const inputs = { dy, x: x as Tensor, mean: mean as Tensor, invStd: invStd as Tensor, gamma: gamma as Tensor, ...(variance && beta ? { variance, beta } : {}) };
      return tf.engine().runKernel(BATCH_NORM_GRAD, inputs, { eps }) as Tensor[] as [Tensor, Tensor, Tensor];
    },
  };
}

/**
 * Normalisation with the batch's own statistics as one custom op with the analytic backward pass (tfjs's autodiff
 * of the formula spends most of its time in Sum over broadcast axes). Without γ and β it normalises with 1 and 0
 * and returns only the input's gradient.
 */
function batchStatistics(
  tf: TF,
  x: Tensor,
  gamma: Tensor | undefined,
  beta: Tensor | undefined,
  passes: BatchNormPasses,
  track: ((mean: Tensor, variance: Tensor, count: number) => void) | undefined,
): Tensor {
  const channels = x.shape[x.rank - 1] ?? 1;
  const affine = gamma !== undefined && beta !== undefined;
  const op = tf.customGrad((...args) => {
    // customGrad passes the inputs, then a function that keeps tensors alive for the backward pass.
    const save = args[args.length - 1] as (tensors: Tensor[]) => void;
    const [input, g, b] = args.slice(0, -1) as Tensor[];
    const { y, mean, variance, saved } = passes.forward(input as Tensor, ...affineOrIdentity(tf, channels, g, b));
    track?.(mean, variance, x.size / channels);
    save(saved);
    return {
      value: y,
      gradFunc: (dy: Tensor, kept: Tensor[]) => {
        const [dx, dGamma, dBeta] = passes.backward(dy, kept);
        return affine ? [dx, dGamma, dBeta] : [dx];
      },
    };
  });
  return affine ? op(x, gamma, beta) : op(x);
}
