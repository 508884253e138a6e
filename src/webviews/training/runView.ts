/**
 * What the Training panel's host sends: a run folder read into a TrainingRunView (with its task's views and its
 * last strip of validation images), the early-stopping settings from its config.json, and a confusion cell's test
 * images as a message. Pure (node fs only, no vscode).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startingWeightsFromConfig } from '../../protocol/startingWeights';
import type { CellSample, EarlyStoppingConfig, ToTrainingWebview, TrainingRunView } from '../../protocol/webview-training';
import { PREDICTION_FILES, readCellSamples } from '../../trainer/runs/predictions';
import { readRun, readSampleStrip } from '../../trainer/runs/reader';
import { DEFAULT_TASK, isTaskName, TASKS, type TaskName, type TaskViews } from '../../model/tasks/registry';
import { BEST_METRIC_NAMES } from '../../model/config/bestMetric';

/** Reads a run folder (tolerant: a crashed run still gives a view) for the panel. */
export function loadRunView(dir: string, live: boolean): TrainingRunView {
  const run = readRun(dir);
  return {
    runDir: dir,
    model: run.model,
    timestamp: run.timestamp,
    live,
    summary: run.summary,
    metrics: run.metrics,
    earlyStopping: earlyStoppingFromConfig(run.config),
    startingWeights: startingWeightsFromConfig(run.config),
    hasPredictions: hasPredictions(dir),
    views: taskViews(run.summary?.task ?? (run.config as { task?: unknown } | null)?.task),
    samples: readSampleStrip(dir),
  };
}

/** What a starting run shows (before its folder exists): its name, its task's empty charts, "starting…". */
export function startingView(model: string, task: TaskName | undefined): TrainingRunView {
  return { runDir: '', model, timestamp: '', live: true, summary: null, metrics: [], earlyStopping: null, hasPredictions: false, views: taskViews(task), samples: null };
}

/** The views of a run's task; runs from before tasks existed (or naming an unknown one) are classification runs. */
export function taskViews(task: unknown): TaskViews {
  return TASKS[isTaskName(task) ? task : DEFAULT_TASK].views;
}

/** Whether the run folder holds test predictions. */
export function hasPredictions(dir: string): boolean {
  return existsSync(join(dir, PREDICTION_FILES.index));
}

/**
 * `train.early_stopping` of a config.json with the figure it watches (`train.best`), or null when early stopping is
 * off (or the config is unreadable).
 */
export function earlyStoppingFromConfig(config: unknown): EarlyStoppingConfig | null {
  const train = (config as { train?: { early_stopping?: { patience?: unknown; min_delta?: unknown }; best?: unknown } } | null)?.train;
  const es = train?.early_stopping;
  if (!es || typeof es.patience !== 'number' || !Number.isInteger(es.patience) || es.patience < 0) return null;
  const minDelta = typeof es.min_delta === 'number' && Number.isFinite(es.min_delta) ? es.min_delta : 0;
  const metric = BEST_METRIC_NAMES.find((name) => name === train?.best);
  return { patience: es.patience, minDelta, ...(metric ? { metric } : {}) };
}

/** The `cellSamples` message for one confusion-matrix cell. */
export async function cellSamplesMessage(dir: string, truth: number, predicted: number): Promise<Extract<ToTrainingWebview, { type: 'cellSamples' }>> {
  const cell = await readCellSamples(dir, truth, predicted);
  const base = { type: 'cellSamples' as const, runDir: dir, truth, predicted };
  if (!cell) return { ...base, total: 0, samples: [], message: 'This run has no stored test predictions (runs from before this feature, or a run without a test pass).' };
  const samples: CellSample[] = cell.samples.map((s) => ({
    index: s.index, truth: s.truth, predicted: s.predicted, confidence: s.confidence,
    width: cell.width, height: cell.height, channels: cell.channels, pixels: Buffer.from(s.pixels).toString('base64'),
  }));
  const message = cell.total === 0 ? 'No test image falls in this cell.' : samples.length < cell.total ? `Showing ${samples.length} of ${cell.total} images.` : null;
  return { ...base, total: cell.total, samples, message };
}
