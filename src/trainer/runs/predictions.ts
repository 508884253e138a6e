/**
 * Test predictions of a run, for the confusion matrix's "which images are these?": `predictions.json` holds the
 * true class, predicted class and confidence of every test sample; `predictions.bin` holds the uint8 pixels (HWC)
 * of up to `perCellLimit` samples per (true, predicted) cell, so a run folder stays small (Fashion-MNIST: at most
 * 10×10×24 images of 784 bytes) while every cell can show thumbnails. Both files are written atomically.
 *
 * The engine's test pass (runTraining) feeds a PredictionRecorder batch by batch with the outputs it computed its
 * metrics from, and writes it into the run folder; the Training panel reads cells back with readCellSamples.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { FILE_LIMITS, readUserText } from '../../files/readUserFile';
import type { LossName } from '../../model/types';
import type { ImageSet } from '../datasets/types';
import { argMax } from '../engine/argMax';
import { writeFileAtomic, writeJsonAtomic } from './atomic';

export const PREDICTION_FILES = { index: 'predictions.json', images: 'predictions.bin' } as const;

/** Thumbnails kept per confusion-matrix cell. */
export const DEFAULT_PER_CELL_LIMIT = 24;

/** predictions.json. */
export interface PredictionsIndex {
  version: 1;
  classes: string[];
  height: number;
  width: number;
  channels: number;
  /** Per test sample, in test-set order. */
  truth: number[];
  predicted: number[];
  /** Probability of the predicted class, rounded to 4 decimals. */
  confidence: number[];
  /** Test indices whose pixels are in predictions.bin, in file order. */
  stored: number[];
  perCellLimit: number;
}

/** One test sample of a cell, with its pixels. */
export interface StoredSample {
  index: number;
  truth: number;
  predicted: number;
  confidence: number;
  pixels: Uint8Array;
}

export interface CellSamples {
  /** Test samples in the cell (all of them, not only those with pixels). */
  total: number;
  samples: StoredSample[];
  height: number;
  width: number;
  channels: number;
}

/** Collects the test pass's predictions; `write` puts them into a run folder. */
export class PredictionRecorder {
  private readonly truth: number[] = [];
  private readonly predicted: number[] = [];
  private readonly confidence: number[] = [];
  private readonly stored: number[] = [];
  private readonly images: Uint8Array[] = [];
  private readonly perCell = new Map<number, number>();
  private geometry = { height: 0, width: 0, channels: 0 };

  private readonly classes: string[];

  constructor(
    classes: readonly string[],
    private readonly loss: LossName,
    private readonly perCellLimit = DEFAULT_PER_CELL_LIMIT,
  ) {
    this.classes = [...classes];
  }

  /**
   * One evaluation batch: `outputs` are the model's raw outputs (batch × classes, row-major) for the samples
   * `start … start + labels.length − 1` of `set`, in order.
   */
  addBatch(set: ImageSet, start: number, labels: ArrayLike<number>, outputs: ArrayLike<number>): void {
    const k = this.classes.length;
    const size = set.height * set.width * set.channels;
    this.geometry = { height: set.height, width: set.width, channels: set.channels };
    for (let i = 0; i < labels.length; i++) {
      const row = Array.from({ length: k }, (_, c) => outputs[i * k + c]);
      // The arg-max of the raw outputs, as the confusion matrix counts it (clamped probabilities can tie).
      const predicted = argMax(row);
      const probabilities = toProbabilities(row, this.loss);
      const truth = labels[i];
      const index = start + i;
      this.truth.push(truth);
      this.predicted.push(predicted);
      this.confidence.push(Math.round(probabilities[predicted] * 1e4) / 1e4);
      const cell = truth * k + predicted;
      const kept = this.perCell.get(cell) ?? 0;
      if (kept < this.perCellLimit) {
        this.perCell.set(cell, kept + 1);
        this.stored.push(index);
        this.images.push(set.images.slice(index * size, (index + 1) * size));
      }
    }
  }

  /** Samples recorded so far. */
  get count(): number {
    return this.truth.length;
  }

  /** Writes predictions.bin, then predictions.json (the index is what readers open first). */
  write(dir: string): void {
    const bytes = new Uint8Array(this.images.reduce((n, image) => n + image.length, 0));
    let offset = 0;
    for (const image of this.images) {
      bytes.set(image, offset);
      offset += image.length;
    }
    writeFileAtomic(join(dir, PREDICTION_FILES.images), bytes);
    const index: PredictionsIndex = {
      version: 1, classes: this.classes, ...this.geometry,
      truth: this.truth, predicted: this.predicted, confidence: this.confidence, stored: this.stored, perCellLimit: this.perCellLimit,
    };
    writeJsonAtomic(join(dir, PREDICTION_FILES.index), index);
  }
}

/** Class probabilities from one output row, by what the loss says the output is. */
export function toProbabilities(row: number[], loss: LossName): number[] {
  switch (loss) {
    case 'cross_entropy':
    case 'dice':
    case 'cross_entropy_dice': {
      const max = Math.max(...row);
      const exps = row.map((v) => Math.exp(v - max));
      const sum = exps.reduce((a, b) => a + b, 0);
      return exps.map((e) => e / sum);
    }
    case 'nll':
      return row.map((v) => Math.exp(v));
    case 'bce_with_logits':
    case 'fcos':
      return row.map((v) => 1 / (1 + Math.exp(-v)));
    case 'bce':
    case 'mse':
    case 'l1':
      return row.map((v) => Math.min(1, Math.max(0, v)));
  }
}

/** predictions.json of a run folder, or null when the run has none (or it is unreadable). */
export async function readPredictions(dir: string): Promise<PredictionsIndex | null> {
  try {
    const value = JSON.parse(readUserText(join(dir, PREDICTION_FILES.index), { maxBytes: FILE_LIMITS.json, what: 'run file' })) as unknown;
    return isPredictionsIndex(value) ? value : null;
  } catch {
    return null;
  }
}

function isPredictionsIndex(v: unknown): v is PredictionsIndex {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  const arrays = [p.truth, p.predicted, p.confidence];
  return (
    p.version === 1 && Array.isArray(p.classes) && Array.isArray(p.stored) &&
    [p.height, p.width, p.channels].every((n) => Number.isInteger(n) && (n as number) > 0) &&
    arrays.every((a) => Array.isArray(a) && a.length === (p.truth as unknown[]).length)
  );
}

/** The test samples of one cell, with the pixels of those stored (at most `limit`); null without predictions. */
export async function readCellSamples(dir: string, truth: number, predicted: number, limit = DEFAULT_PER_CELL_LIMIT): Promise<CellSamples | null> {
  const index = await readPredictions(dir);
  if (!index) return null;
  const size = index.height * index.width * index.channels;
  let total = 0;
  for (let i = 0; i < index.truth.length; i++) if (index.truth[i] === truth && index.predicted[i] === predicted) total += 1;
  const wanted = index.stored
    .map((sampleIndex, slot) => ({ sampleIndex, slot }))
    .filter(({ sampleIndex }) => index.truth[sampleIndex] === truth && index.predicted[sampleIndex] === predicted)
    .slice(0, limit);
  const samples = wanted.length ? await readStoredPixels(join(dir, PREDICTION_FILES.images), wanted, size, index, truth, predicted) : [];
  return { total, samples, height: index.height, width: index.width, channels: index.channels };
}

/** Pixels of the wanted slots of predictions.bin; a missing or truncated file gives what is whole. */
async function readStoredPixels(
  path: string,
  wanted: Array<{ sampleIndex: number; slot: number }>,
  size: number,
  index: PredictionsIndex,
  truth: number,
  predicted: number,
): Promise<StoredSample[]> {
  const samples: StoredSample[] = [];
  let file;
  try {
    file = await open(path, 'r');
  } catch {
    return samples;
  }
  try {
    for (const { sampleIndex, slot } of wanted) {
      const pixels = new Uint8Array(size);
      const { bytesRead } = await file.read(pixels, 0, size, slot * size);
      if (bytesRead < size) break;
      samples.push({ index: sampleIndex, truth, predicted, confidence: index.confidence[sampleIndex], pixels });
    }
  } finally {
    await file.close();
  }
  return samples;
}
