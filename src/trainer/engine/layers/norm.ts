/**
 * BatchNorm1d / BatchNorm2d with torch's semantics: in training, normalise with the batch's biased variance and
 * move the running statistics by `momentum` (running_var takes the unbiased variance); in evaluation, use the
 * running statistics. NHWC: channels are the last axis, statistics over N, H, W.
 * Training mode is one custom op with the analytic backward pass: on the wasm backend CNN Lab's own BatchNorm
 * kernels (kernels/batch-norm.ts), elsewhere tfjs ops with channel sums (see channels.ts), since tfjs's autodiff
 * of the same formula spends most of its time in Sum over broadcast axes.
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

  return {
    name,
    params,
    buffers,
    apply(x: Tensor, training: boolean): Tensor {
      const fused = tf.getKernel(BATCH_NORM_TRAIN, tf.getBackend()) !== undefined;
      if (training || !runningMean || !runningVar) {
        const stats = fused ? fusedBatchStatistics : batchStatistics;
        return stats(tf, x, weight?.variable, bias?.variable, a.eps, training ? track : undefined);
      }
      if (fused) {
        const [gamma, beta] = affineOrIdentity(tf, c, weight?.variable, bias?.variable);
        const inputs = { x, mean: runningMean.variable, variance: runningVar.variable, gamma, beta };
        return tf.engine().runKernel(BATCH_NORM_EVAL, inputs, { eps: a.eps }) as Tensor;
      }
      const scale = tf.rsqrt(tf.add(runningVar.variable, a.eps));
      const y = tf.mul(tf.sub(x, runningMean.variable), scale);
      return weight && bias ? tf.add(tf.mul(y, weight.variable), bias.variable) : y;
    },
  };
}

/**
 * Normalisation with the batch's own statistics, as a custom op:
 *   x̂ = (x − μ)/√(σ² + ε), y = γ·x̂ + β;
 *   dβ = Σdy, dγ = Σdy·x̂, dx = γ/√(σ²+ε) · (dy − dβ/M − x̂·dγ/M)   (Σ over the M = N·H·W positions).
 * The input gradient reuses the two parameter-gradient sums (Σdx̂ = γ·Σdy), so the backward pass costs five
 * full-size element-wise ops and two channel sums; on wasm these ops, not the sums, are what BatchNorm costs.
 */
function batchStatistics(
  tf: TF,
  x: Tensor,
  gamma: Tensor | undefined,
  beta: Tensor | undefined,
  eps: number,
  track: ((mean: Tensor, variance: Tensor, count: number) => void) | undefined,
): Tensor {
  const channels = x.shape[x.rank - 1] ?? 1;
  const count = x.size / channels;
  const op = tf.customGrad((...args) => {
    // customGrad passes the inputs, then a function that keeps tensors alive for the backward pass.
    const save = args[args.length - 1] as (tensors: Tensor[]) => void;
    const [input, g, b] = args.slice(0, -1) as Tensor[];
    const mean = tf.div(channelSum(tf, input), count);
    const centred = tf.sub(input, mean);
    const variance = tf.div(channelSum(tf, tf.square(centred)), count);
    const inv = tf.rsqrt(tf.add(variance, eps));
    const xhat = tf.mul(centred, inv);
    track?.(mean, variance, count);
    save(g ? [xhat, inv, g] : [xhat, inv]);
    return {
      value: g && b ? tf.add(tf.mul(xhat, g), b) : xhat,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xh, invStd, scale] = saved;
        const dBeta = channelSum(tf, dy);
        const dGamma = channelSum(tf, tf.mul(dy, xh));
        const centredDy = tf.sub(tf.sub(dy, tf.mul(xh, tf.div(dGamma, count))), tf.div(dBeta, count));
        const dx = tf.mul(centredDy, scale ? tf.mul(scale, invStd) : invStd);
        return scale ? [dx, dGamma, dBeta] : [dx];
      },
    };
  });
  return gamma && beta ? op(x, gamma, beta) : op(x);
}

/** γ and β, or 1 and 0 for BatchNorm(affine=False) (the kernels always take both). */
function affineOrIdentity(tf: TF, channels: number, gamma: Tensor | undefined, beta: Tensor | undefined): [Tensor, Tensor] {
  return gamma && beta ? [gamma, beta] : [tf.ones([channels]), tf.zeros([channels])];
}

/** batchStatistics on CNN Lab's BatchNorm kernels: two passes forward, two backward (see kernels/batch-norm.ts). */
function fusedBatchStatistics(
  tf: TF,
  x: Tensor,
  gamma: Tensor | undefined,
  beta: Tensor | undefined,
  eps: number,
  track: ((mean: Tensor, variance: Tensor, count: number) => void) | undefined,
): Tensor {
  const channels = x.shape[x.rank - 1] ?? 1;
  const affine = gamma !== undefined && beta !== undefined;
  const op = tf.customGrad((...args) => {
    const save = args[args.length - 1] as (tensors: Tensor[]) => void;
    const [input, g, b] = args.slice(0, -1) as Tensor[];
    const [scale, shift] = affineOrIdentity(tf, channels, g, b);
    const [y, mean, variance, invStd] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x: input, gamma: scale, beta: shift }, { eps }) as Tensor[];
    track?.(mean as Tensor, variance as Tensor, x.size / channels);
    save([input as Tensor, mean as Tensor, invStd as Tensor, scale]);
    return {
      value: y as Tensor,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, mu, inv, sc] = saved as [Tensor, Tensor, Tensor, Tensor];
        const [dx, dGamma, dBeta] = tf.engine().runKernel(BATCH_NORM_GRAD, { dy, x: xs, mean: mu, invStd: inv, gamma: sc }, {}) as Tensor[];
        return affine ? [dx as Tensor, dGamma as Tensor, dBeta as Tensor] : [dx as Tensor];
      },
    };
  });
  return affine ? op(x, gamma, beta) : op(x);
}
