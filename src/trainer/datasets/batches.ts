/**
 * Batches for the training loop: uint8 HWC images become float32 NHWC in [0, 1], then go through the
 * pipeline's per-batch transforms (the caller passes the train or the test pipeline). A pipeline that only
 * normalises uses 256-entry lookup tables instead. The order of an epoch is a seeded permutation, so every
 * epoch differs and every run repeats. Input noise (denoising) corrupts x in [0, 1] pixel units, after the
 * pipeline's other steps and before its trailing Normalize; the batch then also carries the clean images.
 */
import type { NoiseConfig, TransformStep } from '../../model/types';
import { normalizationOnly, runPipeline } from '../transforms/pipeline';
import { imageSize } from './imageset';
import { applyNoise } from './noise';
import { deriveSeed, permutation, Random } from './random';
import type { Batch, ImageSet } from './types';

export interface Normalization {
  /** Per-channel mean and standard deviation, in [0, 1] units; one value applies to every channel. */
  mean: number[];
  std: number[];
}

export interface BatchOptions {
  batchSize: number;
  shuffle: boolean;
  seed: number;
  /** Epoch number: with the seed, it chooses this epoch's order and augmentations. Default 0. */
  epoch?: number;
  /** Transforms applied to each image in this order (after the ones applied when the images were stored). */
  transforms?: readonly TransformStep[];
  /** Noise on x only (seeded with the seed and epoch); the batch gets the clean images as well. */
  noise?: NoiseConfig;
  /** Skip a last batch smaller than batchSize (default false: it is yielded). */
  dropLast?: boolean;
}

/** 256-entry lookup tables per channel: byte value → normalised float, so conversion is one read. */
function byteTables(channels: number, normalize: Normalization | undefined): Float32Array[] {
  return Array.from({ length: channels }, (_, c) => {
    const table = new Float32Array(256);
    for (let v = 0; v < 256; v++) table[v] = normalizeValue(v / 255, c, normalize);
    return table;
  });
}

function normalizeValue(x: number, channel: number, normalize: Normalization | undefined): number {
  if (!normalize) return x;
  const mean = normalize.mean[channel % normalize.mean.length];
  const std = normalize.std[channel % normalize.std.length];
  return (x - mean) / std;
}

/** Yields the set in batches of float32 NHWC pixels and int32 labels. */
export function* batches(set: ImageSet, options: BatchOptions): Generator<Batch> {
  const { batchSize } = options;
  const order = options.shuffle ? permutation(set.count, deriveSeed(options.seed, 'epoch', options.epoch ?? 0)) : null;
  const steps = options.transforms ?? [];
  const normalization = options.noise ? undefined : normalizationOnly(steps);
  const tables = normalization === undefined ? undefined : byteTables(set.channels, normalization ?? undefined);
  const rng = new Random(deriveSeed(options.seed, 'augment', options.epoch ?? 0));
  const noiseRng = options.noise ? new Random(deriveSeed(options.seed, 'noise', options.epoch ?? 0)) : null;
  const [pixelSteps, normalizeSteps] = splitTrailingNormalize(steps);
  const size = imageSize(set);
  for (let start = 0; start < set.count; start += batchSize) {
    const n = Math.min(batchSize, set.count - start);
    if (n < batchSize && options.dropLast) return;
    let x: Float32Array | undefined;
    let dims = { height: set.height, width: set.width, channels: set.channels };
    const y = new Int32Array(n);
    let clean: Float32Array | undefined;
    for (let i = 0; i < n; i++) {
      const index = order ? order[start + i] : start + i;
      y[i] = set.labels[index];
      if (tables) {
        x ??= new Float32Array(n * size);
        convertWithTables(set.images, index * size, x.subarray(i * size, (i + 1) * size), tables);
        continue;
      }
      const data = new Float32Array(size);
      toUnitFloat(set.images, index * size, data);
      const pixels = runPipeline({ data, height: set.height, width: set.width, channels: set.channels }, pixelSteps, rng);
      const image = runPipeline(noiseRng ? { ...pixels, data: pixels.data.slice() } : pixels, normalizeSteps, rng);
      const out = image.data;
      dims = { height: image.height, width: image.width, channels: image.channels };
      x ??= new Float32Array(n * out.length);
      if (out.length * n !== x.length) throw new Error(`the pipeline gave images of ${out.length} values after images of ${x.length / n}`);
      if (noiseRng && options.noise) {
        clean ??= new Float32Array(x.length);
        clean.set(out, i * out.length);
        applyNoise(pixels.data, pixels, options.noise, noiseRng);
        x.set(runPipeline(pixels, normalizeSteps, rng).data, i * out.length);
      } else {
        x.set(out, i * out.length);
      }
    }
    const batch = { x: x ?? new Float32Array(0), y, size: n, ...dims };
    yield clean ? { ...batch, clean } : batch;
  }
}

/** The steps before a pipeline's trailing Normalize steps, and those: input noise goes between them. */
function splitTrailingNormalize(steps: readonly TransformStep[]): [readonly TransformStep[], readonly TransformStep[]] {
  let n = steps.length;
  while (n > 0 && steps[n - 1].type === 'Normalize') n--;
  return [steps.slice(0, n), steps.slice(n)];
}

/** One image as float32 HWC, in [0, 1] or normalised: for prediction and inspection. */
export function imageToFloat(set: ImageSet, index: number, normalize?: Normalization): Float32Array {
  const out = new Float32Array(imageSize(set));
  convertWithTables(set.images, index * out.length, out, byteTables(set.channels, normalize));
  return out;
}

/** Number of batches an epoch yields. */
export function batchCount(count: number, batchSize: number, dropLast = false): number {
  return dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}

function convertWithTables(images: Uint8Array, offset: number, out: Float32Array, tables: Float32Array[]): void {
  const channels = tables.length;
  if (channels === 1) {
    const t = tables[0];
    for (let i = 0; i < out.length; i++) out[i] = t[images[offset + i]];
    return;
  }
  for (let i = 0; i < out.length; i++) out[i] = tables[i % channels][images[offset + i]];
}

function toUnitFloat(images: Uint8Array, offset: number, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = images[offset + i] * (1 / 255);
}
