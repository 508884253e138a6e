/** Figures of a run that summary.json does not hold directly, computed from its metrics. Pure. */
import type { EpochMetrics, MetricRecord, RunSummary } from '../../protocol/runTypes';

/** The epoch records of metrics.jsonl, one per epoch (the last record wins if an epoch appears twice). */
export function epochRecords(metrics: readonly MetricRecord[]): EpochMetrics[] {
  const byEpoch = new Map<number, EpochMetrics>();
  for (const m of metrics) if (m.kind === 'epoch') byEpoch.set(m.epoch, m);
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}

/** Validation accuracy of the best epoch (the one kept in best/), or null without validation. */
export function bestValidationAccuracy(epochs: readonly EpochMetrics[], summary: RunSummary | null): number | null {
  return bestEpochRecord(epochs, summary)?.valAccuracy ?? null;
}

/** Validation mean IoU of the best epoch (segmentation runs), or null. */
export function bestValidationMeanIou(epochs: readonly EpochMetrics[], summary: RunSummary | null): number | null {
  return bestEpochRecord(epochs, summary)?.valMeanIou ?? null;
}

/** Validation mAP@0.5 of the best epoch (detection runs), or null. */
export function bestValidationMap50(epochs: readonly EpochMetrics[], summary: RunSummary | null): number | null {
  return bestEpochRecord(epochs, summary)?.valMap50 ?? null;
}

function bestEpochRecord(epochs: readonly EpochMetrics[], summary: RunSummary | null): EpochMetrics | undefined {
  const bestEpoch = summary?.bestEpoch ?? [...epochs].reverse().find((e) => e.best)?.epoch ?? null;
  return epochs.find((e) => e.epoch === bestEpoch);
}
