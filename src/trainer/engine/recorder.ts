/**
 * Keeps a run folder in step with training: summary.json from the start (status 'running'), metrics.jsonl lines,
 * last/ after every epoch, best/ when the validation loss (without a validation set: the training loss) improves, and the final summary. Whatever moment the
 * process dies, the folder holds a valid summary and the checkpoints of the last finished epoch. The summary names
 * its owner (this process) and carries a heartbeat, so that readers can tell a killed run from a running one.
 */
import type { ModelAnalysis } from '../../model/types';
import type { BatchMetrics, Divergence, EpochMetrics, RunSummary } from '../../protocol/runTypes';
import type { SampleStrip } from '../../protocol/sampleStrip';
import type { LoadedDataset } from '../datasets/types';
import { currentOwner, HEARTBEAT_INTERVAL_MS } from '../runs/owner';
import type { RunFolder } from '../runs/store';
import { saveCheckpoint, type CheckpointMetadata } from './checkpoint';
import type { EngineModel } from './model';
import type { TF } from './tf';
import type { TrainOutcome } from './train';

export interface RecorderContext {
  tf: TF;
  model: EngineModel;
  analysis: ModelAnalysis;
  dataset: LoadedDataset;
  backend: { name: string; description: string };
  epochs: number;
}

export class RunRecorder {
  private summary: RunSummary;
  private readonly started = Date.now();
  private readonly heartbeat: NodeJS.Timeout;
  /** Set by abandon(): the process is about to exit and nothing more is written. */
  private abandoned = false;

  constructor(private readonly folder: RunFolder, private readonly ctx: RecorderContext, modelText: string, config: unknown) {
    this.summary = initialSummary(ctx);
    folder.writeModel(modelText);
    folder.writeConfig(config);
    this.writeSummary();
    // The passes yield between batches, so the beat keeps going through validation and test passes too.
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_INTERVAL_MS);
    this.heartbeat.unref();
  }

  get dir(): string {
    return this.folder.dir;
  }

  batch(metrics: BatchMetrics, record: boolean): void {
    if (record) this.folder.appendMetrics(metrics);
  }

  async epoch(metrics: EpochMetrics): Promise<void> {
    this.folder.appendMetrics(metrics);
    await this.save('last', { epoch: metrics.epoch, loss: metrics.loss });
    const s = this.summary;
    s.epochsCompleted = metrics.epoch;
    s.trainSeconds += metrics.samplesPerSecond > 0 ? s.trainSamples / metrics.samplesPerSecond : 0;
    s.samplesPerSecond = (s.trainSamples * metrics.epoch) / Math.max(s.trainSeconds, 1e-9);
    s.updatedAt = metrics.time;
    s.totalSeconds = (Date.now() - this.started) / 1000;
    if (metrics.best) {
      // Without a validation set the best epoch is chosen on the training loss, recorded under its own name.
      await this.save('best', metrics.valLoss !== null ? { epoch: metrics.epoch, valLoss: metrics.valLoss } : { epoch: metrics.epoch, trainLoss: metrics.loss });
      s.bestEpoch = metrics.epoch;
      s.bestValLoss = metrics.valLoss;
    }
    this.writeSummary();
  }

  /** Keeps the latest strip of fixed validation images (the panel of a finished run shows it). */
  samples(strip: SampleStrip): void {
    if (!this.abandoned) this.folder.writeSamples(strip);
  }

  /** Records a divergence; written with the summary of the epoch that raised it. */
  flagDivergence(divergence: Divergence): void {
    this.summary.divergence = divergence;
  }

  /**
   * Writes the final summary. A run stopped while training or validating also saves its weights at the stop as
   * last/; one stopped in the test pass holds the best weights then, and last/ already has its final epoch.
   */
  async finish(outcome: TrainOutcome): Promise<RunSummary> {
    if (outcome.stoppedIn === 'training' || outcome.stoppedIn === 'validation') await this.save('last', { epoch: outcome.epochsCompleted, stopped: true });
    return this.close({
      status: outcome.status,
      epochsCompleted: outcome.epochsCompleted,
      samplesPerSecond: outcome.samplesSeen / Math.max(outcome.trainSeconds, 1e-9),
      trainSeconds: outcome.trainSeconds,
      bestEpoch: outcome.bestEpoch,
      bestValLoss: outcome.bestValLoss,
      test: outcome.test,
      stopReason: outcome.reason,
      error: outcome.status === 'failed' ? outcome.reason : null,
    });
  }

  /** Records an unexpected error (the run folder stays readable, status 'failed'). */
  fail(err: unknown): RunSummary {
    return this.close({ status: 'failed', error: err instanceof Error ? err.message : String(err) });
  }

  /**
   * Ends the run at once, synchronously, as 'stopped' with the checkpoints of the last finished epoch (a second
   * Ctrl-C: the process exits right after). No-op once the run has ended.
   */
  abandon(reason: string): RunSummary {
    if (this.summary.finishedAt !== null) return this.summary;
    const summary = this.close({ status: 'stopped', stopReason: reason });
    this.abandoned = true;
    return summary;
  }

  private close(changes: Partial<RunSummary>): RunSummary {
    clearInterval(this.heartbeat);
    const now = new Date().toISOString();
    this.summary = { ...this.summary, ...changes, totalSeconds: (Date.now() - this.started) / 1000, updatedAt: now, finishedAt: now };
    this.writeSummary();
    return this.summary;
  }

  private beat(): void {
    try {
      this.writeSummary();
    } catch {
      // A missed beat (disk full, folder deleted) is not worth failing the run: the next epoch's write will say.
    }
  }

  private writeSummary(): void {
    if (this.abandoned) return;
    this.summary.heartbeatAt = new Date().toISOString();
    this.folder.writeSummary(this.summary);
  }

  private save(where: 'best' | 'last', metadata: CheckpointMetadata): Promise<void> {
    const dir = where === 'best' ? this.folder.bestDir : this.folder.lastDir;
    // The checkpoint names the classes training used (the dataset's labels), like summary.json.
    return saveCheckpoint(this.ctx.tf, this.ctx.model, { ...this.ctx.analysis, classes: this.ctx.dataset.classes }, dir, metadata);
  }
}

function initialSummary({ analysis, dataset, backend, epochs }: RecorderContext): RunSummary {
  return newRunSummary({
    model: analysis.name,
    task: analysis.task,
    backend: backend.name,
    backendDescription: backend.description,
    dataset: dataset.name,
    datasetSource: dataset.source,
    classes: dataset.classes,
    epochs,
    trainSamples: dataset.train.count,
    validationSamples: dataset.validation.count,
    testSamples: dataset.test.count,
    batchSize: analysis.train.batch_size,
  });
}

/** What a run is, before any progress: a 'running' summary owned by this process (imports override the status). */
export type RunIdentity = Pick<RunSummary, 'model' | 'task' | 'backend' | 'backendDescription' | 'dataset' | 'datasetSource' | 'classes' | 'epochs' | 'trainSamples' | 'validationSamples' | 'testSamples' | 'batchSize'>;

export function newRunSummary(identity: RunIdentity): RunSummary {
  const now = new Date().toISOString();
  return {
    version: 1,
    ...identity,
    status: 'running',
    epochsCompleted: 0,
    samplesPerSecond: 0,
    trainSeconds: 0,
    totalSeconds: 0,
    bestEpoch: null,
    bestValLoss: null,
    test: null,
    startedAt: now,
    updatedAt: now,
    finishedAt: null,
    stopReason: null,
    error: null,
    divergence: null,
    owner: currentOwner(),
    heartbeatAt: now,
  };
}
