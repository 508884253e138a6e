/**
 * A detection run's results as the Training panel shows them: the test mAPs in words, one row per class (AP@0.5,
 * AP@[.5:.95], true objects, detections, highest recall, how many worst images involve it), the precision/recall
 * curves at IoU 0.5 in the class colours, and the worst test images (all, or those a clicked class appears in among
 * the missed and false detections) as a box strip. Pure: tested in Node.
 */
import type { TestMetrics } from '../../src/protocol/runTypes';
import type { DetectionWorst, DetectionWorstImage } from '../../src/protocol/detectionWorst';
import type { RowBoxes, SampleRow } from '../../src/protocol/sampleStrip';
import { boxColours } from './boxOverlay';
import type { LineChartSpec } from './chartOptions';
import { classNames } from './confusion';
import { formatIou } from './format';
import { stripView, type StripView } from './sampleStrip';

export interface DetectionClassRow {
  classIndex: number;
  name: string;
  /** null: the class has no true object in the test set. */
  ap50: number | null;
  ap: number | null;
  truths: number;
  detections: number;
  recall50: number | null;
  /** Worst test images whose errors involve the class. */
  worst: number;
}

export interface DetectionResultsView {
  summary: string;
  rows: DetectionClassRow[];
  /** One curve per class with objects: precision at the 101 recall levels, up to the highest recall reached. */
  precisionRecall: LineChartSpec;
  /** Worst test images stored (detection-worst.json); 0 before the test pass wrote them. */
  worst: number;
}

export function detectionResultsView(test: TestMetrics, classes: readonly string[], worst: DetectionWorst | null): DetectionResultsView | null {
  const d = test.detection;
  if (!d) return null;
  const names = classNames(classes, d.perClass.length);
  const colours = boxColours(names);
  const objects = d.perClass.reduce((s, c) => s + c.truths, 0);
  const rows = d.perClass.map((c, k) => ({
    classIndex: k, name: names[k], ap50: c.ap50, ap: c.ap, truths: c.truths, detections: c.detections, recall50: c.recall50,
    worst: worst?.images.filter((image) => errorClasses(image).has(k)).length ?? 0,
  }));
  const lines = d.perClass.flatMap((c, k) => {
    if (c.truths === 0) return [];
    const reached = c.recall50 ?? 0;
    // Past the highest recall reached, COCO's curve is 0: the curve stops there instead of dropping to the axis.
    const data = c.pr50.recall.flatMap((r, i) => (r <= reached + 1e-12 ? [{ x: r, y: c.pr50.precision[i] }] : []));
    return [{ label: names[k], data, color: colours[k].css }];
  });
  return {
    summary: `Test mAP@0.5 ${formatIou(d.map50)} · mAP@[.5:.95] ${formatIou(d.map)} · ${objects} objects in ${test.samples} test images`,
    rows,
    precisionRecall: { xTitle: 'recall', yTitle: 'precision', xMin: 0, xMax: 1, yMin: 0, yMax: 1.05, lines },
    worst: worst?.images.length ?? 0,
  };
}

/** The classes an image's errors involve: of its missed objects and of its false detections. */
function errorClasses(image: DetectionWorstImage): Set<number> {
  return new Set([...image.missed.map((g) => image.truth[g].cls), ...image.falseDetections.map((d) => image.detections[d].cls)]);
}

/** An image's boxes in its strip row's pixels (the strip's pictures may be smaller than the test images). */
function rowBoxes(image: DetectionWorstImage, sx: number, sy: number): RowBoxes {
  const scaled = (b: readonly number[]) => ({ x1: b[0] * sx, y1: b[1] * sy, x2: b[2] * sx, y2: b[3] * sy });
  return {
    truth: image.truth.map((t) => ({ cls: t.cls, ...scaled(t.box) })),
    predicted: image.detections.map((d) => ({ cls: d.cls, score: d.score, ...scaled(d.box) })),
  };
}

/** The worst test images (of class `cls`, or all for null), most errors first, captioned with their error counts. */
export function detectionWorstOf(worst: DetectionWorst, cls: number | null): { title: string; view: StripView } | null {
  const [sx, sy] = [worst.strip.width / Math.max(1, worst.imageWidth), worst.strip.height / Math.max(1, worst.imageHeight)];
  // images[i] is strip.rows[i] (the protocol checks it).
  const rows: SampleRow[] = worst.images.flatMap((image, i) =>
    cls === null || errorClasses(image).has(cls) ? [{ ...worst.strip.rows[i], error: image.missed.length + image.falseDetections.length, boxes: rowBoxes(image, sx, sy) }] : []);
  if (!rows.length) return null;
  const view = stripView({ ...worst.strip, rows, errorName: 'errors', classes: worst.classes, shownScore: worst.shownScore }, worst.classes);
  const which = cls === null ? 'all classes' : (worst.classes[cls] ?? `class ${cls}`);
  const title = `Worst test images, ${which}: most missed and false detections first at score ≥ ${worst.shownScore.toFixed(2)} (${rows.length})`;
  return { title, view };
}
