/**
 * The results of a reconstruction run as numbers to draw: per-class mean errors, the error histogram of normal vs
 * anomalous test images, and the counts and rates of a threshold ("error ≥ t ⇒ anomaly", as the ROC counts them)
 * wherever the user drags it. Pure: tested in Node against hand-computed cases.
 */
import type { ErrorRange, ReconstructionResultsView } from '../../src/protocol/webview-reconstruction';

export interface ClassErrorBar {
  name: string;
  /** Mean error of the class's test images (null: none). */
  error: number | null;
  /** Whether training saw the class; null when it saw all classes. */
  included: boolean | null;
}

export interface HistogramGroup {
  label: string;
  /** true: images of classes left out of training; false: of trained classes; null: every test image. */
  anomalous: boolean | null;
  counts: number[];
}

export interface ErrorHistogram {
  /** bins + 1 increasing edges; bin i is [edges[i], edges[i + 1]), the last one closed. */
  edges: number[];
  groups: HistogramGroup[];
}

export interface ThresholdStats {
  threshold: number;
  /** Anomalies flagged (true positives), normal images flagged (false positives), and the rest. */
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
  truePositiveRate: number;
  falsePositiveRate: number;
}

/** Whether label is an anomaly (a class training did not see); null when every class was trained. */
export function isAnomalous(label: number, included: readonly number[] | null): boolean | null {
  return included === null ? null : !included.includes(label);
}

export function classErrorBars(view: ReconstructionResultsView): ClassErrorBar[] {
  return view.perClassError.map((error, c) => ({ name: view.classes[c] ?? `class ${c}`, error, included: view.includedClasses === null ? null : view.includedClasses.includes(c) }));
}

/** `bins` equal-width bins from the smallest to the largest error (one bin when they are all equal). */
export function histogramEdges(errors: readonly number[], bins: number): number[] {
  if (errors.length === 0) return [0, 1];
  let lo = Infinity;
  let hi = -Infinity;
  for (const e of errors) {
    lo = Math.min(lo, e);
    hi = Math.max(hi, e);
  }
  if (hi <= lo) return [lo, hi];
  return Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + ((hi - lo) * i) / bins));
}

/** The bin of error e: edges[i] ≤ e < edges[i + 1] (clamped to the first and last bins), as the host filters a bin. */
export function binOf(edges: readonly number[], e: number): number {
  const bins = edges.length - 1;
  const width = (edges[bins] - edges[0]) / bins;
  if (!(width > 0)) return 0;
  let i = Math.min(bins - 1, Math.max(0, Math.floor((e - edges[0]) / width)));
  // The division can land one bin off at an edge: compare with the edges themselves.
  while (i > 0 && e < edges[i]) i--;
  while (i < bins - 1 && e >= edges[i + 1]) i++;
  return i;
}

/** The error range of bin i, as the host filters it (the last bin includes its upper edge). */
export function binRange(edges: readonly number[], i: number): ErrorRange {
  const last = i === edges.length - 2;
  return { lo: edges[i], hi: edges[i + 1], includeHi: last };
}

/** Counts per bin: normal and anomalous images apart for an anomaly detector, else all test images together. */
export function errorHistogram(view: ReconstructionResultsView, bins = 30): ErrorHistogram {
  const edges = histogramEdges(view.errors, bins);
  const groups: HistogramGroup[] = view.includedClasses === null
    ? [{ label: 'test images', anomalous: null, counts: new Array<number>(edges.length - 1).fill(0) }]
    : [
      { label: 'normal (trained classes)', anomalous: false, counts: new Array<number>(edges.length - 1).fill(0) },
      { label: 'anomalous (other classes)', anomalous: true, counts: new Array<number>(edges.length - 1).fill(0) },
    ];
  view.errors.forEach((e, i) => {
    const group = isAnomalous(view.labels[i], view.includedClasses) ? groups.length - 1 : 0;
    groups[group].counts[binOf(edges, e)] += 1;
  });
  return { edges, groups };
}

/** Confusion counts and rates of flagging images with error ≥ threshold as anomalies; null without anomalies. */
export function thresholdStats(view: ReconstructionResultsView, threshold: number): ThresholdStats | null {
  if (view.includedClasses === null) return null;
  let [tp, fp, fn, tn] = [0, 0, 0, 0];
  view.errors.forEach((e, i) => {
    const flagged = e >= threshold;
    if (isAnomalous(view.labels[i], view.includedClasses)) flagged ? tp++ : fn++;
    else flagged ? fp++ : tn++;
  });
  return {
    threshold, truePositives: tp, falsePositives: fp, falseNegatives: fn, trueNegatives: tn,
    truePositiveRate: tp + fn > 0 ? tp / (tp + fn) : 0, falsePositiveRate: fp + tn > 0 ? fp / (fp + tn) : 0,
  };
}

/** The threshold at a fraction of the histogram's width (a drag), clamped to its range. */
export function thresholdAt(edges: readonly number[], fraction: number): number {
  const [lo, hi] = [edges[0], edges[edges.length - 1]];
  return lo + (hi - lo) * Math.min(1, Math.max(0, fraction));
}

/** Where a threshold sits across the histogram, as a fraction of its width. */
export function fractionOf(edges: readonly number[], threshold: number): number {
  const [lo, hi] = [edges[0], edges[edges.length - 1]];
  return hi > lo ? Math.min(1, Math.max(0, (threshold - lo) / (hi - lo))) : 0;
}
