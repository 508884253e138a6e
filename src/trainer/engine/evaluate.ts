/**
 * Evaluation passes (validation after each epoch, test at the end): dropout off, BatchNorm on running statistics.
 * The task turns each batch's outputs into its metrics (accuracy and confusion matrix for classification). Like
 * training, a pass yields to the event loop after every batch and honours a stop request before the next one.
 */
import type { NoiseConfig, TransformStep } from '../../model/types';
import type { TestMetrics } from '../../protocol/runTypes';
import type { SampleStrip } from '../../protocol/sampleStrip';
import type { BatchPool } from '../datasets/batchPool';
import { prefetchBatches } from '../datasets/prefetch';
import type { ImageSet } from '../datasets/types';
import type { EngineTask, TaskEvaluation } from '../tasks/registry';
import { yieldToEventLoop } from './eventLoop';
import { LossPartSums } from './lossParts';
import type { EngineModel } from './model';
import { localForward, type ForwardRunner } from './steps';
import type { TF } from './tf';

export interface EvaluateOptions {
  batchSize: number;
  task: EngineTask;
  /** The test pipeline's per-batch steps (e.g. Normalize). */
  transforms?: readonly TransformStep[];
  /** Input noise (denoising): the same seeded corruption in every pass, so losses compare across epochs. */
  noise?: NoiseConfig;
  seed?: number;
  /** Batch workers that run the pipeline ahead of the forward passes (see prefetch.ts); default this thread. */
  pool?: BatchPool;
  /**
   * Receives the raw outputs (batch × output values, row-major) of samples `start … start + labels.length − 1`, in
   * set order: the test pass's per-sample records come from the same forward pass as its metrics.
   */
  onOutputs?(start: number, labels: Int32Array, outputs: Float32Array): void;
  /** Checked before every batch: true ends the pass, which then returns null. */
  shouldStop?(): boolean;
  /** Called before every batch (a test hook simulates heavy batches with it). */
  beforeBatch?(): void;
  /** Computes the forward passes (data-parallel workers); default in this thread. */
  forward?: ForwardRunner;
}

/** The task's metrics of `model` on `set`; null when a stop request ended the pass. */
export async function evaluate(tf: TF, model: EngineModel, set: ImageSet, options: EvaluateOptions): Promise<TestMetrics | null> {
  return (await evaluationPass(tf, model, set, options))?.result() ?? null;
}

/** The validation pass after epoch `epoch`: its metrics, and the task's strip of fixed images (null when it has none). */
export async function validate(tf: TF, model: EngineModel, set: ImageSet, options: EvaluateOptions, epoch: number): Promise<{ metrics: TestMetrics; samples: SampleStrip | null } | null> {
  const evaluation = await evaluationPass(tf, model, set, options);
  return evaluation && { metrics: evaluation.result(), samples: evaluation.samples(epoch) };
}

async function evaluationPass(tf: TF, model: EngineModel, set: ImageSet, options: EvaluateOptions): Promise<TaskEvaluation | null> {
  const { task } = options;
  const evaluation = task.evaluation(set);
  const parts = new LossPartSums();
  let start = 0;
  const stream = prefetchBatches(set, { batchSize: options.batchSize, shuffle: false, seed: options.seed ?? 0, transforms: options.transforms, noise: options.noise }, options.pool);
  const forward = (options.forward ?? localForward).forwardPass(tf, model, task, set);
  for await (const batch of stream) {
    if (options.shouldStop?.()) return null;
    options.beforeBatch?.();
    const { loss: lossValue, outputs, parts: partValues } = await forward(batch);
    options.onOutputs?.(start, batch.y, outputs);
    evaluation.add(batch, start, outputs, lossValue);
    if (partValues) parts.add(partValues, batch.size);
    start += batch.size;
    await yieldToEventLoop();
  }
  const means = parts.means();
  // The task's result with the pass's loss parts (tasks whose loss has parts).
  return means ? { add: (...args) => evaluation.add(...args), samples: (epoch) => evaluation.samples(epoch), result: () => ({ ...evaluation.result(), lossParts: means }) } : evaluation;
}
