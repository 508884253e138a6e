/**
 * The Training panel's results for a reconstruction run: the host sends reconstructions.json's per-image errors
 * (for the histogram and the draggable threshold) and the ROC corners; the page asks for the test images of an
 * error range (a histogram bin) and gets them with their reconstructions. Pure data and validators.
 */

/** reconstructions.json as the panel needs it. */
export interface ReconstructionResultsView {
  classes: string[];
  /** Per test image, in test-set order: its label and its error (MSE in [0, 1] pixel units). */
  labels: number[];
  errors: number[];
  perClassError: Array<number | null>;
  /** The classes training saw (data.include_classes); null when it saw all (no anomalies, no ROC). */
  includedClasses: number[] | null;
  /** Anomaly detection: the ROC corners (FPR, TPR), its area and the Youden-J threshold. */
  roc: Array<[number, number]>;
  auroc: number | null;
  threshold: number | null;
  /** How many test images have a stored reconstruction (0: none to show). */
  stored: number;
}

/** A test image and its reconstruction, as raw HWC uint8 pixels (base64). */
export interface ReconstructionSample {
  index: number;
  label: number;
  error: number;
  width: number;
  height: number;
  channels: number;
  input: string;
  output: string;
}

/** An error range: [lo, hi), or [lo, hi] for the histogram's last bin. */
export interface ErrorRange {
  lo: number;
  hi: number;
  includeHi: boolean;
}

/** Host → Training webview, for reconstruction runs. */
export type ToReconstructionResults =
  | { type: 'reconstructions'; runDir: string; results: ReconstructionResultsView }
  | { type: 'errorBinSamples'; runDir: string; range: ErrorRange; total: number; samples: ReconstructionSample[]; message: string | null };

/** Training webview → host: the test images of an error range. */
export type FromReconstructionResults = { type: 'showErrorBin'; range: ErrorRange };

// ---- validation ----

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNumOrNull = (v: unknown): boolean => v === null || isNum(v);

export function isErrorRange(v: unknown): v is ErrorRange {
  return isObj(v) && isNum(v.lo) && isNum(v.hi) && v.lo <= v.hi && typeof v.includeHi === 'boolean';
}

function isResultsView(v: unknown): v is ReconstructionResultsView {
  return isObj(v) && Array.isArray(v.classes) && v.classes.every(isStr) &&
    Array.isArray(v.labels) && v.labels.every(isCount) && Array.isArray(v.errors) && v.errors.every(isNum) && v.labels.length === v.errors.length &&
    Array.isArray(v.perClassError) && v.perClassError.every(isNumOrNull) &&
    (v.includedClasses === null || (Array.isArray(v.includedClasses) && v.includedClasses.every(isCount))) &&
    Array.isArray(v.roc) && v.roc.every((p) => Array.isArray(p) && p.length === 2 && p.every(isNum)) &&
    isNumOrNull(v.auroc) && isNumOrNull(v.threshold) && isCount(v.stored);
}

function isSample(v: unknown): v is ReconstructionSample {
  return isObj(v) && isCount(v.index) && isCount(v.label) && isNum(v.error) && isCount(v.width) && isCount(v.height) && isCount(v.channels) && isStr(v.input) && isStr(v.output);
}

/** Validates a reconstruction-results message from the host; undefined when it is not one (or malformed). */
export function parseToReconstructionResults(raw: unknown): ToReconstructionResults | undefined {
  if (!isObj(raw) || !isStr(raw.runDir)) return undefined;
  if (raw.type === 'reconstructions') return isResultsView(raw.results) ? { type: 'reconstructions', runDir: raw.runDir, results: raw.results } : undefined;
  if (raw.type === 'errorBinSamples') {
    return isErrorRange(raw.range) && isCount(raw.total) && Array.isArray(raw.samples) && raw.samples.every(isSample) && (raw.message === null || isStr(raw.message))
      ? { type: 'errorBinSamples', runDir: raw.runDir, range: raw.range, total: raw.total, samples: raw.samples, message: raw.message }
      : undefined;
  }
  return undefined;
}

/** Validates the page's request for an error range. */
export function parseFromReconstructionResults(raw: unknown): FromReconstructionResults | undefined {
  return isObj(raw) && raw.type === 'showErrorBin' && isErrorRange(raw.range) ? { type: 'showErrorBin', range: { lo: raw.range.lo, hi: raw.range.hi, includeHi: raw.range.includeHi } } : undefined;
}
