/**
 * The number that "best" and early stopping compare for an epoch, lower is better, from its metrics.jsonl record:
 * the figure `train.best` names (negated when higher is better), or the training loss for an epoch without a
 * validation pass. The training loop decides with it and the Training panel replays the same rule.
 */
import { BEST_METRICS, DEFAULT_BEST_METRIC, type BestMetric } from '../model/config/bestMetric';
import type { EpochMetrics } from './runTypes';

type MonitoredFields = Pick<EpochMetrics, 'loss' | 'valLoss' | 'valAccuracy' | 'valMse' | 'valMeanIou' | 'valMap50' | 'valMap'>;

/** Where each train.best figure is in an epoch record (also what the exported train.py reads). */
export const BEST_METRIC_FIELDS: Readonly<Record<BestMetric, Exclude<keyof MonitoredFields, 'loss'>>> = {
  val_loss: 'valLoss',
  val_accuracy: 'valAccuracy',
  val_mse: 'valMse',
  val_miou: 'valMeanIou',
  val_map50: 'valMap50',
  val_map: 'valMap',
};

export function monitoredValue(record: MonitoredFields, metric: BestMetric = DEFAULT_BEST_METRIC): number {
  if (record.valLoss === null) return record.loss;
  const value = record[BEST_METRIC_FIELDS[metric]];
  // A figure the pass did not produce (NaN mIoU when no class has pixels) never counts as an improvement.
  if (typeof value !== 'number' || Number.isNaN(value)) return Infinity;
  return BEST_METRICS[metric].direction === 'max' ? -value : value;
}

/** What the monitored value is, in words: the metric's label, or the training loss without a validation set. */
export function monitoredLabel(validated: boolean, metric: BestMetric = DEFAULT_BEST_METRIC): string {
  return validated ? BEST_METRICS[metric].label : 'training loss';
}
