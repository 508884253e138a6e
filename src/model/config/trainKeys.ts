/** The `train:` section: its keys (single source of truth for completion and hovers) and its defaults. */
import type { LossName, OptimizerName, ScheduleConfig, TrainConfig } from '../types';
import { BEST_METRIC_NAMES, DEFAULT_BEST_METRIC, type BestMetric } from './bestMetric';
import type { ConfigObject, SectionSchema } from './schema';

export const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'adam', 'adamw', 'rmsprop'];
export const LOSSES: readonly LossName[] = ['cross_entropy', 'nll', 'mse', 'bce', 'l1', 'bce_with_logits', 'dice', 'cross_entropy_dice', 'fcos'];
/** The mask value segmentation ignores by default (VOC's object borders), as torch's ignore_index would be set. */
export const DEFAULT_IGNORE_INDEX = 255;

/**
 * Defaults of the optional schedule settings, as torch's schedulers have them (StepLR gamma, ReduceLROnPlateau
 * patience/factor, min_lr). step_size has none: a step schedule must give it. The trainer's schedules import these.
 */
export const SCHEDULE_DEFAULTS = { gamma: 0.1, patience: 10, factor: 0.1, min_lr: 0 } as const satisfies Partial<Record<keyof ScheduleConfig, number>>;

export const TRAIN_KEYS: SectionSchema = {
  epochs: { type: 'int', min: 1, max: 10000, default: 10, doc: 'Passes over the whole training set.' },
  batch_size: { type: 'int', min: 1, max: 65536, default: 64, doc: 'Images per gradient step. Larger batches are faster per image but give fewer, smoother updates.' },
  optimizer: { type: 'enum', values: OPTIMIZERS, default: 'adam', doc: 'How weights are updated from gradients: sgd (with optional momentum), adam, adamw (decoupled weight decay) or rmsprop.' },
  lr: { type: 'number', min: 1e-12, max: 10, default: 0.001, doc: 'Learning rate: the step size of each update. Default 0.001 (adam, adamw, rmsprop) or 0.01 (sgd).' },
  momentum: { type: 'number', min: 0, max: 0.9999, default: 0, doc: 'sgd/rmsprop: fraction of the previous update carried over, smoothing the descent (0.9 is common).' },
  nesterov: { type: 'bool', default: false, doc: 'sgd: Nesterov momentum (look ahead before computing the gradient).' },
  weight_decay: { type: 'number', min: 0, max: 1, default: 0, doc: 'L2 penalty pulling weights towards 0 (decoupled for adamw): a regulariser.' },
  loss: { type: 'enum', values: LOSSES, default: 'cross_entropy', doc: 'cross_entropy (class scores, softmax included), nll (after LogSoftmax), mse, bce (binary, after Sigmoid), l1 (mean absolute error), bce_with_logits (bce with the sigmoid included), dice (segmentation: 1 − the soft Dice of each class, averaged), cross_entropy_dice (segmentation: cross_entropy + dice) or fcos (detection: sigmoid focal loss for the classes + GIoU for the boxes + BCE for the centre-ness, each weight 1). Each task accepts some of them; the default is the task’s (cross_entropy for classification and segmentation, per pixel for segmentation).' },
  class_weights: { type: 'numbers', min: 0, doc: 'cross_entropy and cross_entropy_dice: one weight per class (torch’s CrossEntropyLoss(weight=…)), e.g. [0.2, 1, 1] to count background pixels less; the loss is the weighted mean.' },
  ignore_index: { type: 'int', min: 0, max: 255, default: 255, doc: 'segmentation: mask value of pixels that count in no loss and no metric (VOC marks object borders 255), as torch’s ignore_index.' },
  early_stopping: {
    type: 'object',
    doc: 'Stop when the validation loss (or the figure train.best names) has not improved for `patience` epochs, keeping the best weights.',
    keys: {
      patience: { type: 'int', min: 1, required: true, doc: 'Epochs without improvement before stopping.' },
      min_delta: { type: 'number', min: 0, default: 0, doc: 'Smallest change of the watched figure (a decrease of a loss, an increase of an accuracy or mIoU) that counts as an improvement.' },
    },
  },
  best: { type: 'enum', values: BEST_METRIC_NAMES, default: DEFAULT_BEST_METRIC, doc: 'The validation figure that picks the best epoch (best/, the weights the test pass uses) and that early_stopping watches: val_loss (lowest), val_accuracy (highest; pixel accuracy for segmentation), val_mse (reconstruction, lowest), val_miou (segmentation, highest), val_map50 or val_map (detection: mAP@0.5, mAP@[.5:.95], highest). Each task reports some of them.' },
  schedule: {
    type: 'object',
    doc: 'Changes the learning rate during training.',
    keys: {
      type: { type: 'enum', values: ['step', 'cosine', 'plateau'], required: true, doc: 'step: multiply by gamma every step_size epochs; cosine: anneal to min_lr; plateau: multiply by factor when the validation loss stalls for patience epochs.' },
      step_size: { type: 'int', min: 1, doc: 'step: epochs between decays (required for step).' },
      gamma: { type: 'number', min: 0, max: 1, default: SCHEDULE_DEFAULTS.gamma, doc: 'step: multiplier applied at each decay.' },
      patience: { type: 'int', min: 1, default: SCHEDULE_DEFAULTS.patience, doc: 'plateau: epochs without improvement before reducing.' },
      factor: { type: 'number', min: 0, max: 1, default: SCHEDULE_DEFAULTS.factor, doc: 'plateau: multiplier applied when reducing (e.g. 0.5).' },
      min_lr: { type: 'number', min: 0, default: SCHEDULE_DEFAULTS.min_lr, doc: 'cosine and plateau: lower bound of the learning rate.' },
    },
  },
  freeze: { type: 'layers', doc: 'Layers whose weights stay as they are (PyTorch’s `requires_grad_(False)`): a list of module or block names (`[conv1, bn1, layer1]`), `{until: layer3}` for every layer through the last one inside layer3, or `all`. Frozen BatchNorm layers keep evaluation mode (their running statistics do not move); the summary counts their parameters as non-trainable.' },
  lr_multipliers: { type: 'multipliers', doc: 'A factor of `lr` per module or block, as torch’s parameter groups: `{fc: 10}` trains a new head ten times faster than the rest; the most specific name wins; 0 stops a layer’s updates.' },
  stages: { type: 'stages', doc: 'Consecutive trainings, each `{epochs, lr, freeze, unfreeze}`: e.g. `[{epochs: 3, freeze: {until: layer4}}, {epochs: 5, unfreeze: all, lr: 0.0001}]` trains the head, then fine-tunes everything at a lower rate. Each stage starts a fresh optimizer and schedule; the epochs add up to `epochs`.' },
  seed: { type: 'int', default: 42, doc: 'Seed of every random choice (initial weights, shuffling, augmentation, validation split) so runs can be repeated.' },
};

/** Applies the defaults to what the section says (already validated against TRAIN_KEYS); the loss defaults to the task's. */
export function toTrainConfig(read: ConfigObject, defaultLoss: LossName = 'cross_entropy'): TrainConfig {
  const optimizer = (read.optimizer as OptimizerName | undefined) ?? 'adam';
  const config: TrainConfig = {
    epochs: (read.epochs as number | undefined) ?? 10,
    batch_size: (read.batch_size as number | undefined) ?? 64,
    optimizer,
    lr: (read.lr as number | undefined) ?? (optimizer === 'sgd' ? 0.01 : 0.001),
    momentum: (read.momentum as number | undefined) ?? 0,
    nesterov: (read.nesterov as boolean | undefined) ?? false,
    weight_decay: (read.weight_decay as number | undefined) ?? 0,
    loss: (read.loss as LossName | undefined) ?? defaultLoss,
    seed: (read.seed as number | undefined) ?? 42,
    ignore_index: (read.ignore_index as number | undefined) ?? DEFAULT_IGNORE_INDEX,
  };
  if (read.class_weights !== undefined) config.class_weights = read.class_weights as number[];
  if (read.best !== undefined) config.best = read.best as BestMetric;
  const es = read.early_stopping as ConfigObject | undefined;
  if (es?.patience !== undefined) config.early_stopping = { patience: es.patience as number, ...(es.min_delta !== undefined ? { min_delta: es.min_delta as number } : {}) };
  const schedule = read.schedule as ConfigObject | undefined;
  if (schedule?.type !== undefined) config.schedule = schedule as unknown as TrainConfig['schedule'];
  return config;
}
