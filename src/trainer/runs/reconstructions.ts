/**
 * Test results of a reconstruction run: `reconstructions.json` holds every test image's reconstruction error (MSE
 * in [0, 1] pixel units) and label, the per-class mean errors and, for an anomaly detector (data.include_classes),
 * the ROC curve, its AUC and the Youden-J threshold. The results panel's bars, histogram and ROC read it.
 * `reconstructions.bin` holds a bounded sample of test images with their reconstructions (reconstructionSamples.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReconstructionMetrics } from '../../protocol/runTypes';
import type { ImageSet } from '../datasets/types';
import { anomalyRoc, imageErrors, reconstructionMetrics, type ToPixel } from '../tasks/reconstructionErrors';
import type { TestRecorder } from '../tasks/types';
import { writeFileAtomic, writeJsonAtomic } from './atomic';
import { readReconstructionSlots, RECONSTRUCTION_IMAGES_FILE, ReconstructionSampler, type SampleLimits } from './reconstructionSamples';

export const RECONSTRUCTIONS_FILE = 'reconstructions.json';

export interface ReconstructionsIndex extends ReconstructionMetrics {
  version: 1;
  classes: string[];
  /** Per test image, in test-set order. */
  labels: number[];
  errors: number[];
  /** The ROC curve's corners (false-positive rate, true-positive rate); empty without excluded classes. */
  roc: Array<[number, number]>;
  /** Image size of reconstructions.bin, and the test indices it holds in file order (absent in older runs). */
  height?: number;
  width?: number;
  channels?: number;
  stored?: number[];
}

export class ReconstructionRecorder implements TestRecorder {
  private readonly labels: number[] = [];
  private readonly errors: number[] = [];
  private sampler: ReconstructionSampler | undefined;
  private geometry = { height: 0, width: 0, channels: 0 };

  constructor(private readonly classes: string[], private readonly included: number[] | null, private readonly toPixel: ToPixel, private readonly limits: SampleLimits = {}) {}

  addBatch(set: ImageSet, start: number, labels: ArrayLike<number>, outputs: ArrayLike<number>): void {
    const errors = imageErrors(set, start, labels.length, outputs, this.toPixel);
    const size = set.height * set.width * set.channels;
    this.geometry = { height: set.height, width: set.width, channels: set.channels };
    this.sampler ??= new ReconstructionSampler(size, this.limits);
    const normal = this.included ? new Set(this.included) : null;
    for (let i = 0; i < labels.length; i++) {
      this.labels.push(labels[i]);
      this.errors.push(errors[i]);
      const index = start + i;
      this.sampler.offer(index, errors[i], normal && !normal.has(labels[i]) ? 1 : 0, () => ({
        input: set.images.slice(index * size, (index + 1) * size),
        output: Uint8Array.from({ length: size }, (_, j) => Math.round(Math.min(1, Math.max(0, this.toPixel(outputs[i * size + j], j % set.channels))) * 255)),
      }));
    }
  }

  get count(): number {
    return this.errors.length;
  }

  write(dir: string): void {
    const roc = anomalyRoc(this.errors, this.labels, this.included);
    const metrics = reconstructionMetrics(this.errors, this.labels, this.classes.length, this.included, roc);
    const kept = this.sampler?.kept() ?? [];
    const size = this.geometry.height * this.geometry.width * this.geometry.channels;
    const bytes = new Uint8Array(kept.length * 2 * size);
    kept.forEach((k, slot) => {
      bytes.set(k.input, slot * 2 * size);
      bytes.set(k.output, (slot * 2 + 1) * size);
    });
    writeFileAtomic(join(dir, RECONSTRUCTION_IMAGES_FILE), bytes);
    const index: ReconstructionsIndex = {
      version: 1, classes: this.classes, ...metrics, labels: this.labels,
      errors: this.errors.map((e) => Number(e.toPrecision(6))), roc: roc?.points ?? [],
      ...this.geometry, stored: kept.map((k) => k.index),
    };
    writeJsonAtomic(join(dir, RECONSTRUCTIONS_FILE), index);
  }
}

/** Test images whose error is in [lo, hi) (or [lo, hi] with `includeHi`), with their reconstructions when stored. */
export interface ErrorRangeSamples {
  /** Test images in the range (all of them, not only those stored). */
  total: number;
  height: number;
  width: number;
  channels: number;
  samples: Array<{ index: number; label: number; error: number; input: Uint8Array; output: Uint8Array }>;
}

/** Pixel bytes one error-range answer carries at most (before base64), unless that leaves fewer than 4 images. */
const ANSWER_BYTES = 4 * 1024 * 1024;

/** Up to `limit` stored images of an error range, spread over the range, by error; null without reconstructions.json. */
export async function readErrorRangeSamples(dir: string, lo: number, hi: number, includeHi: boolean, limit = 24): Promise<ErrorRangeSamples | null> {
  const index = await readReconstructions(dir);
  if (!index) return null;
  const inRange = (e: number): boolean => e >= lo && (e < hi || (includeHi && e === hi));
  const total = index.errors.filter(inRange).length;
  const { height = 0, width = 0, channels = 0, stored = [] } = index;
  // Large images: fewer of them, so one answer stays a few megabytes.
  limit = Math.min(limit, Math.max(4, Math.floor(ANSWER_BYTES / Math.max(1, 2 * height * width * channels))));
  const candidates = stored.map((testIndex, slot) => ({ testIndex, slot, error: index.errors[testIndex] })).filter((c) => c.error !== undefined && inRange(c.error)).sort((a, b) => a.error - b.error);
  // Evenly spaced through the range's errors, so the lowest and highest are both shown.
  const step = candidates.length / Math.min(limit, candidates.length);
  const chosen = candidates.length <= limit ? candidates : Array.from({ length: limit }, (_, k) => candidates[Math.floor(k * step)]);
  const pixels = chosen.length && height * width * channels > 0 ? await readReconstructionSlots(join(dir, RECONSTRUCTION_IMAGES_FILE), chosen.map((c) => c.slot), height * width * channels) : [];
  const samples = chosen.flatMap((c, k) => {
    const p = pixels[k];
    return p ? [{ index: c.testIndex, label: index.labels[c.testIndex], error: c.error, input: p.input, output: p.output }] : [];
  });
  return { total, height, width, channels, samples };
}

/** reconstructions.json of a run folder, or null when there is none (or it is unreadable). */
export async function readReconstructions(dir: string): Promise<ReconstructionsIndex | null> {
  try {
    const value = JSON.parse(await readFile(join(dir, RECONSTRUCTIONS_FILE), 'utf8')) as ReconstructionsIndex;
    return value.version === 1 && Array.isArray(value.errors) && Array.isArray(value.labels) ? value : null;
  } catch {
    return null;
  }
}
