/**
 * What a task means to the pure core: its name, the losses it allows (and the default), the check of the model's
 * output against what the task needs, and what the editor's panels show for it. The trainer's half of a task (targets,
 * loss tensors, metrics) lives in src/trainer/tasks; both are keyed by TaskName.
 */
import type { DiagnosticSink } from '../diagnostics';
import type { ModelCheckInput } from '../infer/modelChecks';
import type { BestMetric } from '../config/bestMetric';
import type { LossName, Shape } from '../types';

export type TaskName = 'classification' | 'reconstruction' | 'segmentation' | 'detection';

/** Which result views a panel offers for a task's runs. */
export interface TaskViews {
  /**
   * The per-epoch chart beside the loss: accuracy for classification, validation MSE in pixels for reconstruction,
   * validation mean IoU (EpochMetrics.valMeanIou) for segmentation, validation mAP@0.5 and mAP@[.5:.95]
   * (EpochMetrics.valMap50, valMap) for detection.
   */
  epochChart: 'accuracy' | 'mse' | 'miou' | 'map';
  /**
   * The results section of the training panel: the confusion matrix; the reconstruction errors; segmentation's
   * per-class IoU and pixel confusion matrix (TestMetrics.segmentation, segmentation-worst.json); detection's per-class
   * AP, precision/recall curves and worst images (TestMetrics.detection, detection-worst.json).
   */
  results: 'confusion' | 'reconstruction' | 'segmentation' | 'detection';
  /** Whether the engine sends a strip of fixed validation images after each epoch (its trainer task makes it). */
  epochSamples: boolean;
  /**
   * The parts of the loss recorded per epoch (EpochMetrics.lossParts, valLossParts, keyed by these names) and charted
   * beside it; absent: the loss is one figure. Detection: classes (focal), boxes (GIoU), centerness (BCE).
   */
  lossParts?: readonly string[];
}

export interface TaskDefinition {
  name: TaskName;
  /** One line for hovers, completion and the generated reference. */
  doc: string;
  /** Losses the task accepts, the default first. */
  losses: readonly LossName[];
  defaultLoss: LossName;
  views: TaskViews;
  /** The validation figures its epochs report, which `train.best` may name (val_loss first). */
  metrics: readonly BestMetric[];
  /**
   * What a training sample's target is: its class label, the image itself, or a class per pixel (the loaders then
   * draw or read a mask per image), or each image's object boxes (detection).
   */
  target: 'label' | 'image' | 'mask' | 'boxes';
  /**
   * The class names of a model that does not list them, from the dataset's (undefined when unknown) and the output
   * shape; default: the dataset's, else one per output value.
   */
  classNames?(datasetClasses: string[] | undefined, output: Shape | undefined): string[] | undefined;
  /** Diagnostics about the model's output shape (and last layer) for this task. */
  checkOutput(m: ModelCheckInput, sink: DiagnosticSink): void;
}
