/**
 * Saliency beyond the plain gradient: SmoothGrad (Smilkov et al. 2017), the gradient averaged over noisy copies of
 * the input, and Integrated Gradients (Sundararajan et al. 2017), the gradient averaged along the straight path
 * from a black image to the input, times (input − black). Copies go through the model in batches, with progress,
 * and a stop request is honoured between batches.
 */
import { Random } from '../../trainer/datasets/random';
import { yieldToEventLoop } from '../../trainer/engine/eventLoop';
import type { Tensor } from '../../trainer/engine/tf';
import { valueRange } from '../image/colormap';
import { CancelledError } from './embeddings';
import { traceForward } from './forward';
import { pixelLevelValues, type InspectInput } from './input';
import type { InspectableRun } from './runModel';
import type { ViewTarget } from './target';

export type SaliencyMethod = 'gradient' | 'smoothgrad' | 'integrated';

export interface AttributionOptions {
  /** Noisy copies (SmoothGrad, default 25) or path steps (Integrated Gradients, default 32). */
  samples?: number;
  /** SmoothGrad's noise: σ as a fraction of the input's value range (default 0.15, as in the paper). */
  noise?: number;
  seed?: number;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  shouldStop?: () => boolean;
}

/** The mean gradient (HWC) over `samples` copies of the input with Gaussian noise. */
export async function smoothGrad(run: InspectableRun, input: InspectInput, target: ViewTarget, options: AttributionOptions = {}): Promise<Float32Array> {
  const samples = Math.max(1, options.samples ?? 25);
  const { min, max } = valueRange(input.x);
  const sigma = (options.noise ?? 0.15) * (max - min || 1);
  const rng = new Random(options.seed ?? 0);
  const sum = await summedGradients(run, input, target, samples, (copy) => {
    for (let i = 0; i < copy.length; i++) copy[i] = input.x[i] + sigma * rng.gaussian();
  }, options);
  return sum.map((v) => v / samples);
}

export interface IntegratedGradients {
  /** (x − baseline) · mean gradient along the path, HWC. Sums to about score(x) − score(baseline). */
  attribution: Float32Array;
  baselineScore: number;
  score: number;
}

/** Integrated Gradients from a black image, with the midpoint rule over `samples` steps. */
export async function integratedGradients(run: InspectableRun, input: InspectInput, target: ViewTarget, options: AttributionOptions = {}): Promise<IntegratedGradients> {
  const steps = Math.max(1, options.samples ?? 32);
  const black = pixelLevelValues(0, input.channels, run.normalize);
  const baseline = Float32Array.from(input.x, (_, i) => black[i % input.channels]);
  let step = 0;
  const sum = await summedGradients(run, input, target, steps, (copy) => {
    const alpha = (step++ + 0.5) / steps;
    for (let i = 0; i < copy.length; i++) copy[i] = baseline[i] + alpha * (input.x[i] - baseline[i]);
  }, options);
  const attribution = sum.map((g, i) => ((input.x[i] - baseline[i]) * g) / steps);
  const [score, baselineScore] = await scores(run, input, target, [input.x, baseline]);
  return { attribution, baselineScore, score };
}

/** Σ over `count` copies (each filled by `fill`) of ∂target/∂copy, HWC. */
async function summedGradients(run: InspectableRun, input: InspectInput, target: ViewTarget, count: number, fill: (copy: Float32Array) => void, options: AttributionOptions): Promise<Float32Array> {
  const { tf } = run;
  const size = input.x.length;
  const batchSize = Math.max(1, options.batchSize ?? 16);
  const sum = new Float32Array(size);
  for (let done = 0; done < count; ) {
    if (options.shouldStop?.()) throw new CancelledError();
    const n = Math.min(batchSize, count - done);
    const images = new Float32Array(n * size);
    for (let b = 0; b < n; b++) fill(images.subarray(b * size, (b + 1) * size));
    const grad = tf.tidy(() => {
      const reference = tf.tensor4d(input.x, [1, input.height, input.width, input.channels]);
      const g = tf.grad((x: Tensor) => tf.sum(target.score(traceForward(run, x), reference)))(tf.tensor4d(images, [n, input.height, input.width, input.channels]));
      return tf.sum(g, 0);
    });
    const data = (await grad.data()) as Float32Array;
    grad.dispose();
    for (let i = 0; i < size; i++) sum[i] += data[i];
    done += n;
    options.onProgress?.(done, count);
    // A cancel message reaches the worker only between macrotasks.
    await yieldToEventLoop();
  }
  return sum;
}

/** The target's value for each image (HWC arrays of the input's size). */
export async function scores(run: InspectableRun, input: InspectInput, target: ViewTarget, images: Float32Array[]): Promise<Float32Array> {
  const { tf } = run;
  const size = input.x.length;
  const batch = new Float32Array(images.length * size);
  images.forEach((im, i) => batch.set(im, i * size));
  const values = tf.tidy(() => {
    const reference = tf.tensor4d(input.x, [1, input.height, input.width, input.channels]);
    return target.score(traceForward(run, tf.tensor4d(batch, [images.length, input.height, input.width, input.channels])), reference);
  });
  const data = (await values.data()) as Float32Array;
  values.dispose();
  return data;
}
