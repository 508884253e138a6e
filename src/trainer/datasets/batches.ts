/**
 * Batches for the training loop: uint8 HWC images become float32 NHWC in [0, 1], then go through the
 * pipeline's per-batch transforms (the caller passes the train or the test pipeline). A pipeline that only
 * normalises uses 256-entry lookup tables instead. The order of an epoch is a seeded permutation, so every
 * epoch differs and every run repeats. Input noise (denoising) corrupts x in [0, 1] pixel units, after the
 * pipeline's other steps and before its trailing Normalize; the batch then also carries the clean images.
 */
import type { NoiseConfig, TransformStep } from '../../model/types';
import { normalizationOnly, runPipeline, runPipelineWithTargets } from '../transforms/pipeline';
import { imageSize } from './imageset';
import { gatherObjects, objectsOf, packObjects, type ImageObject, type ObjectBoxes } from './objectBoxes';
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

/**
 * One batch's pipeline work, self-contained so a worker thread can run it: the stored pixels of its images and
 * the seeds of its random streams. Seeds are drawn per batch (not one stream per epoch), so a batch's augmentations
 * do not depend on which thread ran the batches before it: the same seed gives the same batches however they are
 * scheduled.
 */
export interface BatchJob {
  /** `labels.length` stored images, one after another (uint8 HWC). */
  pixels: Uint8Array;
  labels: Int32Array;
  /** Their masks (H×W class indices each) when the set has masks: geometric steps move them with the images. */
  masks?: Uint8Array;
  /** Their objects when the set has them (detection): geometric steps move the boxes with the images. */
  objects?: ObjectBoxes;
  height: number;
  width: number;
  channels: number;
  steps: readonly TransformStep[];
  noise?: NoiseConfig;
  augmentSeed: number;
  noiseSeed: number;
}

/** An epoch's batches in order: ready (lookup-table conversion, cheaper than any hand-off) or a job to run. */
export type PlannedBatch = { batch: Batch; job?: undefined } | { job: BatchJob; batch?: undefined };

/** Whether batches with these steps run a pipeline per image (worth a batch worker) rather than lookup tables. */
export function runsPerImage(steps: readonly TransformStep[] | undefined, noise?: NoiseConfig): boolean {
  return !!noise || normalizationOnly(steps ?? []) === undefined;
}

/** Plans the set's batches for one epoch (or one evaluation pass). */
export function* planBatches(set: ImageSet, options: BatchOptions): Generator<PlannedBatch> {
  const { batchSize } = options;
  const epoch = options.epoch ?? 0;
  const order = options.shuffle ? permutation(set.count, deriveSeed(options.seed, 'epoch', epoch)) : null;
  const steps = options.transforms ?? [];
  const normalization = options.noise ? undefined : normalizationOnly(steps);
  const tables = normalization === undefined ? undefined : byteTables(set.channels, normalization ?? undefined);
  const size = imageSize(set);
  for (let start = 0, index = 0; start < set.count; start += batchSize, index++) {
    const n = Math.min(batchSize, set.count - start);
    if (n < batchSize && options.dropLast) return;
    const y = new Int32Array(n);
    const at = (i: number) => (order ? order[start + i] : start + i);
    for (let i = 0; i < n; i++) y[i] = set.labels[at(i)];
    const masks = set.masks ? gatherRows(set.masks, set.height * set.width, n, at) : undefined;
    const objects = set.objects ? gatherObjects(set.objects, Array.from({ length: n }, (_, i) => at(i))) : undefined;
    const targets = { ...(masks ? { masks } : {}), ...(objects ? { objects } : {}) };
    if (set.features) {
      yield { batch: { x: gatherRows(set.features, size, n, at), y, size: n, height: set.height, width: set.width, channels: set.channels } };
      continue;
    }
    if (tables) {
      const x = new Float32Array(n * size);
      for (let i = 0; i < n; i++) convertWithTables(set.images, at(i) * size, x.subarray(i * size, (i + 1) * size), tables);
      yield { batch: { x, y, size: n, height: set.height, width: set.width, channels: set.channels, ...targets } };
      continue;
    }
    const pixels = new Uint8Array(n * size);
    for (let i = 0; i < n; i++) pixels.set(set.images.subarray(at(i) * size, (at(i) + 1) * size), i * size);
    const seeds = { augmentSeed: deriveSeed(options.seed, 'augment', epoch, index), noiseSeed: deriveSeed(options.seed, 'noise', epoch, index) };
    yield { job: { pixels, labels: y, ...targets, height: set.height, width: set.width, channels: set.channels, steps, noise: options.noise, ...seeds } };
  }
}

/** Runs a batch's pipeline on each of its images (in this thread or a batch worker's). */
export function runBatchJob(job: BatchJob): Batch {
  const n = job.labels.length;
  const size = job.height * job.width * job.channels;
  const rng = new Random(job.augmentSeed);
  const noiseRng = job.noise ? new Random(job.noiseSeed) : null;
  const [pixelSteps, normalizeSteps] = splitTrailingNormalize(job.steps);
  let x: Float32Array | undefined;
  let clean: Float32Array | undefined;
  let masks: Uint8Array | undefined;
  const objects: ImageObject[][] = [];
  let dims = { height: job.height, width: job.width, channels: job.channels };
  const maskSize = job.height * job.width;
  for (let i = 0; i < n; i++) {
    const data = new Float32Array(size);
    toUnitFloat(job.pixels, i * size, data);
    const mask = job.masks ? { data: Float32Array.from(job.masks.subarray(i * maskSize, (i + 1) * maskSize)), height: job.height, width: job.width, channels: 1 } : undefined;
    const boxes = job.objects ? objectsOf(job.objects, i) : undefined;
    const moved = runPipelineWithTargets({ data, height: job.height, width: job.width, channels: job.channels }, { mask, objects: boxes }, pixelSteps, rng);
    if (moved.objects) objects.push([...moved.objects]);
    const pixels = moved.image;
    const image = runPipeline(noiseRng ? { ...pixels, data: pixels.data.slice() } : pixels, normalizeSteps, rng);
    const out = image.data;
    dims = { height: image.height, width: image.width, channels: image.channels };
    x ??= new Float32Array(n * out.length);
    if (out.length * n !== x.length) throw new Error(`the pipeline gave images of ${out.length} values after images of ${x.length / n}`);
    if (moved.mask) {
      masks ??= new Uint8Array(n * moved.mask.data.length);
      masks.set(moved.mask.data, i * moved.mask.data.length);
    }
    if (noiseRng && job.noise) {
      clean ??= new Float32Array(x.length);
      clean.set(out, i * out.length);
      applyNoise(pixels.data, pixels, job.noise, noiseRng);
      x.set(runPipeline(pixels, normalizeSteps, rng).data, i * out.length);
    } else {
      x.set(out, i * out.length);
    }
  }
  const batch: Batch = { x: x ?? new Float32Array(0), y: job.labels, size: n, ...dims };
  if (masks) batch.masks = masks;
  if (job.objects) batch.objects = packObjects(objects);
  return clean ? { ...batch, clean } : batch;
}

/** Yields the set in batches of float32 NHWC pixels and int32 labels, computed in this thread. */
export function* batches(set: ImageSet, options: BatchOptions): Generator<Batch> {
  for (const planned of planBatches(set, options)) yield planned.batch ?? runBatchJob(planned.job);
}

/** The steps before a pipeline's trailing Normalize steps, and those: input noise goes between them. */
export function splitTrailingNormalize(steps: readonly TransformStep[]): [readonly TransformStep[], readonly TransformStep[]] {
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

/** Entries at(0) … at(n − 1) of `size` values each, one after another: a batch's masks or cached features. */
function gatherRows<T extends Uint8Array | Float32Array>(rows: T, size: number, n: number, at: (i: number) => number): T {
  const out = (rows instanceof Float32Array ? new Float32Array(n * size) : new Uint8Array(n * size)) as T;
  for (let i = 0; i < n; i++) out.set(rows.subarray(at(i) * size, (at(i) + 1) * size), i * size);
  return out;
}

function toUnitFloat(images: Uint8Array, offset: number, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = images[offset + i] * (1 / 255);
}

/** The buffers a batch's arrays own: its transfer list when it is posted to another thread. */
export function batchBuffers(batch: Batch): ArrayBuffer[] {
  const objects = batch.objects ? [batch.objects.start, batch.objects.classes, batch.objects.boxes] : [];
  return [batch.x, batch.y, ...(batch.clean ? [batch.clean] : []), ...(batch.masks ? [batch.masks] : []), ...objects].map((a) => a.buffer as ArrayBuffer);
}
