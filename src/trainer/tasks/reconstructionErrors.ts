/**
 * Reconstruction errors in [0, 1] pixel units whatever the normalisation: each output value is mapped back to pixels
 * (sigmoid first for bce_with_logits, then × std + mean) and compared with the clean test image's bytes / 255.
 * Evaluation batches are neither shuffled nor augmented, so sample `start + i` of the set is the batch's image i.
 */
import type { LossName } from '../../model/types';
import type { ReconstructionMetrics } from '../../protocol/runTypes';
import type { Normalization } from '../datasets/batches';
import type { ImageSet } from '../datasets/types';
import { rocAnalysis, type RocResult } from './roc';

/** Output value of channel c → pixel value in [0, 1] units. */
export type ToPixel = (value: number, channel: number) => number;

export function outputToPixel(loss: LossName, normalize: Normalization | undefined): ToPixel {
  const denormalize = inputToPixel(normalize);
  if (loss !== 'bce_with_logits') return denormalize;
  return (v, c) => denormalize(1 / (1 + Math.exp(-v)), c);
}

/** Model input value of channel c (normalised or not) → pixel value in [0, 1] units. */
export function inputToPixel(normalize: Normalization | undefined): ToPixel {
  if (!normalize) return (v) => v;
  return (v, c) => v * normalize.std[c % normalize.std.length] + normalize.mean[c % normalize.mean.length];
}

/** Mean squared pixel error of each of `count` images from `start`, outputs in NHWC order like the set's pixels. */
export function imageErrors(set: ImageSet, start: number, count: number, outputs: ArrayLike<number>, toPixel: ToPixel): Float64Array {
  const size = set.height * set.width * set.channels;
  const errors = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const base = (start + i) * size;
    let sum = 0;
    for (let j = 0; j < size; j++) {
      const d = toPixel(outputs[i * size + j], j % set.channels) - set.images[base + j] / 255;
      sum += d * d;
    }
    errors[i] = sum / size;
  }
  return errors;
}

/** The ROC of "the error flags the classes left out of training"; null when all classes were trained (or none is tested). */
export function anomalyRoc(errors: ArrayLike<number>, labels: ArrayLike<number>, included: number[] | null): RocResult | null {
  if (!included) return null;
  const normal = new Set(included);
  return rocAnalysis(errors, Array.from(labels, (label) => !normal.has(label)));
}

/** Test-set MSE, per-class mean errors and, when some classes were left out of training, the anomaly ROC's figures. */
export function reconstructionMetrics(errors: ArrayLike<number>, labels: ArrayLike<number>, classCount: number, included: number[] | null, roc = anomalyRoc(errors, labels, included)): ReconstructionMetrics {
  const sums = new Array<number>(classCount).fill(0);
  const counts = new Array<number>(classCount).fill(0);
  let total = 0;
  for (let i = 0; i < errors.length; i++) {
    total += errors[i];
    if (labels[i] < classCount) {
      sums[labels[i]] += errors[i];
      counts[labels[i]] += 1;
    }
  }
  return {
    mse: errors.length > 0 ? total / errors.length : NaN,
    perClassError: sums.map((s, c) => (counts[c] > 0 ? s / counts[c] : null)),
    anomaly: roc && included
      ? { includedClasses: included, auroc: roc.auroc, threshold: roc.threshold, truePositiveRate: roc.truePositiveRate, falsePositiveRate: roc.falsePositiveRate }
      : null,
  };
}
