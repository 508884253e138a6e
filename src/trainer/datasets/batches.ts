/**
 * Batches for the training loop: uint8 HWC images become float32 NHWC in [0, 1], augmented when asked
 * (training batches only; the caller decides) and normalised per channel, (x − mean) / std.
 * The order of an epoch is a seeded permutation, so every epoch differs and every run repeats. Input noise
 * (denoising) corrupts x after augmentation; the batch then also carries the clean images.
 */
import type { NoiseConfig } from '../../model/types';
import { augmentImage, type ImageGeometry } from './augment';
import { imageSize } from './imageset';
import { applyNoise } from './noise';
import { deriveSeed, permutation, Random } from './random';
import type { AugmentConfig, Batch, ImageSet } from './types';

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
  augment?: AugmentConfig;
  normalize?: Normalization;
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
  const rng = options.augment ? new Random(deriveSeed(options.seed, 'augment', options.epoch ?? 0)) : null;
  const noiseRng = options.noise ? new Random(deriveSeed(options.seed, 'noise', options.epoch ?? 0)) : null;
  const size = imageSize(set);
  const geometry: ImageGeometry = { height: set.height, width: set.width, channels: set.channels };
  const tables = byteTables(set.channels, options.normalize);
  const work = new Float32Array(size);
  const scratch = new Float32Array(size);
  for (let start = 0; start < set.count; start += batchSize) {
    const n = Math.min(batchSize, set.count - start);
    if (n < batchSize && options.dropLast) return;
    const x = new Float32Array(n * size);
    const y = new Int32Array(n);
    const clean = noiseRng ? new Float32Array(n * size) : undefined;
    for (let i = 0; i < n; i++) {
      const index = order ? order[start + i] : start + i;
      y[i] = set.labels[index];
      const out = (clean ?? x).subarray(i * size, (i + 1) * size);
      let pixels: Float32Array | undefined;
      if (rng && options.augment) {
        toUnitFloat(set.images, index * size, work);
        pixels = augmentImage(work, scratch, geometry, options.augment, rng);
        normalizeInto(pixels, out, set.channels, options.normalize);
      } else {
        convertWithTables(set.images, index * size, out, tables);
      }
      if (noiseRng && options.noise) {
        if (!pixels) toUnitFloat(set.images, index * size, (pixels = work));
        applyNoise(pixels, geometry, options.noise, noiseRng);
        normalizeInto(pixels, x.subarray(i * size, (i + 1) * size), set.channels, options.normalize);
      }
    }
    yield clean ? { x, y, size: n, clean } : { x, y, size: n };
  }
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

function normalizeInto(src: Float32Array, out: Float32Array, channels: number, normalize: Normalization | undefined): void {
  if (!normalize) {
    out.set(src);
    return;
  }
  for (let c = 0; c < channels; c++) {
    const mean = normalize.mean[c % normalize.mean.length];
    const inv = 1 / normalize.std[c % normalize.std.length];
    for (let i = c; i < out.length; i += channels) out[i] = (src[i] - mean) * inv;
  }
}
