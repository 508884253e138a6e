/**
 * BatchNorm as three kernels of its own (not tfjs kernels): the training forward pass with the batch's statistics,
 * its backward pass, and the evaluation pass with running statistics. Written with tfjs ops, a BatchNorm layer in
 * training costs about ten full-size element-wise kernels and four channel sums per step, each a pass over memory
 * (23% of a step of the BatchNorm example); here it is two passes forward and two backward. Statistics and
 * gradient sums accumulate in float64. The SIMD module does the passes when the channels come in fours; the
 * JavaScript loops below compute the same values otherwise.
 * A ReLU after the layer can be fused in (attr `relu`): the forward pass clamps as it writes, and the backward pass
 * masks dy where the normalised value was not positive, recomputed from x with the forward pass's own scale, shift
 * and operations (bit for bit its mask, one stream of memory fewer than reading y back). That saves the ReLU's two
 * passes and its gradient's step and multiply passes.
 */
import { util, type GradConfig, type KernelConfig, type KernelFunc, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TF } from '../backend/index';
import { channelSum } from '../engine/layers/channels';
import { simdKernels } from './simd/simd-kernels';
import { asWasm, f32, inputsOf, release } from './wasm-ops';

/** Inputs `x`, `gamma`, `beta`; attrs `eps`, `relu` (optional); outputs [y, mean, variance (biased), invStd = 1/√(variance + eps)]. */
export const BATCH_NORM_TRAIN = 'CnnlabBatchNormTrain';
/**
 * Inputs `dy`, `x`, `mean`, `invStd`, `gamma`, and when a ReLU was fused `variance` and `beta` with the attr `eps`
 * (to recompute its mask); outputs [dx, dGamma, dBeta].
 */
export const BATCH_NORM_GRAD = 'CnnlabBatchNormGrad';
/** Inputs `x`, `mean`, `variance`, `gamma`, `beta` (running statistics); attrs `eps`, `relu` (optional); output y. */
export const BATCH_NORM_EVAL = 'CnnlabBatchNormEval';

/** Rows and channels of a channels-last tensor seen as [rows, C]. */
function layout(x: TensorInfo): { rows: number; channels: number } {
  const channels = x.shape[x.shape.length - 1] ?? 1;
  return { rows: channels === 0 ? 0 : util.sizeFromShape(x.shape) / channels, channels };
}

/** Per-channel mean and biased variance, in float64. */
function moments(x: Float32Array, channels: number, mean: Float32Array, variance: Float32Array): void {
  const sum = new Float64Array(channels);
  const squares = new Float64Array(channels);
  for (let i = 0, c = 0; i < x.length; i++) {
    const v = x[i] as number;
    sum[c] = (sum[c] as number) + v;
    squares[c] = (squares[c] as number) + v * v;
    if (++c === channels) c = 0;
  }
  const rows = x.length / channels;
  for (let c = 0; c < channels; c++) {
    const m = (sum[c] as number) / rows;
    mean[c] = m;
    variance[c] = Math.max(0, (squares[c] as number) / rows - m * m);
  }
}

/** out = (x − mean)·scale + shift per channel, then max(·, 0) with `relu` (NaN stays NaN, as in the SIMD pass). */
function normalize(x: Float32Array, mean: Float32Array, scale: Float32Array, shift: Float32Array, out: Float32Array, relu: boolean): void {
  const channels = mean.length;
  for (let i = 0, c = 0; i < x.length; i++) {
    const v = ((x[i] as number) - (mean[c] as number)) * (scale[c] as number) + (shift[c] as number);
    out[i] = relu && v < 0 ? 0 : v;
    if (++c === channels) c = 0;
  }
}

/** A fused ReLU's forward scale and shift per channel. */
type Relu = [scale: Float32Array, shift: Float32Array];

/**
 * Σg and Σg·(x − mean) per channel, in float64, g = dy masked by the fused ReLU if any: 0 where its output was not
 * positive, recomputed from x − mean as normalize() computed it.
 */
function gradSums(dy: Float32Array, x: Float32Array, mean: Float32Array, relu: Relu | undefined, sumDy: Float32Array, sumDyXc: Float32Array): void {
  const channels = mean.length;
  const s = new Float64Array(channels);
  const p = new Float64Array(channels);
  const [scale, shift] = relu ?? [];
  for (let i = 0, c = 0; i < x.length; i++) {
    const centred = (x[i] as number) - (mean[c] as number);
    const g = scale && shift && !(Math.fround(centred * (scale[c] as number) + (shift[c] as number)) > 0) ? 0 : (dy[i] as number);
    s[c] = (s[c] as number) + g;
    p[c] = (p[c] as number) + g * centred;
    if (++c === channels) c = 0;
  }
  sumDy.set(s);
  sumDyXc.set(p);
}

/** out = a·g + b·(x − mean) + c per channel, g as in gradSums. */
function inputGrad(dy: Float32Array, x: Float32Array, mean: Float32Array, relu: Relu | undefined, a: Float32Array, b: Float32Array, k: Float32Array, out: Float32Array): void {
  const channels = mean.length;
  const [scale, shift] = relu ?? [];
  for (let i = 0, c = 0; i < x.length; i++) {
    const centred = (x[i] as number) - (mean[c] as number);
    const g = scale && shift && !(Math.fround(centred * (scale[c] as number) + (shift[c] as number)) > 0) ? 0 : (dy[i] as number);
    out[i] = (a[c] as number) * g + (b[c] as number) * centred + (k[c] as number);
    if (++c === channels) c = 0;
  }
}

/** y = (x − mean)·γ/√(var + eps) + β (then ReLU), through the SIMD pass when it can. */
function applyNormalization(wasm: BackendWasm, x: TensorInfo, mean: TensorInfo, scale: TensorInfo, shift: TensorInfo, y: TensorInfo, relu: boolean): void {
  const { rows, channels } = layout(x);
  const simd = simdKernels(wasm);
  if (simd && channels % 4 === 0) simd.channelNormalize(x, mean, scale, shift, y, rows, channels, relu);
  else normalize(f32(wasm, x), f32(wasm, mean), f32(wasm, scale), f32(wasm, shift), f32(wasm, y), relu);
}

/** scale = γ·invStd, shift = β (the running or batch mean is subtracted in the pass itself). */
function scaleAndShift(wasm: BackendWasm, gamma: TensorInfo, beta: TensorInfo, invStd: Float64Array): [TensorInfo, TensorInfo] {
  const channels = invStd.length;
  const scale = wasm.makeOutput([channels], 'float32');
  const shift = wasm.makeOutput([channels], 'float32');
  const [g, b, sc, sh] = [gamma, beta, scale, shift].map((t) => f32(wasm, t)) as [Float32Array, Float32Array, Float32Array, Float32Array];
  for (let c = 0; c < channels; c++) sc[c] = (g[c] as number) * (invStd[c] as number);
  sh.set(b);
  return [scale, shift];
}

/** 1/√(variance + ε) in float64, from the float32 variance: the forward pass's scale comes from exactly these. */
const inverseStd = (wasm: BackendWasm, variance: TensorInfo, eps: number): Float64Array =>
  Float64Array.from(f32(wasm, variance), (v) => 1 / Math.sqrt(v + eps));

const trainKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = asWasm(backend);
  const { x, gamma, beta } = inputsOf(inputs, 'x', 'gamma', 'beta');
  const { eps, relu } = attrs as { eps: number; relu?: boolean };
  const { rows, channels } = layout(x);
  const y = wasm.makeOutput(x.shape, 'float32');
  const mean = wasm.makeOutput([channels], 'float32');
  const variance = wasm.makeOutput([channels], 'float32');
  const invStd = wasm.makeOutput([channels], 'float32');
  if (rows === 0) return [y, mean, variance, invStd];
  const simd = simdKernels(wasm);
  if (simd && channels % 4 === 0) simd.channelMoments(x, rows, channels, mean, variance);
  else moments(f32(wasm, x), channels, f32(wasm, mean), f32(wasm, variance));
  const inv = inverseStd(wasm, variance, eps);
  f32(wasm, invStd).set(inv);
  const [scale, shift] = scaleAndShift(wasm, gamma, beta, inv);
  applyNormalization(wasm, x, mean, scale, shift, y, relu === true);
  release(wasm, scale, shift);
  return [y, mean, variance, invStd];
};

/**
 * dβ = Σdy, dγ = invStd·Σdy·(x − μ), and with M rows and k = γ·invStd:
 * dx = k·(dy − dβ/M − x̂·dγ/M) = k·dy − (k·invStd·dγ/M)·(x − μ) − k·dβ/M,
 * with dy masked where the fused ReLU (when `variance` and `beta` are given) stopped its input.
 */
const gradKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = asWasm(backend);
  const { dy, x, mean, invStd, gamma } = inputsOf(inputs, 'dy', 'x', 'mean', 'invStd', 'gamma');
  const { variance, beta } = inputs;
  const relu = variance && beta ? scaleAndShift(wasm, gamma, beta, inverseStd(wasm, variance, (attrs as { eps: number }).eps)) : undefined;
  const { rows, channels } = layout(x);
  const dx = wasm.makeOutput(x.shape, 'float32');
  const dGamma = wasm.makeOutput([channels], 'float32');
  const dBeta = wasm.makeOutput([channels], 'float32');
  if (rows === 0) {
    if (relu) release(wasm, ...relu);
    return [dx, dGamma, dBeta];
  }
  const coef = [0, 1, 2].map(() => wasm.makeOutput([channels], 'float32')) as [TensorInfo, TensorInfo, TensorInfo];
  const simd = simdKernels(wasm);
  const vectorised = simd !== undefined && channels % 4 === 0;
  const reluJs = (): Relu | undefined => relu && [f32(wasm, relu[0]), f32(wasm, relu[1])];
  if (vectorised) simd.batchNormGradSums(dy, x, mean, relu, rows, channels, dBeta, dGamma);
  else gradSums(f32(wasm, dy), f32(wasm, x), f32(wasm, mean), reluJs(), f32(wasm, dBeta), f32(wasm, dGamma));
  const [dG, dB, is, g, a, b, k] = [dGamma, dBeta, invStd, gamma, ...coef].map((t) => f32(wasm, t)) as Float32Array[] as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  for (let c = 0; c < channels; c++) {
    const inv = is[c] as number;
    const dGammaC = inv * (dG[c] as number);
    const scale = (g[c] as number) * inv;
    dG[c] = dGammaC;
    a[c] = scale;
    b[c] = (-scale * inv * dGammaC) / rows;
    k[c] = (-scale * (dB[c] as number)) / rows;
  }
  if (vectorised) simd.batchNormInputGrad(dy, x, mean, relu, coef, dx, rows, channels);
  else inputGrad(f32(wasm, dy), f32(wasm, x), f32(wasm, mean), reluJs(), a, b, k, f32(wasm, dx));
  release(wasm, ...coef, ...(relu ?? []));
  return [dx, dGamma, dBeta];
};

const evalKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = asWasm(backend);
  const { x, mean, variance, gamma, beta } = inputsOf(inputs, 'x', 'mean', 'variance', 'gamma', 'beta');
  const { eps, relu } = attrs as { eps: number; relu?: boolean };
  const y = wasm.makeOutput(x.shape, 'float32');
  if (layout(x).rows === 0) return y;
  const [scale, shift] = scaleAndShift(wasm, gamma, beta, inverseStd(wasm, variance, eps));
  applyNormalization(wasm, x, mean, scale, shift, y, relu === true);
  release(wasm, scale, shift);
  return y;
};

export function batchNormConfigs(): KernelConfig[] {
  return [
    { kernelName: BATCH_NORM_TRAIN, backendName: 'wasm', kernelFunc: trainKernel },
    { kernelName: BATCH_NORM_GRAD, backendName: 'wasm', kernelFunc: gradKernel },
    { kernelName: BATCH_NORM_EVAL, backendName: 'wasm', kernelFunc: evalKernel },
  ];
}

/**
 * Gradients of the two forward kernels, so that any differentiation through them works, not only the training
 * step's custom op: the inspector's saliency differentiates the model in evaluation mode (running statistics).
 */
export function batchNormGradients(tf: TF): GradConfig[] {
  return [
    {
      // y = (x − μ)·k + β with k = γ/√(σ² + ε): dx = dy·k, dμ = −Σdy·k, dσ² = −½Σdy·(x − μ)·k/(σ² + ε), dγ = Σdy·x̂, dβ = Σdy.
      kernelName: BATCH_NORM_EVAL,
      inputsToSave: ['x', 'mean', 'variance', 'gamma'],
      outputsToSave: [true],
      gradFunc: (dy, saved, attrs) => {
        const [x, mean, variance, gamma, y] = saved as [Tensor, Tensor, Tensor, Tensor, Tensor];
        const g = (attrs as { relu?: boolean }).relu ? tf.mul(dy as Tensor, tf.step(y)) : (dy as Tensor);
        const invStd = tf.rsqrt(tf.add(variance, (attrs as { eps: number }).eps));
        const scale = tf.mul(gamma, invStd);
        const sumDyXc = (): Tensor => channelSum(tf, tf.mul(g, tf.sub(x, mean)));
        return {
          x: () => tf.mul(g, scale),
          mean: () => tf.neg(tf.mul(channelSum(tf, g), scale)),
          variance: () => tf.mul(sumDyXc(), tf.mul(scale, tf.mul(tf.square(invStd), -0.5))),
          gamma: () => tf.mul(sumDyXc(), invStd),
          beta: () => channelSum(tf, g),
        };
      },
    },
    {
      // The batch statistics are functions of x: the backward kernel's dx already accounts for them.
      kernelName: BATCH_NORM_TRAIN,
      inputsToSave: ['x', 'gamma', 'beta'],
      outputsToSave: [false, true, true, true],
      gradFunc: (dys, saved, attrs) => {
        const [x, gamma, beta, mean, variance, invStd] = saved as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
        const dy = (Array.isArray(dys) ? dys[0] : dys) as Tensor;
        const { relu, eps } = attrs as { relu?: boolean; eps: number };
        const inputs: Record<string, Tensor> = relu ? { dy, x, mean, invStd, gamma, variance, beta } : { dy, x, mean, invStd, gamma };
        const grads = (): Tensor[] => tf.engine().runKernel(BATCH_NORM_GRAD, inputs, { eps }) as Tensor[];
        return { x: () => grads()[0] as Tensor, gamma: () => grads()[1] as Tensor, beta: () => grads()[2] as Tensor };
      },
    },
  ];
}
