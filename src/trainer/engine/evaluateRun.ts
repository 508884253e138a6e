/**
 * The test pass of a run after the fact (`cnnlab evaluate`, the runs view's Evaluate): a stopped run keeps its
 * checkpoints but has no test figures. Opens the run as the inspector does, loads its dataset with the run's class
 * list, and runs the training's own test pass (evaluate + the task's test recorder) on the chosen checkpoint; the figures
 * go into summary.json (other keys kept) and the predictions into predictions.json/.bin, as training writes them.
 * With other weights (`--weights`) the figures are only returned: the run keeps its own checkpoint's. With
 * `workers` > 1 the forward passes are split among data-parallel workers as the training's own passes are.
 */
import { openRun, runWorkerSetup } from '../../inspect/network/runModel';
import { loadRunData } from '../../inspect/session/runData';
import type { EvaluateRequest, EvaluateResult } from '../../protocol/runTypes';
import { recordTestMetrics } from '../runs/store';
import { startDataParallel } from '../parallel/dataParallel';
import { createTask } from '../tasks/registry';
import { evaluate } from './evaluate';
import { changedOnly, writePredictions } from './session';
import type { TF } from './tf';

/** The engine's part of an EvaluateRequest (the backend is the caller's). */
export type EvaluateRunRequest = Pick<EvaluateRequest, 'runDir' | 'checkpoint' | 'searchPaths' | 'cacheDir' | 'maxImagePixels' | 'weights' | 'workers'>;

/** The evaluation was cancelled through its signal; the run is left as it was. */
export class EvaluationCancelled extends Error {
  constructor() {
    super('the evaluation was cancelled');
    this.name = 'EvaluationCancelled';
  }
}

export interface EvaluateRunHooks {
  /** Status lines (loading, evaluating) and the test images done so far. */
  onProgress?(message: string, done?: number, total?: number): void;
  signal?: AbortSignal;
}

/** Evaluates `request.runDir` on its test set and records the figures in the run; throws when it cannot. */
export async function evaluateRun(tf: TF, request: EvaluateRunRequest, hooks: EvaluateRunHooks = {}): Promise<EvaluateResult> {
  const report = hooks.onProgress ?? (() => undefined);
  const run = await openRun(tf, request.runDir, request.checkpoint, request.weights);
  // What opening found (an interrupted run, a damaged best/ replaced by last/).
  run.notices.forEach((notice) => report(notice));
  try {
    const dataset = await loadRunData(run, { searchPaths: request.searchPaths, cacheDir: request.cacheDir, maxImagePixels: request.maxImagePixels }, changedOnly(report));
    const test = dataset.test;
    if (test.count === 0) throw new Error(`${request.runDir}: the ${dataset.name} dataset has no test images to evaluate on`);
    const setup = runWorkerSetup(run, dataset.classes);
    const task = createTask(run.analysis.task, setup.task.context);
    const predictions = task.testRecorder(dataset);
    const forward = await startDataParallel(request.workers ?? 1, tf.getBackend(), run.model, setup, (message, level) => report(level ? `${level}: ${message}` : message));
    report(`Evaluating ${run.checkpoint}/ on ${test.count} test images`, 0, test.count);
    let metrics;
    try {
      metrics = await evaluate(tf, run.model, test, {
        batchSize: run.analysis.train.batch_size,
        task,
        transforms: dataset.transforms.test,
        forward,
        shouldStop: () => hooks.signal?.aborted ?? false,
        onOutputs: (start, labels, outputs) => {
          predictions.addBatch(test, start, labels, outputs);
          report(`Evaluating ${run.checkpoint}/`, start + labels.length, test.count);
        },
      });
    } finally {
      await forward?.dispose();
    }
    if (!metrics) throw new EvaluationCancelled();
    if (request.weights) return { runDir: request.runDir, checkpoint: run.checkpoint, weights: request.weights, classes: dataset.classes, task: run.analysis.task, test: metrics };
    writePredictions(predictions, request.runDir, (message) => report(message));
    recordTestMetrics(request.runDir, metrics, run.checkpoint);
    return { runDir: request.runDir, checkpoint: run.checkpoint, classes: dataset.classes, task: run.analysis.task, test: metrics };
  } finally {
    run.dispose();
  }
}
