/**
 * The trainer's half of a task: what the training loop and the evaluation passes ask of it. The loop and evaluate()
 * call only this interface, so a new task (segmentation, detection) is one module and one registry entry here plus
 * its core definition in src/model/tasks.
 */
import type { DecodeOptions } from '../../model/detection/postprocess';
import type { LossName, ModelAnalysis, TaskName } from '../../model/types';
import type { EpochMetrics, TestMetrics } from '../../protocol/runTypes';
import type { SampleStrip } from '../../protocol/sampleStrip';
import type { Normalization } from '../datasets/batches';
import type { Batch, ImageSet, LoadedDataset } from '../datasets/types';
import type { Scalar, TF, Tensor } from '../engine/tf';

/** What a task instance is made from. */
export interface TaskContext {
  loss: LossName;
  classes: string[];
  normalize?: Normalization;
  /** data.include_classes as indices: the classes training saw (the others are anomalies); absent: all. */
  includedClasses?: number[];
  /** train.class_weights (segmentation's cross_entropy). */
  classWeights?: number[];
  /** train.ignore_index (segmentation): mask value that counts nowhere. Default 255. */
  ignoreIndex?: number;
  /** The model's output per sample (analysis.outputShape): detection reads its head's map size from it. */
  outputShape?: number[];
  /** Detection: how the head's outputs are decoded (the DetectionHead's score_thresh, nms_thresh, …). Default DECODE_DEFAULTS. */
  decode?: DecodeOptions;
}

/** The model's input and the loss's target for one batch. */
export interface BatchTensors {
  input: Tensor;
  target: Tensor;
}

/** Accumulates one evaluation pass (validation or test) batch by batch. */
export interface TaskEvaluation {
  /** One batch: its samples `start …` of the set, the model's raw outputs (row-major) and the batch's mean loss. */
  add(batch: Batch, start: number, outputs: Float32Array, meanLoss: number): void;
  result(): TestMetrics;
  /** The pass's strip of fixed images for the panel (the task's views.epochSamples), made by `epoch`'s weights; null: none. */
  samples(epoch: number): SampleStrip | null;
}

/** Per-sample results of the test pass, written into the run folder (thumbnails, errors…). */
export interface TestRecorder {
  addBatch(set: ImageSet, start: number, labels: ArrayLike<number>, outputs: ArrayLike<number>): void;
  readonly count: number;
  write(dir: string): void;
}

export interface EngineTask {
  readonly name: TaskName;
  /** The model's input and the target of one batch (called inside tf.tidy). */
  tensors(tf: TF, batch: Batch, set: ImageSet): BatchTensors;
  /** Mean loss of a batch. */
  loss(tf: TF, output: Tensor, target: Tensor): Scalar;
  /**
   * What the batch's loss (a sum) is divided by, when it is not its rows: detection's positive locations, at least 1.
   * Data-parallel workers weight each shard's loss by it (parallel/shardShares.ts) so that their sum is the batch's.
   */
  lossDivisor?(batch: Batch): number;
  /** The loss's parts, each a batch mean as the loss is, named as the core task's views.lossParts (recorded per epoch). */
  lossParts?(tf: TF, output: Tensor, target: Tensor): Record<string, Scalar>;
  /** The batch's sum of the score shown while training (correct predictions for classification). */
  batchScore(tf: TF, output: Tensor, target: Tensor): Scalar;
  /** The training score (accuracy) of an epoch so far, from the sums of batchScore; null when the task has none. */
  epochScore(scoreSum: number, seen: number): number | null;
  evaluation(set: ImageSet): TaskEvaluation;
  /** The task's own fields of an epoch record, from its validation pass (null without one): reconstruction's valMse. */
  epochFields(validation: TestMetrics | null): Partial<EpochMetrics>;
  /** Throws with an actionable message when the loaded dataset cannot train this model for this task. */
  checkData(analysis: ModelAnalysis, dataset: LoadedDataset): void;
  testRecorder(dataset: LoadedDataset): TestRecorder;
}
