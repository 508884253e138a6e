/**
 * Occlusion sensitivity (Zeiler & Fergus, 2014): slide a grey patch over the input and record how much the
 * class score drops at each position. Occluded copies are evaluated in batches (split among data-parallel workers
 * when given: each copy is an independent forward pass); progress is reported per batch and a stop request is
 * honoured between batches.
 */
import { yieldToEventLoop } from '../../trainer/engine/eventLoop';
import { localScores, type ScoreRunner } from '../../trainer/engine/classScores';
import { greyValues, type InspectInput } from './input';
import type { InspectableRun } from './runModel';
import { checkClass } from './saliency';

export interface OcclusionOptions {
  classIndex: number;
  /** Patch side in pixels (default ⌈min(H, W)/7⌉). */
  patch?: number;
  /** Step between patches (default patch/2, at least 1). */
  stride?: number;
  /** 'probability' (softmax, default) or 'score' (the raw class score). */
  measure?: 'probability' | 'score';
  /** Occluded images per forward pass (default 32). */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  shouldStop?: () => boolean;
  /** Computes the copies' class scores (data-parallel workers); default in this thread. */
  scores?: ScoreRunner;
}

export interface OcclusionMap {
  /** Patch positions (top-left corners) along each axis. */
  rowStarts: number[];
  colStarts: number[];
  patch: number;
  stride: number;
  /** Unoccluded value of the measure. */
  baseline: number;
  /** baseline − occluded value, per patch position (rows × cols). */
  drops: Float32Array;
  /** Per pixel: mean drop of the patches that cover it (H × W). */
  pixelDrops: Float32Array;
  height: number;
  width: number;
  /** False when stopped early (the maps hold the positions done so far, zeros elsewhere). */
  complete: boolean;
}

/** Top-left corners along an axis of length n: every stride, plus the last fitting one so that the edge is covered. */
export function patchStarts(n: number, patch: number, stride: number): number[] {
  const starts: number[] = [];
  for (let s = 0; s + patch <= n; s += stride) starts.push(s);
  if (starts.length === 0) return [0];
  if (starts[starts.length - 1] + patch < n) starts.push(n - patch);
  return starts;
}

/** Computes the occlusion map of one input for one class. */
export async function occlusion(run: InspectableRun, input: InspectInput, options: OcclusionOptions): Promise<OcclusionMap> {
  checkClass(run, options.classIndex);
  const { height: h, width: w, channels: c } = input;
  const patch = Math.max(1, Math.min(Math.round(options.patch ?? Math.ceil(Math.min(h, w) / 7)), h, w));
  const stride = Math.max(1, Math.round(options.stride ?? Math.max(1, Math.floor(patch / 2))));
  const rowStarts = patchStarts(h, patch, stride);
  const colStarts = patchStarts(w, patch, stride);
  const total = rowStarts.length * colStarts.length;
  const grey = greyValues(c, run.normalize);
  const measure = options.measure ?? 'probability';
  const batchSize = Math.max(1, options.batchSize ?? 32);
  const scoresOf = (options.scores ?? localScores).scoresPass(run.tf, run.model, run.analysis.graph);
  const evaluate = async (images: Float32Array, n: number): Promise<Float32Array> => {
    const rows = await scoresOf({ images, shape: [n, h, w, c] });
    const values = run.tf.tidy(() => {
      const scores = run.tf.tensor2d(rows, [n, rows.length / n]);
      const m = measure === 'probability' ? run.tf.softmax(scores) : scores;
      return run.tf.slice(m, [0, options.classIndex], [n, 1]);
    });
    const data = (await values.data()) as Float32Array;
    values.dispose();
    return data;
  };
  const baseline = (await evaluate(input.x, 1))[0];
  const drops = new Float32Array(total);
  let done = 0;
  const size = h * w * c;
  while (done < total && !options.shouldStop?.()) {
    const n = Math.min(batchSize, total - done);
    const images = new Float32Array(n * size);
    for (let b = 0; b < n; b++) {
      const position = done + b;
      const copy = images.subarray(b * size, (b + 1) * size);
      copy.set(input.x);
      fillPatch(copy, w, c, rowStarts[Math.floor(position / colStarts.length)], colStarts[position % colStarts.length], patch, grey);
    }
    const values = await evaluate(images, n);
    for (let b = 0; b < n; b++) drops[done + b] = baseline - values[b];
    done += n;
    options.onProgress?.(done, total);
    // A cancel message reaches the worker only between macrotasks.
    await yieldToEventLoop();
  }
  return { rowStarts, colStarts, patch, stride, baseline, drops, pixelDrops: spreadToPixels(drops, rowStarts, colStarts, patch, h, w, done), height: h, width: w, complete: done === total };
}

function fillPatch(image: Float32Array, width: number, channels: number, top: number, left: number, patch: number, grey: number[]): void {
  for (let y = top; y < top + patch; y++) {
    for (let x = left; x < left + patch; x++) {
      const o = (y * width + x) * channels;
      for (let k = 0; k < channels; k++) image[o + k] = grey[k];
    }
  }
}

/** Mean drop of the patches covering each pixel (only the first `done` positions count). */
function spreadToPixels(drops: Float32Array, rowStarts: number[], colStarts: number[], patch: number, h: number, w: number, done: number): Float32Array {
  const sum = new Float32Array(h * w);
  const count = new Float32Array(h * w);
  for (let p = 0; p < done; p++) {
    const top = rowStarts[Math.floor(p / colStarts.length)];
    const left = colStarts[p % colStarts.length];
    for (let y = top; y < top + patch; y++) {
      for (let x = left; x < left + patch; x++) {
        sum[y * w + x] += drops[p];
        count[y * w + x] += 1;
      }
    }
  }
  return sum.map((s, i) => (count[i] > 0 ? s / count[i] : 0));
}
