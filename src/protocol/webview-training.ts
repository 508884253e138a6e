/**
 * Messages and state of the Training panel and the Compare Runs panel: the run view the host sends, live
 * metric batches, the strip of validation images, the confusion-matrix samples, and the requests the webviews
 * send back, with validators for every direction (a malformed message is dropped, never acted on). Pure data: no vscode or DOM imports; the
 * host (src/webviews/training, src/webviews/runs) and the webviews (media/training, media/compare) share it.
 */
import { BEST_METRICS, type BestMetric } from '../model/config/bestMetric';
import { isRunStartingWeights, type RunStartingWeights } from './startingWeights';
import type { TaskViews } from '../model/tasks/types';
import type { DetectionMetrics } from '../model/detection/averagePrecision';
import type { EpochMetrics, MetricRecord, RunStatus, RunSummary } from './runTypes';
import { isSampleStrip, isSegmentationWorst, type SampleStrip, type SegmentationWorst } from './sampleStrip';
import { isDetectionWorst, type DetectionWorst } from './detectionWorst';
import { parseFromReconstructionResults, parseToReconstructionResults, type FromReconstructionResults, type ToReconstructionResults } from './webview-reconstruction';

/** Early stopping as configured for the run (train.early_stopping), for the epoch table's state line. */
export interface EarlyStoppingConfig {
  patience: number;
  minDelta: number;
  /** train.best: the figure early stopping watches; absent: val_loss. */
  metric?: BestMetric;
}

/** Everything the Training panel shows about one run. */
export interface TrainingRunView {
  runDir: string;
  /** `<model>/<timestamp>` folder names, shown until summary.json exists. */
  model: string;
  timestamp: string;
  /** Whether this window is training the run now (more metrics will follow). */
  live: boolean;
  summary: RunSummary | null;
  /** metrics.jsonl so far (batch lines every N batches, every epoch line). */
  metrics: MetricRecord[];
  earlyStopping: EarlyStoppingConfig | null;
  /** The weights the run started from (config.json's `weights`), null from scratch. */
  startingWeights?: RunStartingWeights | null;
  /** Whether the run folder holds test predictions (thumbnails of confusion-matrix cells). */
  hasPredictions: boolean;
  /** What the run's task shows (src/model/tasks): the panel picks its charts and sections from these. */
  views: TaskViews;
  /** The latest strip of fixed validation images (views.epochSamples), from the run folder or the live run. */
  samples: SampleStrip | null;
}

/** One test image of a confusion-matrix cell, as raw pixels (HWC uint8, base64) for a canvas. */
export interface CellSample {
  /** Index in the test set. */
  index: number;
  truth: number;
  predicted: number;
  /** Probability of the predicted class. */
  confidence: number;
  width: number;
  height: number;
  channels: number;
  pixels: string;
}

/** Host → Training webview. */
export type ToTrainingWebview =
  | { type: 'run'; run: TrainingRunView }
  /** New metric records of the shown run, in order (coalesced by the host). */
  | { type: 'metrics'; runDir: string; records: MetricRecord[] }
  | { type: 'summary'; runDir: string; summary: RunSummary; live: boolean; hasPredictions: boolean }
  | { type: 'cellSamples'; runDir: string; truth: number; predicted: number; total: number; samples: CellSample[]; message: string | null }
  /** The live run's strip of fixed validation images after an epoch. */
  | { type: 'samples'; runDir: string; strip: SampleStrip }
  /** An evaluation pass of the live run began (no batch progress until it ends). */
  | { type: 'phase'; runDir: string; phase: EvaluationPhase }
  | { type: 'empty'; message: string }
  /** A segmentation run's segmentation-worst.json (the worst test images per class), once it has test results. */
  | { type: 'segmentationWorst'; runDir: string; worst: SegmentationWorst }
  /** A detection run's detection-worst.json (the test images with the most missed and false detections), once it has test results. */
  | { type: 'detectionWorst'; runDir: string; worst: DetectionWorst }
  | ToReconstructionResults;

/** The validation pass after epoch `epoch`, or the test pass. */
export interface EvaluationPhase {
  phase: 'validation' | 'test';
  epoch: number;
  samples: number;
}

/** Training webview → host. */
export type FromTrainingWebview =
  | { type: 'ready' }
  /** Stop the live run (keeps best/ and last/). */
  | { type: 'stop' }
  /** Thumbnails of the test images with this true and predicted class. */
  | { type: 'showCell'; truth: number; predicted: number }
  /** Open the run's model-file snapshot. */
  | { type: 'openModel' }
  | FromReconstructionResults;

/** What the Training webview keeps with setState: the run to reopen, and the selected cell. */
export interface TrainingWebviewState {
  runDir?: string;
  cell?: { truth: number; predicted: number };
}

/** One run in the Compare panel. */
export interface CompareRunView {
  runDir: string;
  /** `<model> · <timestamp>`. */
  label: string;
  status: RunStatus | 'unknown';
  epochs: EpochMetrics[];
}

/** A row of the compare tables: one label and one value per run, already formatted. */
export interface CompareRow {
  key: string;
  values: string[];
}

export interface CompareView {
  runs: CompareRunView[];
  /** Hyperparameters (config.json, flattened) whose values differ between the runs. */
  differences: CompareRow[];
  /** Results: best validation loss/accuracy, test loss/accuracy, epochs, speed. */
  results: CompareRow[];
}

/** Host → Compare webview. */
export type ToCompareWebview = { type: 'compare'; view: CompareView };

/** Compare webview → host. */
export type FromCompareWebview = { type: 'ready' } | { type: 'openRun'; runDir: string };

/** What the Compare webview keeps with setState: the runs to compare again after a reload. */
export interface CompareWebviewState {
  runDirs?: string[];
}

// ---- validation ----

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** Metric values may be NaN/null after a diverged run: accept any number or null. */
const isNumOrNull = (v: unknown): boolean => v === null || typeof v === 'number';
const isStr = (v: unknown): v is string => typeof v === 'string';
const STATUSES: readonly string[] = ['running', 'done', 'stopped', 'failed', 'interrupted'];

/** A loss's parts by name (EpochMetrics.lossParts), when present. */
const optionalParts = (v: unknown): boolean => v === undefined || (isObj(v) && !Array.isArray(v) && Object.values(v).every(isNumOrNull));

/** Accepts one metrics.jsonl record (the fields the panels read). */
export function isMetricRecord(v: unknown): v is MetricRecord {
  // accuracy is null for tasks without one (reconstruction).
  if (!isObj(v) || !isCount(v.epoch) || typeof v.loss !== 'number' || !isNumOrNull(v.accuracy)) return false;
  if (v.kind === 'batch') return isCount(v.batch) && isCount(v.batches) && typeof v.lr === 'number' && typeof v.samplesPerSecond === 'number';
  if (v.kind === 'epoch') {
    const optional = (x: unknown) => x === undefined || isNumOrNull(x);
    return isNumOrNull(v.valLoss) && isNumOrNull(v.valAccuracy) && optional(v.valMse) && optional(v.valMeanIou) && optional(v.valMap50) && optional(v.valMap) &&
      optionalParts(v.lossParts) && optionalParts(v.valLossParts) && typeof v.seconds === 'number' && typeof v.best === 'boolean';
  }
  return false;
}

/** Accepts a summary.json (the fields the panels read). */
export function isRunSummary(v: unknown): v is RunSummary {
  return (
    isObj(v) &&
    isStr(v.model) &&
    STATUSES.includes(v.status as string) &&
    isCount(v.epochs) &&
    isCount(v.epochsCompleted) &&
    Array.isArray(v.classes) &&
    v.classes.every(isStr) &&
    (v.test === null || isTestMetrics(v.test))
  );
}

function isTestMetrics(v: unknown): boolean {
  return isObj(v) && typeof v.loss === 'number' && isNumOrNull(v.accuracy) && Array.isArray(v.perClassAccuracy) &&
    Array.isArray(v.confusion) && v.confusion.every((row) => Array.isArray(row) && row.every(isCount)) &&
    (v.detection === undefined || isDetectionMetrics(v.detection));
}

const isNumList = (v: unknown): v is number[] => Array.isArray(v) && v.every(isNum);
const isNumOrNullList = (v: unknown): v is Array<number | null> => Array.isArray(v) && v.every((x) => x === null || isNum(x));

/** The detection figures the panels read: means, and per class its APs and a PR curve of matching lengths. */
export function isDetectionMetrics(v: unknown): v is DetectionMetrics {
  if (!isObj(v) || !isNumList(v.iouThresholds) || !isNumOrNullList([v.map, v.map50]) || !Array.isArray(v.perClass)) return false;
  const thresholds = v.iouThresholds.length;
  return v.perClass.every((c) => isObj(c) && isNumOrNullList([c.ap, c.ap50, c.recall50]) && isNumOrNullList(c.apPerIou) && c.apPerIou.length === thresholds &&
    isCount(c.truths) && isCount(c.detections) && isObj(c.pr50) && isNumList(c.pr50.recall) && isNumList(c.pr50.precision) && c.pr50.recall.length === c.pr50.precision.length);
}

const EPOCH_CHARTS: readonly unknown[] = ['accuracy', 'mse', 'miou', 'map'] satisfies TaskViews['epochChart'][];

function isTaskViews(v: unknown): v is TaskViews {
  return isObj(v) && EPOCH_CHARTS.includes(v.epochChart) && isStr(v.results) && typeof v.epochSamples === 'boolean' &&
    (v.lossParts === undefined || (Array.isArray(v.lossParts) && v.lossParts.every(isStr)));
}

function isEarlyStopping(v: unknown): v is EarlyStoppingConfig | null {
  return v === null || (isObj(v) && isCount(v.patience) && isNum(v.minDelta) && (v.metric === undefined || (isStr(v.metric) && Object.hasOwn(BEST_METRICS, v.metric))));
}

/** Validates a run view (from a message). */
export function isTrainingRunView(v: unknown): v is TrainingRunView {
  return (
    isObj(v) && isStr(v.runDir) && isStr(v.model) && isStr(v.timestamp) && typeof v.live === 'boolean' &&
    (v.summary === null || isRunSummary(v.summary)) && Array.isArray(v.metrics) && v.metrics.every(isMetricRecord) &&
    isEarlyStopping(v.earlyStopping) && (v.startingWeights === undefined || isRunStartingWeights(v.startingWeights)) && typeof v.hasPredictions === 'boolean' && isTaskViews(v.views) &&
    (v.samples === null || isSampleStrip(v.samples))
  );
}

function isCellSample(v: unknown): v is CellSample {
  return isObj(v) && isCount(v.index) && isCount(v.truth) && isCount(v.predicted) && isNum(v.confidence) &&
    isCount(v.width) && isCount(v.height) && isCount(v.channels) && isStr(v.pixels);
}

/** Validates a message from the host (the webview trusts nothing it did not check). */
export function parseToTrainingWebview(raw: unknown): ToTrainingWebview | undefined {
  if (!isObj(raw)) return undefined;
  switch (raw.type) {
    case 'run':
      return isTrainingRunView(raw.run) ? { type: 'run', run: raw.run } : undefined;
    case 'metrics':
      return isStr(raw.runDir) && Array.isArray(raw.records) && raw.records.every(isMetricRecord)
        ? { type: 'metrics', runDir: raw.runDir, records: raw.records }
        : undefined;
    case 'summary':
      return isStr(raw.runDir) && isRunSummary(raw.summary) && typeof raw.live === 'boolean' && typeof raw.hasPredictions === 'boolean'
        ? { type: 'summary', runDir: raw.runDir, summary: raw.summary, live: raw.live, hasPredictions: raw.hasPredictions }
        : undefined;
    case 'cellSamples':
      return isStr(raw.runDir) && isCount(raw.truth) && isCount(raw.predicted) && isCount(raw.total) &&
        Array.isArray(raw.samples) && raw.samples.every(isCellSample) && (raw.message === null || isStr(raw.message))
        ? { type: 'cellSamples', runDir: raw.runDir, truth: raw.truth, predicted: raw.predicted, total: raw.total, samples: raw.samples, message: raw.message }
        : undefined;
    case 'samples':
      return isStr(raw.runDir) && isSampleStrip(raw.strip) ? { type: 'samples', runDir: raw.runDir, strip: raw.strip } : undefined;
    case 'phase':
      return isStr(raw.runDir) && isObj(raw.phase) && (raw.phase.phase === 'validation' || raw.phase.phase === 'test') && isCount(raw.phase.epoch) && isCount(raw.phase.samples)
        ? { type: 'phase', runDir: raw.runDir, phase: { phase: raw.phase.phase, epoch: raw.phase.epoch, samples: raw.phase.samples } }
        : undefined;
    case 'empty':
      return isStr(raw.message) ? { type: 'empty', message: raw.message } : undefined;
    case 'segmentationWorst':
      return isStr(raw.runDir) && isSegmentationWorst(raw.worst) ? { type: 'segmentationWorst', runDir: raw.runDir, worst: raw.worst } : undefined;
    case 'detectionWorst':
      return isStr(raw.runDir) && isDetectionWorst(raw.worst) ? { type: 'detectionWorst', runDir: raw.runDir, worst: raw.worst } : undefined;
    default:
      return parseToReconstructionResults(raw);
  }
}

/** Validates a message from the Training webview. */
export function parseFromTrainingWebview(raw: unknown): FromTrainingWebview | undefined {
  if (!isObj(raw)) return undefined;
  if (raw.type === 'ready' || raw.type === 'stop' || raw.type === 'openModel') return { type: raw.type };
  if (raw.type === 'showCell' && isCount(raw.truth) && isCount(raw.predicted)) return { type: 'showCell', truth: raw.truth, predicted: raw.predicted };
  return parseFromReconstructionResults(raw);
}

/** Type guard form of parseFromTrainingWebview (for the panel host's MessageHandler). */
export function isFromTrainingWebview(raw: unknown): raw is FromTrainingWebview {
  return parseFromTrainingWebview(raw) !== undefined;
}

/** Validates restored Training webview state; unusable state becomes an empty state. */
export function parseTrainingState(raw: unknown): TrainingWebviewState {
  if (!isObj(raw)) return {};
  const cell = isObj(raw.cell) && isCount(raw.cell.truth) && isCount(raw.cell.predicted) ? { truth: raw.cell.truth, predicted: raw.cell.predicted } : undefined;
  return { runDir: isStr(raw.runDir) && raw.runDir !== '' ? raw.runDir : undefined, cell };
}

function isCompareRow(v: unknown): v is CompareRow {
  return isObj(v) && isStr(v.key) && Array.isArray(v.values) && v.values.every(isStr);
}

function isCompareView(v: unknown): v is CompareView {
  return (
    isObj(v) &&
    Array.isArray(v.runs) &&
    v.runs.every((r) => isObj(r) && isStr(r.runDir) && isStr(r.label) && isStr(r.status) && Array.isArray(r.epochs) && r.epochs.every(isMetricRecord)) &&
    Array.isArray(v.differences) && v.differences.every(isCompareRow) &&
    Array.isArray(v.results) && v.results.every(isCompareRow)
  );
}

/** Validates a message from the host, in the Compare webview. */
export function parseToCompareWebview(raw: unknown): ToCompareWebview | undefined {
  return isObj(raw) && raw.type === 'compare' && isCompareView(raw.view) ? { type: 'compare', view: raw.view } : undefined;
}

/** Validates a message from the Compare webview. */
export function parseFromCompareWebview(raw: unknown): FromCompareWebview | undefined {
  if (!isObj(raw)) return undefined;
  if (raw.type === 'ready') return { type: 'ready' };
  if (raw.type === 'openRun' && isStr(raw.runDir)) return { type: 'openRun', runDir: raw.runDir };
  return undefined;
}

/** Type guard form of parseFromCompareWebview. */
export function isFromCompareWebview(raw: unknown): raw is FromCompareWebview {
  return parseFromCompareWebview(raw) !== undefined;
}

/** Validates restored Compare webview state. */
export function parseCompareState(raw: unknown): CompareWebviewState {
  if (!isObj(raw) || !Array.isArray(raw.runDirs)) return {};
  const runDirs = raw.runDirs.filter(isStr);
  return runDirs.length ? { runDirs } : {};
}
