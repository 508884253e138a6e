/**
 * One complete training run, shared by the worker and the CLI: analyse the model file, start the backend, load
 * the dataset, build the model, create the run folder, train, and keep the folder up to date (RunRecorder).
 * Events go to `hooks.onEvent`; `hooks.shouldStop` is polled between batches of every pass.
 */
import { totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { analyzeModel, TASKS } from '../../model';
import { resolveIncludedClasses } from '../../model/config/includeClasses';
import { modelDecodeOptions } from '../../model/layers/detectionHead';
import { namedClasses } from '../../model/infer/modelChecks';
import { estimateTrainingMemory, memoryLine, memoryRefusal } from '../../model/memory/estimate';
import { formatDiagnostic } from '../../model/report/formatDiagnostic';
import type { Diagnostic, ModelAnalysis } from '../../model/types';
import { divergenceMessage, type RunRequest } from '../../protocol/runTypes';
import type { RunResult, TrainerEvent } from '../../protocol/trainer';
import { initBackend, type BackendInfo } from '../backend';
import { batchCount, loadDataset } from '../datasets';
import { inputNormalization } from '../transforms/pipeline';
import { RunFolder } from '../runs/store';
import { createTask, type TestRecorder } from '../tasks/registry';
import { cachedTraining, STOPPED_WHILE_CACHING } from './cachedTraining';
import { DivergenceWatch } from './divergence';
import { buildModel } from './model';
import { frozenIndices, frozenSummary } from '../../model/freeze';
import { startingWeights } from './startingWeights';
import { RunRecorder } from './recorder';
import type { StepProfile } from './stepPhases';
import type { StepRunner } from './steps';
import { trainModel } from './train';
import { startDataParallel, type DataParallelSteps } from '../parallel/dataParallel';

export interface SessionHooks {
  onEvent?(event: TrainerEvent): void;
  shouldStop?(): boolean;
  /** The run folder exists: `abandon` ends the run at once (synchronously) as stopped, before a forced exit. */
  onRunOpened?(run: OpenRun): void;
  /** Times the training steps by phase, in every thread that steps (benchmarks). */
  stepProfile?: StepProfile;
  /**
   * Benchmarks: the training steps' runner, given the run's data-parallel one (undefined with one worker): to time
   * one and N workers in alternating windows of the same run (bench/alternating-steps.ts).
   */
  stepRunner?(parallel: StepRunner | undefined): StepRunner | undefined;
}

export interface OpenRun {
  dir: string;
  abandon(reason: string): void;
}

/** The estimated peak memory does not fit the backend: the run never started. */
export class MemoryLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MemoryLimitError';
  }
}

/** The model file has errors: the run never started. */
export class ModelFileError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(`the model file has ${diagnostics.length} error(s):\n${diagnostics.map((d) => formatDiagnostic(d)).join('\n')}`);
    this.name = 'ModelFileError';
  }
}

/**
 * Runs one training to its end (done, stopped or failed) and returns its folder and summary. Throws when it cannot
 * start (model file errors, backend or dataset unavailable); an error during training is recorded, then thrown.
 */
export async function runTraining(request: RunRequest, hooks: SessionHooks = {}): Promise<RunResult> {
  const log = (message: string, level: 'info' | 'warning' = 'info'): void => hooks.onEvent?.({ type: 'log', level, message });
  const analysis = checkedAnalysis(request.modelText);
  const backend = await initBackend(request.backend ?? 'auto', { extraModulePaths: request.extraModulePaths, log });
  const { tf } = backend;
  log(`backend: ${backend.description}`);
  checkMemory(analysis, backend.name, request.epochs ?? analysis.train.epochs, request.workers ?? 1, log);
  const baseDir = request.modelPath ? dirname(resolve(request.modelPath)) : process.cwd();
  const dataset = await loadDataset({
    input: analysis.input as [number, number, number],
    data: analysis.data,
    pipeline: analysis.pipeline,
    seed: analysis.train.seed,
    target: TASKS[analysis.task].target,
    maskClasses: analysis.outputShape[0],
    classes: namedClasses(analysis.classes),
    searchPaths: [baseDir, ...(request.searchPaths ?? [])],
    cacheDir: request.cacheDir,
    baseDir,
    maxTrainSamples: request.maxTrainSamples,
    maxImagePixels: request.maxImagePixels,
    onProgress: changedOnly(log),
    onWarning: (message) => log(message, 'warning'),
  });
  const taskContext = { loss: analysis.train.loss, classes: dataset.classes, normalize: inputNormalization(analysis.pipeline), includedClasses: includedClasses(analysis, dataset.classes), classWeights: analysis.train.class_weights, ignoreIndex: analysis.train.ignore_index, outputShape: analysis.outputShape, decode: modelDecodeOptions(analysis) };
  const task = createTask(analysis.task, taskContext);
  task.checkData(analysis, dataset);
  const monitors = [analysis.train.early_stopping && 'early stopping', analysis.train.schedule?.type === 'plateau' && 'the plateau schedule', analysis.train.best && analysis.train.best !== 'val_loss' && `train.best (${analysis.train.best})`].filter(Boolean);
  if (dataset.validation.count === 0 && monitors.length) log(`no validation set: ${monitors.join(' and ')} will monitor the training loss`, 'warning');

  const model = buildModel(tf, analysis.graph, analysis.train.seed);
  let steps: DataParallelSteps | undefined;
  try {
    const weights = startingWeights(tf, model, analysis, request, baseDir, log);
    const frozen = frozenIndices(analysis.layers);
    if (frozen.size > 0) {
      model.freeze(frozen);
      log(`frozen: ${frozenSummary(analysis.layers)}; ${analysis.totals.trainableParams} of ${analysis.totals.params} parameters train`);
    }
    if (model.paramCount() !== analysis.totals.params) {
      log(`the built model has ${model.paramCount()} parameters, the analysis counts ${analysis.totals.params}`, 'warning');
    }
    const epochs = request.epochs ?? analysis.train.epochs;
    const train = { ...analysis.train, epochs };
    steps = await startDataParallel(request.workers ?? 1, backend.name, model, { graph: analysis.graph, seed: analysis.train.seed, task: { name: analysis.task, context: taskContext } }, log, hooks.stepProfile);
    if (steps) log("data-parallel: BatchNorm normalises each worker's share of a training batch with its own statistics");
    const engine = steps ? { ...backend, description: `${backend.description}, ${steps.workers} data-parallel workers` } : backend;
    const folder = RunFolder.create(request.outDir ?? resolve(baseDir, 'runs'), analysis.name);
    const config = { model: analysis.name, task: analysis.task, input: analysis.input, classes: dataset.classes, data: analysis.data, train, backend: backend.name, ...(weights ? { weights } : {}), request: { ...request, modelText: undefined } };
    const recorder = new RunRecorder(folder, { tf, model, analysis, dataset, backend: engine, epochs }, request.modelText, config);
    hooks.onRunOpened?.({ dir: folder.dir, abandon: (reason) => recorder.abandon(reason) });
    hooks.onEvent?.({
      type: 'started',
      runDir: folder.dir,
      backend: backend.name,
      backendDescription: engine.description,
      dataset: dataset.name,
      classes: dataset.classes,
      trainSamples: dataset.train.count,
      validationSamples: dataset.validation.count,
      testSamples: dataset.test.count,
      epochs,
      batchesPerEpoch: batchCount(dataset.train.count, train.batch_size),
    });
    // The test pass's outputs become the task's per-sample records (classification: the confusion matrix's thumbnails): no second pass.
    const predictions = task.testRecorder(dataset);
    const divergence = new DivergenceWatch();
    try {
      // Frozen, deterministic layers first: their features are computed once and the head trains on them.
      const cached = await cachedTraining(tf, model, analysis, dataset, train, log, hooks.shouldStop);
      if (cached === 'stopped') return { runDir: folder.dir, summary: await recorder.finish(STOPPED_WHILE_CACHING) };
      const lrMultipliers = new Map(analysis.layers.flatMap((l) => (l.lrMultiplier === undefined ? [] : [[l.index, l.lrMultiplier] as const])));
      // The stages on cached features train and evaluate the head (in this thread: the workers hold the whole model); the others the model.
      const options = { config: train, task, transforms: dataset.transforms, noise: analysis.data.noise, lrMultipliers, progressIntervalMs: request.progressIntervalMs, metricsEveryBatches: request.metricsEveryBatches, steps: hooks.stepRunner ? hooks.stepRunner(steps) : steps, forward: steps, cached, profile: hooks.stepProfile };
      const outcome = await trainModel(tf, model, dataset, options, {
        shouldStop: hooks.shouldStop,
        beforeBatch: heavyBatchesForTests(),
        onStage(index, count, stage) {
          const on = !cached ? '' : index < cached.stages ? ', on the cached features' : `, on the images (feature caching off: ${cached.after})`;
          log(`stage ${index + 1}/${count}: ${stage.epochs} epoch${stage.epochs === 1 ? '' : 's'} at lr ${stage.lr}, ${stage.frozen?.size ?? 0} layers frozen, ${model.trainable.reduce((n, p) => n + p.variable.size, 0)} parameters train${on}`);
        },
        onPhase(phase, epoch) {
          hooks.onEvent?.({ type: 'phase', phase, epoch, samples: phase === 'test' ? dataset.test.count : dataset.validation.count });
        },
        onBatch(metrics, record) {
          divergence.observe(metrics);
          recorder.batch(metrics, record);
          hooks.onEvent?.({ type: 'progress', metrics });
        },
        async onEpoch(metrics) {
          const diverged = divergence.observe(metrics);
          if (diverged) recorder.flagDivergence(diverged);
          await recorder.epoch(metrics);
          hooks.onEvent?.({ type: 'progress', metrics });
          if (diverged) log(divergenceMessage(diverged), 'warning');
        },
        onSamples(strip) {
          recorder.samples(strip);
          hooks.onEvent?.({ type: 'samples', strip });
        },
        onTestOutputs: (start, labels, outputs) => predictions.addBatch(dataset.test, start, labels, outputs),
      });
      if (outcome.test && predictions.count > 0) writePredictions(predictions, folder.dir, log);
      return { runDir: folder.dir, summary: await recorder.finish(outcome) };
    } catch (err) {
      recorder.fail(err);
      throw err;
    }
  } finally {
    await steps?.dispose();
    model.dispose();
  }
}

/**
 * Loaders report a status with a fraction (e.g. the same "Reading fashion-mnist from …" at 0 and 0.8); as log lines,
 * only a new status is worth a line.
 */
export function changedOnly(log: (message: string) => void): (message: string) => void {
  let last: string | undefined;
  return (message) => {
    if (message !== last) log(message);
    last = message;
  };
}

/** Written before the summary (which tells readers the run ended); a failure costs the thumbnails, not the run. */
export function writePredictions(predictions: TestRecorder, dir: string, log: (message: string, level: 'warning') => void): void {
  try {
    predictions.write(dir);
  } catch (err) {
    log(`could not write the test predictions: ${err instanceof Error ? err.message : String(err)}`, 'warning');
  }
}

/**
 * Test hook: CNNLAB_TEST_BATCH_MS=N makes every batch of every pass block the thread for N ms more, as a heavy
 * model's batches do, so that the signal tests can hit each pass of a tiny model with time to spare.
 */
function heavyBatchesForTests(): (() => void) | undefined {
  const ms = Number(process.env.CNNLAB_TEST_BATCH_MS);
  if (!(ms > 0)) return undefined;
  return () => {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      // Busy: a real batch does not yield either.
    }
  };
}

/** data.include_classes as class indices (the loader has already refused unknown names). */
function includedClasses(analysis: ModelAnalysis, classes: string[]): number[] | undefined {
  const include = analysis.data.include_classes;
  if (!include) return undefined;
  const resolved = resolveIncludedClasses(include, classes);
  return 'indices' in resolved ? resolved.indices : undefined;
}

/** The analysis of a model file the trainer can run; throws ModelFileError on error diagnostics. */
function checkedAnalysis(text: string): ModelAnalysis {
  const analysis = analyzeModel(text);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new ModelFileError(errors);
  if (analysis.input.length !== 3) throw new Error(`the trainer needs an image input [C, H, W]; this model's input is [${analysis.input}]`);
  return analysis;
}

/** Refuses, before any allocation, a training whose estimated peak memory does not fit the backend; logs the estimate. */
function checkMemory(analysis: ModelAnalysis, backend: BackendInfo['name'], epochs: number, workers: number, log: (message: string) => void): void {
  const estimate = estimateTrainingMemory(analysis, { backend: backend === 'wasm' ? 'wasm' : 'native', epochs, machineBytes: totalmem(), workers });
  const refusal = memoryRefusal(estimate, analysis.name);
  if (refusal) throw new MemoryLimitError(refusal);
  log(`memory: ${memoryLine(estimate)}`);
}
