/**
 * Test results of a reconstruction run: `reconstructions.json` holds every test image's reconstruction error (MSE
 * in [0, 1] pixel units) and label, the per-class mean errors and, for an anomaly detector (data.include_classes),
 * the ROC curve, its AUC and the Youden-J threshold. The results panel's bars, histogram and ROC read it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReconstructionMetrics } from '../../protocol/runTypes';
import type { ImageSet } from '../datasets/types';
import { anomalyRoc, imageErrors, reconstructionMetrics, type ToPixel } from '../tasks/reconstructionErrors';
import type { TestRecorder } from '../tasks/types';
import { writeJsonAtomic } from './atomic';

export const RECONSTRUCTIONS_FILE = 'reconstructions.json';

export interface ReconstructionsIndex extends ReconstructionMetrics {
  version: 1;
  classes: string[];
  /** Per test image, in test-set order. */
  labels: number[];
  errors: number[];
  /** The ROC curve's corners (false-positive rate, true-positive rate); empty without excluded classes. */
  roc: Array<[number, number]>;
}

export class ReconstructionRecorder implements TestRecorder {
  private readonly labels: number[] = [];
  private readonly errors: number[] = [];

  constructor(private readonly classes: string[], private readonly included: number[] | null, private readonly toPixel: ToPixel) {}

  addBatch(set: ImageSet, start: number, labels: ArrayLike<number>, outputs: ArrayLike<number>): void {
    const errors = imageErrors(set, start, labels.length, outputs, this.toPixel);
    for (let i = 0; i < labels.length; i++) {
      this.labels.push(labels[i]);
      this.errors.push(errors[i]);
    }
  }

  get count(): number {
    return this.errors.length;
  }

  write(dir: string): void {
    const roc = anomalyRoc(this.errors, this.labels, this.included);
    const metrics = reconstructionMetrics(this.errors, this.labels, this.classes.length, this.included, roc);
    const index: ReconstructionsIndex = {
      version: 1, classes: this.classes, ...metrics, labels: this.labels,
      errors: this.errors.map((e) => Number(e.toPrecision(6))), roc: roc?.points ?? [],
    };
    writeJsonAtomic(join(dir, RECONSTRUCTIONS_FILE), index);
  }
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
