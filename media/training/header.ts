/**
 * The Training panel's header: model, dataset, backend, status, epoch x/y, elapsed time, ETA and progress,
 * from the summary and the latest batch record. Pure: tested in Node.
 */
import { divergenceMessage, type BatchMetrics, type MetricRecord, type RunStatus, type RunSummary } from '../../src/protocol/runTypes';
import { startingWeightsText, type RunStartingWeights } from '../../src/protocol/startingWeights';
import type { EvaluationPhase } from '../../src/protocol/webview-training';
import { globalStep } from './chartSeries';

export interface HeaderView {
  model: string;
  dataset: string;
  backend: string;
  /** "from scratch" or "from resnet18-f37072fd.pth (…)"; empty while not known (a run still starting). */
  weights: string;
  status: RunStatus | 'unknown';
  /** The status in words; a 'running' summary that nobody in this window trains is said to be so. */
  statusText: string;
  epochText: string;
  /** In [0, 1]. */
  progress: number;
  elapsedSeconds: number | null;
  etaSeconds: number | null;
  /** Stop is offered only while this window trains the run. */
  canStop: boolean;
  /** A warning about the run's results (the loss diverged), or null. */
  warning: string | null;
}

/**
 * Builds the header; `nowMs` is the current time (elapsed time of a live run), `phase` the evaluation pass running,
 * `startingWeights` config.json's record (undefined while not read).
 */
export function headerView(
  model: string,
  summary: RunSummary | null,
  metrics: readonly MetricRecord[],
  live: boolean,
  nowMs: number,
  phase: EvaluationPhase | null = null,
  startingWeights?: RunStartingWeights | null,
): HeaderView {
  const lastBatch = findLastBatch(metrics);
  const status = summary?.status ?? 'unknown';
  const epochs = summary?.epochs ?? lastBatch?.epoch ?? 0;
  // A live run without summary.json yet is starting (dataset loading): it can be stopped already.
  const running = live && (status === 'running' || status === 'unknown');
  const currentEpoch = running && lastBatch ? lastBatch.epoch : (summary?.epochsCompleted ?? 0);
  return {
    model: summary?.model ?? model,
    dataset: summary ? `${summary.dataset} (${summary.trainSamples} train · ${summary.validationSamples} val · ${summary.testSamples} test)` : '—',
    backend: summary?.backendDescription || summary?.backend || '—',
    weights: startingWeights === undefined ? '' : startingWeightsText(startingWeights),
    status,
    statusText: running && phase ? phaseText(phase) : statusText(status, live, summary),
    epochText: `epoch ${currentEpoch}/${epochs}`,
    progress: progress(summary, lastBatch, running),
    elapsedSeconds: elapsed(summary, running, nowMs),
    etaSeconds: running && lastBatch && Number.isFinite(lastBatch.etaSeconds) ? lastBatch.etaSeconds : null,
    canStop: running,
    warning: summary?.divergence ? divergenceMessage(summary.divergence) : null,
  };
}

function phaseText(p: EvaluationPhase): string {
  return p.phase === 'test' ? `test pass on ${p.samples} samples…` : `validation of epoch ${p.epoch} on ${p.samples} samples…`;
}

function findLastBatch(metrics: readonly MetricRecord[]): BatchMetrics | undefined {
  for (let i = metrics.length - 1; i >= 0; i--) {
    const m = metrics[i];
    if (m.kind === 'batch') return m;
  }
  return undefined;
}

function statusText(status: RunStatus | 'unknown', live: boolean, summary: RunSummary | null): string {
  switch (status) {
    case 'running':
      return live ? 'training' : 'running outside this window, or interrupted';
    case 'done':
      return summary?.stopReason ? `done (${summary.stopReason})` : 'done';
    case 'stopped':
      return summary?.stopReason ? `stopped (${summary.stopReason})` : 'stopped';
    case 'failed':
      return `failed: ${summary?.error ?? summary?.stopReason ?? 'unknown error'}`;
    case 'interrupted':
      return `interrupted after ${summary?.epochsCompleted ?? 0} epoch(s): ${summary?.stopReason ?? 'the training process ended without finishing'}`;
    default:
      return live ? 'starting…' : 'no summary.json';
  }
}

function progress(summary: RunSummary | null, lastBatch: BatchMetrics | undefined, running: boolean): number {
  if (summary?.status === 'done') return 1;
  if (running && lastBatch && summary && summary.epochs > 0) {
    return Math.min(1, globalStep(lastBatch) / (summary.epochs * lastBatch.batches));
  }
  return summary && summary.epochs > 0 ? Math.min(1, summary.epochsCompleted / summary.epochs) : 0;
}

function elapsed(summary: RunSummary | null, running: boolean, nowMs: number): number | null {
  if (!summary) return null;
  const started = Date.parse(summary.startedAt);
  if (running && Number.isFinite(started)) return Math.max(0, (nowMs - started) / 1000);
  if (summary.totalSeconds > 0) return summary.totalSeconds;
  const updated = Date.parse(summary.updatedAt);
  return Number.isFinite(started) && Number.isFinite(updated) ? Math.max(0, (updated - started) / 1000) : null;
}
