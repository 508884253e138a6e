/**
 * `train.best`: the validation figure that picks the best epoch (the best/ checkpoint, the weights the test pass
 * uses) and that early stopping watches. Each has a direction; the loop and the panels compare "lower is better"
 * values (monitoredValue in src/protocol/monitoredMetric.ts), so a metric to maximise is negated there.
 */
export type BestMetric = 'val_loss' | 'val_accuracy' | 'val_mse' | 'val_miou' | 'val_map50' | 'val_map';

export interface BestMetricInfo {
  /** 'min': a lower value is better (losses, errors); 'max': a higher one (accuracy, IoU). */
  direction: 'min' | 'max';
  /** In sentences: "early stopping: validation mIoU did not improve…". */
  label: string;
}

export const BEST_METRICS: Readonly<Record<BestMetric, BestMetricInfo>> = {
  val_loss: { direction: 'min', label: 'validation loss' },
  val_accuracy: { direction: 'max', label: 'validation accuracy' },
  val_mse: { direction: 'min', label: 'validation MSE' },
  val_miou: { direction: 'max', label: 'validation mIoU' },
  val_map50: { direction: 'max', label: 'validation mAP@0.5' },
  val_map: { direction: 'max', label: 'validation mAP@[.5:.95]' },
};

export const BEST_METRIC_NAMES = Object.keys(BEST_METRICS) as BestMetric[];
export const DEFAULT_BEST_METRIC: BestMetric = 'val_loss';
