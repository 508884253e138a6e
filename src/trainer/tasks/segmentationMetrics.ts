/**
 * Pixel metrics of segmentation, all from one confusion matrix of pixel counts: confusion[true][predicted], pixels
 * whose mask value is the ignore index (or any value ≥ the class count) left out. The predicted class of a pixel is the
 * arg-max of its K scores (outputs NHWC: the K values of a pixel are contiguous).
 */
import type { SegmentationMetrics } from '../../protocol/runTypes';

export class PixelConfusion {
  readonly matrix: Float64Array;
  ignored = 0;

  constructor(readonly classes: number) {
    this.matrix = new Float64Array(classes * classes);
  }

  /** Adds `pixels` pixels: truth from `masks` at `maskOffset`, scores from `outputs` at `outputOffset` (K per pixel). */
  add(masks: ArrayLike<number>, maskOffset: number, outputs: ArrayLike<number>, outputOffset: number, pixels: number, predicted?: Uint8Array): void {
    const k = this.classes;
    for (let p = 0; p < pixels; p++) {
      const at = outputOffset + p * k;
      let best = 0;
      for (let c = 1; c < k; c++) if (outputs[at + c] > outputs[at + best]) best = c;
      if (predicted) predicted[p] = best;
      const truth = masks[maskOffset + p];
      if (truth >= k) this.ignored += 1;
      else this.matrix[truth * k + best] += 1;
    }
  }

  rows(): number[][] {
    return Array.from({ length: this.classes }, (_, t) => Array.from(this.matrix.subarray(t * this.classes, (t + 1) * this.classes)));
  }
}

/** IoU and Dice of each class (null: neither truth nor prediction has the class), and the pixel accuracy. */
export function segmentationMetrics(confusion: PixelConfusion, ignoreIndex: number): SegmentationMetrics {
  const k = confusion.classes;
  const m = confusion.matrix;
  let correct = 0;
  let pixels = 0;
  const perClassIou: Array<number | null> = [];
  const perClassDice: Array<number | null> = [];
  for (let c = 0; c < k; c++) {
    let truth = 0;
    let predicted = 0;
    for (let j = 0; j < k; j++) {
      truth += m[c * k + j];
      predicted += m[j * k + c];
    }
    const tp = m[c * k + c];
    correct += tp;
    pixels += truth;
    const union = truth + predicted - tp;
    perClassIou.push(union > 0 ? tp / union : null);
    perClassDice.push(truth + predicted > 0 ? (2 * tp) / (truth + predicted) : null);
  }
  return {
    pixelAccuracy: pixels > 0 ? correct / pixels : NaN,
    meanIou: meanOf(perClassIou),
    perClassIou,
    meanDice: meanOf(perClassDice),
    perClassDice,
    pixels,
    ignoredPixels: confusion.ignored,
    ignoreIndex,
  };
}

/** Mean of the non-null values; NaN when there are none. */
export function meanOf(values: ReadonlyArray<number | null>): number {
  const present = values.filter((v): v is number => v !== null);
  return present.length ? present.reduce((a, b) => a + b, 0) / present.length : NaN;
}
