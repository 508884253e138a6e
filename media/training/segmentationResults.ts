/**
 * A segmentation run's results as the Training panel shows them: the test figures in words, one row per class
 * (IoU, Dice, pixel recall, how many worst images are stored), the pixel confusion matrix, and a clicked class's
 * worst test images (lowest IoU of that class first) as a mask strip. Pure: tested in Node.
 */
import type { TestMetrics } from '../../src/protocol/runTypes';
import type { SegmentationWorst } from '../../src/protocol/sampleStrip';
import { classNames, confusionView, type ConfusionView } from './confusion';
import { formatIou, formatPercent } from './format';
import { stripView, type StripView } from './sampleStrip';

export interface SegmentationClassRow {
  classIndex: number;
  name: string;
  /** null: the class has neither true nor predicted pixels in the test set. */
  iou: number | null;
  dice: number | null;
  /** Share of the class's true pixels predicted as it. */
  recall: number | null;
  /** Worst test images stored for the class (0 before the test pass wrote segmentation-worst.json). */
  worst: number;
}

export interface SegmentationResultsView {
  summary: string;
  rows: SegmentationClassRow[];
  /** Counts are pixels (ignored pixels left out). */
  confusion: ConfusionView;
}

export function segmentationResultsView(test: TestMetrics, classes: readonly string[], worst: SegmentationWorst | null): SegmentationResultsView | null {
  const s = test.segmentation;
  if (!s) return null;
  const names = classNames(classes, test.confusion.length);
  const ignored = s.ignoredPixels > 0 ? ` · ${s.ignoredPixels} pixels ignored (mask value ${s.ignoreIndex})` : '';
  return {
    summary: `Test mIoU ${formatIou(s.meanIou)} · mean Dice ${formatIou(s.meanDice)} · pixel accuracy ${formatPercent(s.pixelAccuracy)} · ${test.samples} test images${ignored}`,
    rows: names.map((name, c) => ({
      classIndex: c, name, iou: s.perClassIou[c] ?? null, dice: s.perClassDice[c] ?? null, recall: test.perClassAccuracy[c] ?? null, worst: worst?.perClass[c]?.length ?? 0,
    })),
    confusion: confusionView(test, names),
  };
}

/** The worst test images of class `c`, lowest IoU of the class first, captioned with that IoU; null when none are stored. */
export function worstImagesOf(worst: SegmentationWorst, c: number): { title: string; view: StripView } | null {
  const indices = worst.perClass[c] ?? [];
  if (!indices.length) return null;
  const byIndex = new Map(worst.strip.rows.map((r) => [r.index, r]));
  const rows = indices.flatMap((index, i) => {
    const row = byIndex.get(index);
    return row ? [{ ...row, error: worst.perClassIou[c][i] }] : [];
  });
  const view = stripView({ ...worst.strip, rows, errorName: `IoU of ${worst.classes[c] ?? `class ${c}`}` }, worst.classes);
  const name = worst.classes[c] ?? `class ${c}`;
  return { title: `Worst test images for ${name}: lowest ${name} IoU first (${rows.length})`, view };
}
