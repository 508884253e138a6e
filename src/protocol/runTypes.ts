/**
 * What a training run is asked to do and what it reports: the payloads of the trainer protocol and the contents
 * of a run folder (metrics.jsonl lines, summary.json). Pure data: no vscode, tfjs or DOM imports, so the worker,
 * the host, the CLI and the webviews all read the same types.
 */
import type { TaskName } from '../model/tasks/types';
import type { DetectionMetrics } from '../model/detection/averagePrecision';

export type { DetectionMetrics };

/** Every backend choice, as the user writes it (`--backend`, the `cnnLab.backend` setting, protocol messages). */
export const BACKEND_CHOICES = ['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoiceName = (typeof BACKEND_CHOICES)[number];

/** Narrows a user-supplied value to a backend choice. */
export function isBackendChoice(s: unknown): s is BackendChoiceName {
  return (BACKEND_CHOICES as readonly unknown[]).includes(s);
}

/** Everything a run needs; the model file's own `data:`/`train:` sections give the rest. */
export interface RunRequest {
  /** The model file's text (snapshotted into the run folder). */
  modelText: string;
  /** Where the model file lives: relative data paths and the default output folder are resolved from it. */
  modelPath?: string;
  /** Folder that receives `<model-name>/<timestamp>/`. Default: `runs/` next to the model file, or in the cwd. */
  outDir?: string;
  /** Default 'auto'. */
  backend?: BackendChoiceName;
  /** Overrides train.epochs. */
  epochs?: number;
  /** Caps the training set (after the validation split), and the validation set in the same proportion. */
  maxTrainSamples?: number;
  /** Weights (a .pth, .pt, .safetensors file or one of our runs; absolute) to start from instead of the model file's `weights:`. */
  weights?: string;
  /** Largest image decoded, in pixels (`--max-image-pixels`, the `cnnlab.maxImagePixels` setting). */
  maxImagePixels?: number;
  /** Extra folders searched for datasets (e.g. the workspace folders). */
  searchPaths?: string[];
  /** Download / decode cache folder. */
  cacheDir?: string;
  /** Install prefixes that may hold tfjs-node (e.g. the extension's storage). */
  extraModulePaths?: string[];
  /** Emit a batch progress event at most this often (default 100 ms). */
  progressIntervalMs?: number;
  /** Write a batch line to metrics.jsonl every N batches (default 20). */
  metricsEveryBatches?: number;
  /**
   * Data-parallel workers splitting each batch (`--workers`, the `cnnlab.workers` setting; both default to the
   * physical cores). Default here 1: the loop steps in its own thread.
   */
  workers?: number;
}

/** The test pass of a finished or stopped run on one of its checkpoints (`cnnlab evaluate`, the runs view's Evaluate). */
export interface EvaluateRequest {
  runDir: string;
  /** Default: best/ when it exists, else last/. */
  checkpoint?: 'best' | 'last';
  /** Default 'auto'. */
  backend?: BackendChoiceName;
  /** Install prefixes that may hold tfjs-node. */
  extraModulePaths?: string[];
  /** Where to look for the dataset besides what the run's config.json remembers. */
  searchPaths?: string[];
  cacheDir?: string;
  /** Largest test image decoded, in pixels (`--max-image-pixels`, the `cnnlab.maxImagePixels` setting); default the run's. */
  maxImagePixels?: number;
  /**
   * Other weights for the run's model (`--weights`: a .pth, .safetensors or another run), loaded over the checkpoint;
   * the figures are then returned only, not written into the run (they are not its checkpoint's).
   */
  weights?: string;
  /** Data-parallel workers splitting each test batch (`--workers`, the `cnnlab.workers` setting, as for training); default 1. */
  workers?: number;
}

/** What an evaluation wrote into the run (summary.json's `test`, with the checkpoint and class names used). */
export interface EvaluateResult {
  runDir: string;
  checkpoint: 'best' | 'last';
  /** The weights evaluated instead of the checkpoint's (EvaluateRequest.weights). */
  weights?: string;
  classes: string[];
  /** The run's task (what `cnnlab evaluate --json` adds to the line besides testAccuracy and testLoss). */
  task: TaskName;
  test: TestMetrics;
}

/** One line of metrics.jsonl written during an epoch, also the payload of a batch progress event. */
export interface BatchMetrics {
  kind: 'batch';
  /** 1-based epoch. */
  epoch: number;
  /** 1-based batch within the epoch, and the number of batches per epoch. */
  batch: number;
  batches: number;
  /** Running mean loss and accuracy over the epoch so far (accuracy null for tasks without one, e.g. reconstruction). */
  loss: number;
  accuracy: number | null;
  lr: number;
  /** Training samples per second over the epoch so far (time in training steps). */
  samplesPerSecond: number;
  /** Estimated seconds left in the whole run. */
  etaSeconds: number;
  /** ISO time. */
  time: string;
}

/** One line of metrics.jsonl at the end of an epoch, also the payload of an epoch event. */
export interface EpochMetrics {
  kind: 'epoch';
  epoch: number;
  loss: number;
  /** null for tasks without an accuracy (reconstruction). */
  accuracy: number | null;
  /** null when there is no validation set. */
  valLoss: number | null;
  valAccuracy: number | null;
  /** task reconstruction: the validation pass's MSE per element in [0, 1] pixel units (absent for other tasks). */
  valMse?: number | null;
  /**
   * task segmentation: the validation pass's mean IoU over classes (SegmentationMetrics.meanIou; absent for other
   * tasks, null without a validation set). `accuracy` / `valAccuracy` are then pixel accuracies.
   */
  valMeanIou?: number | null;
  /** task detection: the validation pass's mAP@0.5 and mAP@[.5:.95] (DetectionMetrics; absent for other tasks, null without a validation set). */
  valMap50?: number | null;
  valMap?: number | null;
  /**
   * Tasks whose loss has parts (TaskViews.lossParts; detection: classes, boxes, centerness): each part's mean over the
   * epoch's training batches (absent when the steps did not report them: data-parallel workers) and over the
   * validation pass (absent without one).
   */
  lossParts?: Record<string, number>;
  valLossParts?: Record<string, number>;
  lr: number;
  seconds: number;
  samplesPerSecond: number;
  /** Whether this epoch's weights became best/. */
  best: boolean;
  time: string;
}

export type MetricRecord = BatchMetrics | EpochMetrics;

/** An evaluation pass (validation, or the test pass with the best weights). */
export interface TestMetrics {
  loss: number;
  /** null for tasks without an accuracy (reconstruction). */
  accuracy: number | null;
  /** Accuracy per class (NaN-free: a class without test samples gets null); empty without an accuracy. */
  perClassAccuracy: Array<number | null>;
  /** confusion[trueClass][predictedClass] = count; empty for tasks without class predictions. */
  confusion: number[][];
  samples: number;
  /** The loss's parts over the pass (tasks whose loss has parts, TaskViews.lossParts). */
  lossParts?: Record<string, number>;
  /** task reconstruction. */
  reconstruction?: ReconstructionMetrics;
  /**
   * task segmentation. The generic fields then count pixels, not images: `accuracy` is the pixel accuracy,
   * `perClassAccuracy` each class's pixel recall, `confusion[true][predicted]` pixel counts (ignored pixels left out);
   * `samples` stays the number of images.
   */
  segmentation?: SegmentationMetrics;
  /**
   * task detection: COCO's figures of the pass (averagePrecision.ts): mAP@0.5, mAP@[.5:.95], per-class AP and the
   * precision/recall envelope at IoU 0.5. `accuracy` is then null, perClassAccuracy and confusion empty.
   */
  detection?: DetectionMetrics;
}

/**
 * Per-pixel metrics of a segmentation pass, all from one pixel confusion matrix (ignore-index pixels left out):
 * IoU_c = TP / (TP + FP + FN), Dice_c = 2·TP / (2·TP + FP + FN); a class with neither truth nor prediction pixels
 * has null IoU and Dice and is left out of the means.
 */
export interface SegmentationMetrics {
  /** Correct pixels / counted pixels (the same value as TestMetrics.accuracy). */
  pixelAccuracy: number;
  /** Mean of perClassIou over the non-null classes. */
  meanIou: number;
  perClassIou: Array<number | null>;
  /** Mean of perClassDice over the non-null classes. */
  meanDice: number;
  perClassDice: Array<number | null>;
  /** Pixels counted in the matrix, and pixels skipped because their mask value was the ignore index. */
  pixels: number;
  ignoredPixels: number;
  /** The mask value that marks pixels to ignore (train.ignore_index, 255 by default). */
  ignoreIndex: number;
}

/** Reconstruction errors, always in [0, 1] pixel units whatever the normalisation. */
export interface ReconstructionMetrics {
  /** Mean squared error per element. */
  mse: number;
  /** Mean per-image MSE of each class (null: no test image of that class). */
  perClassError: Array<number | null>;
  /** With data.include_classes: how well the error separates the excluded classes (anomalies) from the included. */
  anomaly: AnomalyMetrics | null;
}

export interface AnomalyMetrics {
  includedClasses: number[];
  /** Area under the ROC curve of "error > t ⇒ anomaly". */
  auroc: number;
  /** The error threshold maximising Youden's J (true-positive rate − false-positive rate), and its rates. */
  threshold: number;
  truePositiveRate: number;
  falsePositiveRate: number;
}

/**
 * 'interrupted' is never written: readers derive it for a 'running' summary whose owner process is gone (killed,
 * crashed, machine rebooted).
 */
export type RunStatus = 'running' | 'done' | 'stopped' | 'failed' | 'interrupted';

/** The process that trains a run. */
export interface RunOwner {
  pid: number;
  host: string;
  /** When the owning process started (ISO): tells a reused pid apart. */
  startedAt: string;
}

/** A training loss that exploded but stayed finite (definition: src/trainer/engine/divergence.ts). */
export interface Divergence {
  /** The first epoch whose mean training loss exceeded `factor` × `firstLoss`. */
  epoch: number;
  loss: number;
  /** The first loss the run reported (batch 1 of epoch 1). */
  firstLoss: number;
  factor: number;
}

/** The divergence warning in words, for the CLI log and the training panel. */
export function divergenceMessage(d: Divergence): string {
  return `training diverged: the loss reached ${d.loss.toPrecision(3)} at epoch ${d.epoch}, over ${d.factor}× its first value (${d.firstLoss.toPrecision(3)}); lower the learning rate`;
}

/** summary.json: written when the run starts, after every epoch and at the end. */
export interface RunSummary {
  version: 1;
  model: string;
  /** The model file's task (absent in runs from before tasks existed: classification). */
  task?: string;
  status: RunStatus;
  /** The backend actually used and its description. */
  backend: string;
  backendDescription: string;
  dataset: string;
  datasetSource: string;
  classes: string[];
  /** Planned epochs and epochs completed. */
  epochs: number;
  epochsCompleted: number;
  trainSamples: number;
  validationSamples: number;
  testSamples: number;
  batchSize: number;
  /** Training samples over the time spent in training steps. */
  samplesPerSecond: number;
  trainSeconds: number;
  totalSeconds: number;
  bestEpoch: number | null;
  bestValLoss: number | null;
  test: TestMetrics | null;
  /** The checkpoint `test` was measured with when it was measured after training (`cnnlab evaluate`). */
  testCheckpoint?: 'best' | 'last';
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  /** Why training ended early (early stopping, cancelled, NaN loss), when it did. */
  stopReason: string | null;
  /** The error of a failed run. */
  error: string | null;
  /** Set when the training loss diverged (absent in runs recorded before it existed). */
  divergence?: Divergence | null;
  /** The training process, and its latest sign of life (rewritten every few seconds while running). */
  owner?: RunOwner;
  heartbeatAt?: string;
}
