/**
 * Activation maximisation ("what excites this filter", Erhan et al. 2009; Olah et al. 2017): gradient ascent on
 * the input pixels to raise the mean of one channel of a layer, with the usual regularisers: a random jitter (the
 * image is shifted by a few pixels before each step, so the picture cannot rely on exact pixel positions) and a
 * small Gaussian blur every few steps (high frequencies fade). Several channels are optimised at once, one image
 * per channel in one batch. Seeded; progress per step; a stop request is honoured between steps.
 */
import { Random } from '../../trainer/datasets/random';
import { yieldToEventLoop } from '../../trainer/engine/eventLoop';
import type { Tensor, TF } from '../../trainer/engine/tf';
import { traceForward } from './forward';
import type { InspectableRun } from './runModel';

export interface ActivationMaxOptions {
  layer: number;
  channels: number[];
  /** Gradient steps (default 64). */
  steps?: number;
  /** Step in pixel units ([0, 1]) per unit of mean |gradient| (default 0.02). */
  stepSize?: number;
  /** Largest shift in pixels (default 2). */
  jitter?: number;
  /** Blur every this many steps (default 4; 0: never). */
  blurEvery?: number;
  seed?: number;
  onProgress?: (done: number, total: number) => void;
  shouldStop?: () => boolean;
}

export interface ActivationMaxResult {
  /** One image per channel, pixels in [0, 1], HWC, one after another. */
  pixels: Float32Array;
  /** The mean activation of each channel before each step: steps × channels values. */
  history: Float32Array;
  stepsDone: number;
  complete: boolean;
}

export async function activationMax(run: InspectableRun, options: ActivationMaxOptions): Promise<ActivationMaxResult> {
  const { tf } = run;
  const layer = run.analysis.layers.find((l) => l.index === options.layer);
  if (!layer) throw new RangeError(`the model has no layer ${options.layer} (1…${run.analysis.layers.length})`);
  const width = layer.outputShape[0] ?? 1;
  const bad = options.channels.find((ch) => !Number.isInteger(ch) || ch < 0 || ch >= width);
  if (bad !== undefined) throw new RangeError(`layer ${options.layer} has ${width} channels (0…${width - 1}); got ${bad}`);
  const [c, h, w] = run.input;
  const n = options.channels.length;
  const steps = Math.max(1, options.steps ?? 64);
  const stepSize = options.stepSize ?? 0.02;
  const jitter = Math.max(0, Math.floor(options.jitter ?? 2));
  const blurEvery = options.blurEvery ?? 4;
  const rng = new Random(options.seed ?? 0);
  const pixels = Float32Array.from({ length: n * h * w * c }, () => Math.min(1, Math.max(0, 0.5 + 0.1 * rng.gaussian())));
  const mean = run.normalize?.mean ?? [0];
  const std = run.normalize?.std ?? [1];
  const normalise = { mean: tf.tensor1d(Array.from({ length: c }, (_, k) => mean[k % mean.length])), std: tf.tensor1d(Array.from({ length: c }, (_, k) => std[k % std.length])) };
  const oneHot = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(options.channels, 'int32'), width), 'float32'));
  const history = new Float32Array(steps * n);
  let step = 0;
  try {
    for (; step < steps && !options.shouldStop?.(); step++) {
      const dy = rng.int(2 * jitter + 1) - jitter;
      const dx = rng.int(2 * jitter + 1) - jitter;
      const [value, grad] = tf.tidy(() => {
        const objective = (p: Tensor): Tensor => {
          const x = tf.div(tf.sub(roll(tf, p, dy, dx), normalise.mean), normalise.std);
          const out = traceForward(run, x, { keep: new Set([options.layer]) }).outputs.get(options.layer) as Tensor;
          const perChannel = out.shape.length === 4 ? tf.mean(out, [1, 2]) : tf.reshape(out, [n, -1]);
          return tf.sum(tf.mul(perChannel, oneHot), 1);
        };
        const r = tf.valueAndGrad(objective)(tf.tensor4d(pixels, [n, h, w, c]));
        // Each image's gradient scaled to mean |g| = 1: channels with weak gradients move as fast as strong ones.
        const scale = tf.add(tf.mean(tf.abs(r.grad), [1, 2, 3], true), 1e-12);
        return [r.value, tf.div(r.grad, scale)];
      });
      history.set((await value.data()) as Float32Array, step * n);
      const g = (await grad.data()) as Float32Array;
      tf.dispose([value, grad]);
      for (let i = 0; i < pixels.length; i++) pixels[i] = Math.min(1, Math.max(0, pixels[i] + stepSize * g[i]));
      if (blurEvery > 0 && (step + 1) % blurEvery === 0) blurInPlace(pixels, n, h, w, c);
      options.onProgress?.(step + 1, steps);
      // A cancel message reaches the worker only between macrotasks.
      await yieldToEventLoop();
    }
  } finally {
    tf.dispose([normalise.mean, normalise.std, oneHot]);
  }
  return { pixels, history: history.slice(0, step * n), stepsDone: step, complete: step === steps };
}

/** `x` (NHWC) shifted by (dy, dx) pixels, wrapping around. */
function roll(tf: TF, x: Tensor, dy: number, dx: number): Tensor {
  const shift = (t: Tensor, axis: number, by: number): Tensor => {
    const size = t.shape[axis] as number;
    const k = ((by % size) + size) % size;
    if (k === 0) return t;
    const begin = [0, 0, 0, 0];
    const head = [-1, -1, -1, -1];
    head[axis] = size - k;
    const tailBegin = [...begin];
    tailBegin[axis] = size - k;
    return tf.concat([tf.slice(t, tailBegin, Array.from({ length: 4 }, (_, i) => (i === axis ? k : -1))), tf.slice(t, begin, head)], axis);
  };
  return shift(shift(x, 1, dy), 2, dx);
}

/** A 3×3 blur ([1, 2, 1]/4 in each direction, edges repeated) of each image and channel. */
function blurInPlace(pixels: Float32Array, n: number, h: number, w: number, c: number): void {
  const k = [0.25, 0.5, 0.25];
  const tmp = new Float32Array(pixels.length);
  const at = (b: number, y: number, x: number, ch: number): number => ((b * h + y) * w + x) * c + ch;
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let ch = 0; ch < c; ch++) {
          let s = 0;
          for (let d = -1; d <= 1; d++) s += k[d + 1] * pixels[at(b, y, Math.min(w - 1, Math.max(0, x + d)), ch)];
          tmp[at(b, y, x, ch)] = s;
        }
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let ch = 0; ch < c; ch++) {
          let s = 0;
          for (let d = -1; d <= 1; d++) s += k[d + 1] * tmp[at(b, Math.min(h - 1, Math.max(0, y + d)), x, ch)];
          pixels[at(b, y, x, ch)] = s;
        }
}
