/**
 * The training loop: epochs of seeded, augmented batches; throttled batch progress; a validation pass per epoch;
 * the best weights (lowest value of what the task monitors, the validation loss) kept in memory; early stopping; a NaN/inf loss stops cleanly with the
 * reason; a stop request is honoured between batches of every pass (training, validation, test); finally a test
 * pass with the best weights. Everything
 * task-specific (targets, loss, scores, metrics) goes through the EngineTask.
 */
import type { NoiseConfig, TrainConfig, TransformStep } from '../../model/types';
import type { BatchMetrics, EpochMetrics, TestMetrics } from '../../protocol/runTypes';
import { monitoredLabel, monitoredValue } from '../../protocol/monitoredMetric';
import type { SampleStrip } from '../../protocol/sampleStrip';
import { batchCount as countBatches, runsPerImage } from '../datasets/batches';
import { BatchPool } from '../datasets/batchPool';
import { Lookahead } from '../datasets/lookahead';
import { prefetchBatches } from '../datasets/prefetch';
import type { ImageSet } from '../datasets/types';
import { WeightSnapshot } from './checkpoint';
import { createTask, type EngineTask } from '../tasks/registry';
import { evaluate, validate } from './evaluate';
import { LossPartSums } from './lossParts';
import { yieldToEventLoop } from './eventLoop';
import { layerIndex, type EngineModel } from './model';
import { createOptimizer, type Optimizer } from './optimizers';
import { createSchedule, type Schedule } from './schedules';
import { stageOf, stagePlan, type StageRun } from './stagePlan';
import type { StepProfile } from './stepPhases';
import { localSteps, type ForwardRunner, type StepRunner } from './steps';
import type { NamedTensorMap, TF } from './tf';

export interface TrainData {
  train: ImageSet;
  validation: ImageSet;
  test: ImageSet;
  classes: string[];
}

export interface TrainOptions {
  config: TrainConfig;
  /** What is learnt (targets, loss, metrics, best); default classification with config.loss. */
  task?: EngineTask;
  /** Overrides config.epochs. */
  epochs?: number;
  /** The pipelines' per-batch steps: train for training batches, test for validation and test passes. */
  transforms?: { train: readonly TransformStep[]; test: readonly TransformStep[] };
  /** Noise on the model's input only, in every pass (validation and test with a fixed seed). */
  noise?: NoiseConfig;
  /** Batch workers running the pipelines ahead of the steps: default BatchPool.start()'s count; 0 runs them in this thread. */
  dataWorkers?: number;
  /** Learning-rate factors by layer (ResolvedLayer.index → train.lr_multipliers); absent layers use 1. */
  lrMultipliers?: ReadonlyMap<number, number>;
  /** Runs each optimisation step (data-parallel workers); default in this thread. */
  steps?: StepRunner;
  /** Computes the validation and test passes (data-parallel workers); default in this thread. */
  forward?: ForwardRunner;
  /** Times the steps in this thread by phase (benchmarks); data-parallel steps take it when they start. */
  profile?: StepProfile;
  /** Minimum time between batch progress events (default 100 ms). */
  progressIntervalMs?: number;
  /** A batch record is marked for metrics.jsonl every N batches (default 20). */
  metricsEveryBatches?: number;
  /** Feature caching: the first stages train and validate the head on precomputed features (cachedTraining.ts). */
  cached?: CachedStages;
}

/**
 * The head of the model (sharing its variables and frozen layers) and the features of every split after the frozen
 * layers before it: the first `stages` stages (every stage without train.stages) train on them, in this thread, and
 * without the pipelines' steps or noise (the features already went through them). The later stages train the model on
 * the images.
 */
export interface CachedStages {
  head: EngineModel;
  data: TrainData;
  stages: number;
}

export interface TrainHooks {
  /** Batch progress; `record` marks the ones to write to metrics.jsonl. */
  onBatch?(metrics: BatchMetrics, record: boolean): void;
  /** After each epoch's validation pass (the caller writes checkpoints and the summary). */
  onEpoch?(metrics: EpochMetrics): Promise<void> | void;
  /** Checked between batches of every pass: true stops the run within one batch. */
  shouldStop?(): boolean;
  /** After an epoch's record: the task's strip of fixed validation images (tasks that declare one, with a validation set). */
  onSamples?(strip: SampleStrip): void;
  /** An evaluation pass begins (after `epoch` epochs for the test pass). */
  onPhase?(phase: 'validation' | 'test', epoch: number): void;
  /** A stage of train.stages begins (0-based index of `count`), after its layers were frozen. */
  onStage?(index: number, count: number, stage: StageRun): void;
  /** Called before every batch of every pass (a test hook simulates heavy batches with it). */
  beforeBatch?(): void;
  /** The test pass's raw outputs, batch by batch in test-set order (see EvaluateOptions.onOutputs). */
  onTestOutputs?(start: number, labels: Int32Array, outputs: Float32Array): void;
}

export interface TrainOutcome {
  status: 'done' | 'stopped' | 'failed';
  /** The pass a stop request ended; null when the run was not stopped. */
  stoppedIn: StoppedPhase | null;
  /** Why training ended before its last epoch (early stopping, cancelled, NaN loss). */
  reason: string | null;
  epochsCompleted: number;
  /** The epoch whose weights were kept: lowest validation loss, or lowest training loss without a validation set. */
  bestEpoch: number | null;
  /** Null without a validation set: a training loss is never reported as a validation loss. */
  bestValLoss: number | null;
  /** Seconds spent in training steps, and the training samples they processed. */
  trainSeconds: number;
  samplesSeen: number;
  /** Test metrics with the best weights; null when the run was stopped or failed. */
  test: TestMetrics | null;
}

export type StoppedPhase = 'training' | 'validation' | 'test';

/** Running state of one training run. */
interface LoopState {
  trainSeconds: number;
  samplesSeen: number;
  bestEpoch: number | null;
  /** The best epoch's monitored value (monitoredValue: train.best's figure, lower is better) and its loss. */
  bestScore: number;
  bestLoss: number;
  /** The reference loss of early stopping, and epochs without improving on it. */
  esBest: number;
  wait: number;
}

/** The training sums of one epoch, or why the epoch ended early. */
type EpochResult =
  | { ended: false; lossSum: number; scoreSum: number; seen: number; stepSeconds: number; parts: LossPartSums }
  | { ended: true; status: 'stopped' | 'failed'; reason: string; stoppedIn: StoppedPhase | null };

/** Trains `model` in place; the best weights are restored into it before the test pass. */
export async function trainModel(tf: TF, model: EngineModel, data: TrainData, options: TrainOptions, hooks: TrainHooks = {}): Promise<TrainOutcome> {
  const cfg = options.config;
  const task = options.task ?? createTask('classification', { loss: cfg.loss, classes: data.classes });
  const epochs = options.epochs ?? cfg.epochs;
  // Each stage freezes its layers and starts a fresh optimizer and schedule (one stage without train.stages).
  const plan = stagePlan(cfg, epochs);
  const scale = (name: string) => options.lrMultipliers?.get(layerIndex(name)) ?? 1;
  let stage: { index: number; optimizer: Optimizer; schedule: Schedule } | undefined;
  const enterStage = (index: number) => {
    const s = plan[index];
    if (s.frozen) model.freeze(s.frozen);
    stage?.optimizer.dispose();
    stage = { index, optimizer: createOptimizer(tf, cfg, model.trainable, scale), schedule: createSchedule(s.lr, s.epochs, cfg.schedule) };
    if (cfg.stages?.length) hooks.onStage?.(index, plan.length, s);
    return stage;
  };
  // What a stage trains: the head on cached features, or the model on the images.
  const cached = options.cached;
  const onFeatures = (index: number) => cached !== undefined && index < cached.stages;
  const allCached = cached !== undefined && cached.stages >= plan.length;
  // The best weights of an epoch on features must still be whole after later stages trained the layers before the head.
  const kept = allCached ? cached.head : model;
  const best = new WeightSnapshot(tf);
  // Pipelines that work per image run on batch workers, ahead of the steps; lookup-table batches need none.
  const perImage = runsPerImage(options.transforms?.train, options.noise) || runsPerImage(options.transforms?.test, options.noise);
  const pool = perImage && !allCached ? BatchPool.start(options.dataWorkers) : undefined;
  // Without a validation set, best weights, early stopping and plateau monitor the training loss (and say so).
  const validated = data.validation.count > 0;
  const state: LoopState = { trainSeconds: 0, samplesSeen: 0, bestEpoch: null, bestScore: Infinity, bestLoss: Infinity, esBest: Infinity, wait: 0 };
  const outcome = (status: TrainOutcome['status'], reason: string | null, epochsCompleted: number, test: TestMetrics | null = null, stoppedIn: StoppedPhase | null = null): TrainOutcome => ({
    status,
    stoppedIn,
    reason,
    epochsCompleted,
    bestEpoch: state.bestEpoch,
    bestValLoss: state.bestEpoch === null || !validated ? null : state.bestLoss,
    trainSeconds: state.trainSeconds,
    samplesSeen: state.samplesSeen,
    test,
  });
  const evalOptions = { batchSize: cfg.batch_size, task, pool, transforms: options.transforms?.test, noise: options.noise, seed: cfg.seed, shouldStop: hooks.shouldStop, beforeBatch: hooks.beforeBatch, forward: options.forward };
  const featureOptions = { ...evalOptions, pool: undefined, transforms: undefined, noise: undefined, forward: undefined };
  const stageInput = (index: number) =>
    onFeatures(index) && cached
      ? { net: cached.head, sets: cached.data, evaluation: featureOptions, training: { ...options, transforms: undefined, noise: undefined, steps: undefined, pool: undefined } }
      : { net: model, sets: data, evaluation: evalOptions, training: { ...options, pool } };
  /** The test pass with the best weights, then the outcome (stopped when a stop request ended the pass). */
  const finish = async (reason: string | null, epochsCompleted: number): Promise<TrainOutcome> => {
    if (!best.empty) best.restore(kept);
    const last = stageInput(plan.length - 1);
    if (last.sets.test.count === 0) return outcome('done', reason, epochsCompleted);
    hooks.onPhase?.('test', epochsCompleted);
    const test = await evaluate(tf, last.net, last.sets.test, { ...last.evaluation, onOutputs: hooks.onTestOutputs });
    return test ? outcome('done', reason, epochsCompleted, test) : outcome('stopped', 'stopped during the test pass', epochsCompleted, null, 'test');
  };

  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const index = stageOf(plan, epoch);
      const { optimizer, schedule } = stage?.index === index ? stage : enterStage(index);
      const lr = schedule.lr(epoch - plan[index].start);
      const epochStart = Date.now();
      const { net, sets, evaluation, training } = stageInput(index);
      const result = await trainEpoch(tf, net, task, (grads) => optimizer.step(grads, lr), sets.train, { ...training, epochs, lr, epoch }, hooks);
      if (result.ended) return outcome(result.status, result.reason, epoch, null, result.stoppedIn);
      state.trainSeconds += result.stepSeconds;
      state.samplesSeen += result.seen;

      let val = null;
      let samples = null;
      if (validated) {
        hooks.onPhase?.('validation', epoch + 1);
        const pass = await validate(tf, net, sets.validation, evaluation, epoch + 1);
        if (!pass) return outcome('stopped', `stopped at epoch ${epoch + 1} during validation`, epoch, null, 'validation');
        [val, samples] = [pass.metrics, pass.samples];
      }
      const trainLoss = result.lossSum / Math.max(result.seen, 1);
      const record = {
        kind: 'epoch' as const,
        epoch: epoch + 1,
        loss: trainLoss,
        accuracy: task.epochScore(result.scoreSum, result.seen),
        valLoss: val ? val.loss : null,
        valAccuracy: val ? val.accuracy : null,
        ...task.epochFields(val),
        ...optionalParts('lossParts', result.parts.means()),
        ...optionalParts('valLossParts', val?.lossParts),
        lr,
        seconds: (Date.now() - epochStart) / 1000,
        samplesPerSecond: result.seen / Math.max(result.stepSeconds, 1e-9),
      };
      // train.best's figure (any task's, read from the record), lower is better.
      const monitored = monitoredValue(record, cfg.best);
      const improved = monitored < state.bestScore;
      if (improved) {
        state.bestScore = monitored;
        state.bestLoss = val ? val.loss : trainLoss;
        state.bestEpoch = epoch + 1;
        await best.capture(kept);
      }
      // The plateau schedule watches the loss, as its documentation says, whatever picks the best epoch.
      schedule.epochEnd(val ? val.loss : trainLoss);
      await hooks.onEpoch?.({ ...record, best: improved, time: new Date().toISOString() });
      if (samples) hooks.onSamples?.(samples);
      const stop = cfg.early_stopping ? earlyStop(state, monitored, cfg.early_stopping, validated ? monitoredLabel(true, cfg.best) : 'training loss (no validation set)') : null;
      // Awaited: the finally below stops the batch workers, which the test pass still uses.
      if (stop) return await finish(stop, epoch + 1);
    }
    return await finish(null, epochs);
  } finally {
    stage?.optimizer.dispose();
    best.dispose();
    await pool?.dispose();
  }
}

/** One pass over the training set: steps, throttled progress, NaN detection, stop requests between batches. */
async function trainEpoch(
  tf: TF,
  model: EngineModel,
  task: EngineTask,
  step: (grads: NamedTensorMap) => void,
  train: ImageSet,
  options: TrainOptions & { epochs: number; lr: number; epoch: number; pool?: BatchPool },
  hooks: TrainHooks,
): Promise<EpochResult> {
  const { config: cfg, epoch, epochs, lr } = options;
  const vars = model.trainable.map((p) => p.variable);
  const steps = options.steps ?? localSteps(options.profile?.clock);
  const batchCount = countBatches(train.count, cfg.batch_size);
  const sums = { lossSum: 0, scoreSum: 0, seen: 0, stepSeconds: 0, parts: new LossPartSums() };
  let lastEmit = 0;
  let batchIndex = 0;
  const stream = new Lookahead(prefetchBatches(train, { batchSize: cfg.batch_size, shuffle: true, seed: cfg.seed, epoch, transforms: options.transforms?.train, noise: options.noise }, options.pool));
  const upcoming = () => stream.peek();
  for await (const batch of stream) {
    if (hooks.shouldStop?.()) return { ended: true, status: 'stopped', reason: `stopped at epoch ${epoch + 1} batch ${batchIndex + 1}`, stoppedIn: 'training' };
    hooks.beforeBatch?.();
    batchIndex += 1;
    const t0 = performance.now();
    const [lossValue, scoreValue, parts] = await steps.run(tf, model, task, vars, step, batch, train, upcoming);
    sums.stepSeconds += (performance.now() - t0) / 1000;
    if (!Number.isFinite(lossValue)) {
      const what = Number.isNaN(lossValue) ? 'NaN' : 'infinite';
      return { ended: true, status: 'failed', stoppedIn: null, reason: `loss became ${what} at epoch ${epoch + 1} batch ${batchIndex}: learning rate too high? (lr=${lr})` };
    }
    sums.lossSum += lossValue * batch.size;
    sums.scoreSum += scoreValue;
    sums.seen += batch.size;
    if (task.lossParts) sums.parts.add(parts, batch.size);
    const record = batchIndex % (options.metricsEveryBatches ?? 20) === 0;
    if (record || batchIndex === batchCount || Date.now() - lastEmit >= (options.progressIntervalMs ?? 100)) {
      lastEmit = Date.now();
      const sps = sums.seen / Math.max(sums.stepSeconds, 1e-9);
      const remaining = (epochs - epoch - 1) * train.count + (train.count - sums.seen);
      const metrics: BatchMetrics = {
        kind: 'batch',
        epoch: epoch + 1,
        batch: batchIndex,
        batches: batchCount,
        loss: sums.lossSum / sums.seen,
        accuracy: task.epochScore(sums.scoreSum, sums.seen),
        lr,
        samplesPerSecond: sps,
        etaSeconds: remaining / sps,
        time: new Date().toISOString(),
      };
      hooks.onBatch?.(metrics, record);
    }
    // Let messages (a stop request, SIGINT) in between batches.
    await yieldToEventLoop();
  }
  return { ended: false, ...sums };
}

/** `{[key]: parts}` when the pass had loss parts, else nothing (the record keeps its keys for tasks without). */
function optionalParts<K extends 'lossParts' | 'valLossParts'>(key: K, parts: Record<string, number> | undefined): Partial<Record<K, Record<string, number>>> {
  return parts ? ({ [key]: parts } as Record<K, Record<string, number>>) : {};
}

/** Early stopping (Keras's rule): stop after `patience` epochs without improving on the best by `min_delta`. */
function earlyStop(state: { wait: number; esBest: number }, monitored: number, es: NonNullable<TrainConfig['early_stopping']>, what: string): string | null {
  const minDelta = es.min_delta ?? 0;
  if (monitored < state.esBest - minDelta) {
    state.esBest = monitored;
    state.wait = 0;
    return null;
  }
  state.wait += 1;
  if (state.wait < es.patience) return null;
  return `early stopping: ${what} did not improve by more than ${minDelta} for ${es.patience} epoch(s)`;
}

