/**
 * The state of the active run as the status bar, the progress notification and the log show it, built from
 * the trainer's events. Pure: tested without VS Code.
 */
import { formatTestResult } from '../protocol/testResult';
import type { BatchMetrics, EpochMetrics, RunSummary } from '../protocol/runTypes';
import type { PhaseEvent, StartedEvent, TrainerEvent } from '../protocol/trainer';

export class RunProgress {
  private started: StartedEvent | undefined;
  private lastBatch: BatchMetrics | undefined;
  private lastEpoch: EpochMetrics | undefined;
  /** The evaluation pass running now; cleared by the next training progress. */
  private phase: PhaseEvent | undefined;
  private reported = 0;

  constructor(readonly modelName: string) {}

  apply(event: TrainerEvent): void {
    if (event.type === 'started') this.started = event;
    if (event.type === 'phase') this.phase = event;
    if (event.type !== 'progress') return;
    const m = event.metrics;
    if (m.kind === 'batch') {
      this.lastBatch = m;
      this.phase = undefined;
    }
    else this.lastEpoch = m;
  }

  get runDir(): string | undefined {
    return this.started?.runDir;
  }

  /** Fraction of all planned batches done, in [0, 1]. */
  get fraction(): number {
    const b = this.lastBatch;
    const epochs = this.started?.epochs ?? 0;
    if (!b || epochs <= 0 || b.batches <= 0) return this.lastEpoch && epochs > 0 ? Math.min(1, this.lastEpoch.epoch / epochs) : 0;
    const done = (b.epoch - 1) * b.batches + b.batch;
    const epochFraction = this.lastEpoch ? this.lastEpoch.epoch / epochs : 0;
    return Math.min(1, Math.max(done / (epochs * b.batches), epochFraction));
  }

  /** Percentage points gained since the previous call (what `Progress.report({ increment })` wants). */
  takeIncrement(): number {
    const now = Math.round(this.fraction * 1000) / 10;
    const increment = Math.max(0, now - this.reported);
    this.reported = Math.max(this.reported, now);
    return increment;
  }

  /** `$(sync~spin) shapes · epoch 2/10 · 45% · loss 0.3120`. */
  statusText(): string {
    const parts = [`$(sync~spin) ${this.modelName}`];
    if (!this.started) return `${parts[0]} · starting…`;
    const epoch = this.lastBatch?.epoch ?? 1;
    parts.push(`epoch ${epoch}/${this.started.epochs}`, `${Math.floor(this.fraction * 100)}%`);
    if (this.lastBatch) parts.push(`loss ${this.lastBatch.loss.toFixed(4)}`);
    return parts.join(' · ');
  }

  /** The notification's message: epoch, batch, loss, accuracy and ETA. */
  notificationMessage(): string {
    const b = this.lastBatch;
    if (!this.started) return 'loading the dataset and starting the backend…';
    if (this.phase) return `${this.phase.phase === 'test' ? 'test pass' : `epoch ${this.phase.epoch}/${this.started.epochs} · validation`} on ${this.phase.samples} samples…`;
    if (!b) return `${this.started.backend} · ${this.started.dataset}: first batch…`;
    const eta = Number.isFinite(b.etaSeconds) ? ` · ETA ${duration(b.etaSeconds)}` : '';
    return `epoch ${b.epoch}/${this.started.epochs} · batch ${b.batch}/${b.batches} · loss ${b.loss.toFixed(4)}${b.accuracy !== null ? ` · acc ${(b.accuracy * 100).toFixed(1)}%` : ''}${eta}`;
  }

  tooltip(): string {
    const s = this.started;
    if (!s) return `Training ${this.modelName}: starting`;
    const lines = [`Training ${this.modelName} on ${s.dataset} (${s.backend})`, this.notificationMessage()];
    const e = this.lastEpoch;
    if (e) lines.push(`last epoch ${e.epoch}: loss ${e.loss.toFixed(4)}${e.valAccuracy !== null ? `, val acc ${(e.valAccuracy * 100).toFixed(2)}%` : ''}`);
    lines.push('Click to show the training panel');
    return lines.join('\n');
  }
}

/** The log line of a trainer event; undefined for events not worth a line (batch progress). */
export function logLine(event: TrainerEvent): string | undefined {
  switch (event.type) {
    case 'started':
      return `started on ${event.backendDescription || event.backend}: ${event.dataset}, ${event.trainSamples} train / ${event.validationSamples} validation / ${event.testSamples} test samples, ${event.epochs} epochs × ${event.batchesPerEpoch} batches → ${event.runDir}`;
    case 'log':
      return event.message;
    case 'phase':
    case 'samples':
      return undefined;
    case 'progress': {
      const m = event.metrics;
      if (m.kind === 'batch') return undefined;
      const val = m.valLoss !== null ? ` · val_loss ${m.valLoss.toFixed(4)}${m.valAccuracy !== null ? ` val_acc ${pct(m.valAccuracy)}` : ''}` : '';
      return `epoch ${m.epoch}: loss ${m.loss.toFixed(4)}${m.accuracy !== null ? ` acc ${pct(m.accuracy)}` : ''}${val} · lr ${m.lr} · ${m.seconds.toFixed(1)} s · ${Math.round(m.samplesPerSecond)} samples/s${m.best ? ' · best' : ''}`;
    }
  }
}

/** The log line and the user-facing sentence at the end of a run. */
export function endMessage(summary: RunSummary): string {
  const test = summary.test ? `: ${formatTestResult(summary.test, pct)}` : '';
  switch (summary.status) {
    case 'done':
      return `${summary.model} trained${test}${summary.stopReason ? ` (${summary.stopReason})` : ''}`;
    case 'stopped':
      return `${summary.model} stopped after ${summary.epochsCompleted}/${summary.epochs} epochs; best/ and last/ checkpoints kept`;
    case 'failed':
      return `${summary.model} failed: ${summary.error ?? summary.stopReason ?? 'unknown error'}`;
    default:
      return `${summary.model}: ${summary.status}`;
  }
}

function pct(v: number | null): string {
  return v === null ? '—' : `${(v * 100).toFixed(2)}%`;
}

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}
