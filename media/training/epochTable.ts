/**
 * The Training panel's table of epochs: one row per epoch with the best epoch marked, and the early-stopping
 * state line ("2/5 epochs without improvement"), computed with the engine's rule (Keras's: an epoch improves
 * when the monitored figure, train.best's, improves on the best by more than min_delta). Pure: tested in Node.
 */
import { monitoredLabel, monitoredValue } from '../../src/protocol/monitoredMetric';
import type { EpochMetrics, RunSummary } from '../../src/protocol/runTypes';
import type { EarlyStoppingConfig } from '../../src/protocol/webview-training';

/** An epoch record's columns; `best` marks the epoch whose weights are the run's best (best/). */
export type EpochRow = Pick<EpochMetrics, 'epoch' | 'loss' | 'accuracy' | 'valLoss' | 'valAccuracy' | 'valMse' | 'valMeanIou' | 'valMap50' | 'valMap' | 'lr' | 'seconds' | 'best'>;

export interface EarlyStoppingState {
  /** Off, counting, or triggered. */
  kind: 'off' | 'waiting' | 'stopped';
  /** Epochs in a row without improvement, and the patience. */
  wait: number;
  patience: number;
  text: string;
}

export interface EpochTableView {
  rows: EpochRow[];
  bestEpoch: number | null;
  earlyStopping: EarlyStoppingState;
}

/** Builds the table from the epoch records (in order) and the summary, if any. */
export function epochTable(epochs: readonly EpochMetrics[], summary: RunSummary | null, es: EarlyStoppingConfig | null): EpochTableView {
  const bestEpoch = summary?.bestEpoch ?? lastImproved(epochs);
  const rows = epochs.map((e) => ({
    epoch: e.epoch, loss: e.loss, accuracy: e.accuracy, valLoss: e.valLoss, valAccuracy: e.valAccuracy, valMse: e.valMse ?? null, valMeanIou: e.valMeanIou ?? null, valMap50: e.valMap50 ?? null, valMap: e.valMap ?? null, lr: e.lr, seconds: e.seconds,
    best: e.epoch === bestEpoch,
  }));
  return { rows, bestEpoch, earlyStopping: earlyStoppingState(epochs, summary, es) };
}

function lastImproved(epochs: readonly EpochMetrics[]): number | null {
  for (let i = epochs.length - 1; i >= 0; i--) if (epochs[i].best) return epochs[i].epoch;
  return null;
}

/** Replays the early-stopping rule over the epochs: how many epochs in a row did not improve. */
export function earlyStoppingState(epochs: readonly EpochMetrics[], summary: RunSummary | null, es: EarlyStoppingConfig | null): EarlyStoppingState {
  if (!es) return { kind: 'off', wait: 0, patience: 0, text: 'Early stopping: off' };
  let best = Infinity;
  let wait = 0;
  for (const e of epochs) {
    const monitored = monitoredValue(e, es.metric);
    if (monitored < best - es.minDelta) {
      best = monitored;
      wait = 0;
    } else {
      wait += 1;
    }
  }
  const monitoredName = monitoredLabel(epochs.some((e) => e.valLoss !== null), es.metric);
  const reason = summary?.stopReason ?? '';
  if (/early stopping/i.test(reason) || wait >= es.patience) {
    const at = epochs.length ? ` after epoch ${epochs[epochs.length - 1].epoch}` : '';
    return { kind: 'stopped', wait, patience: es.patience, text: `Early stopping: stopped${at} (${monitoredName} did not improve for ${es.patience} epoch${es.patience === 1 ? '' : 's'})` };
  }
  return {
    kind: 'waiting',
    wait,
    patience: es.patience,
    text: `Early stopping: ${wait}/${es.patience} epoch${es.patience === 1 ? '' : 's'} without improvement of the ${monitoredName}`,
  };
}
