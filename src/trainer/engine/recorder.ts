/**
 * Keeps a run folder in step with training: summary.json from the start (status 'running'), metrics.jsonl lines,
 * last/ after every epoch, best/ when the validation loss (without a validation set: the training loss) improves, and the final summary. Whatever moment the
 * process dies, the folder holds a valid summary and the checkpoints of the last finished epoch.
 */
import type { ModelAnalysis } from '../../model/types';
import type { BatchMetrics, Divergence, EpochMetrics, RunSummary } from '../../protocol/runTypes';
import type { LoadedDataset } from '../datasets/types';
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

  constructor(private readonly folder: RunFolder, private readonly ctx: RecorderContext, modelText: string, config: unknown) {
    this.summary = initialSummary(ctx);
    folder.writeModel(modelText);
    folder.writeConfig(config);
    folder.writeSummary(this.summary);
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
    this.folder.writeSummary(s);
  }

  /** Records a divergence; written with the summary of the epoch that raised it. */
  flagDivergence(divergence: Divergence): void {
    this.summary.divergence = divergence;
  }

  /** Writes the final summary; a stopped run also saves its state at the stop as last/. */
  async finish(outcome: TrainOutcome): Promise<RunSummary> {
    if (outcome.status === 'stopped') await this.save('last', { epoch: outcome.epochsCompleted, stopped: true });
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

  private close(changes: Partial<RunSummary>): RunSummary {
    const now = new Date().toISOString();
    this.summary = { ...this.summary, ...changes, totalSeconds: (Date.now() - this.started) / 1000, updatedAt: now, finishedAt: now };
    this.folder.writeSummary(this.summary);
    return this.summary;
  }

  private save(where: 'best' | 'last', metadata: CheckpointMetadata): Promise<void> {
    const dir = where === 'best' ? this.folder.bestDir : this.folder.lastDir;
    return saveCheckpoint(this.ctx.tf, this.ctx.model, this.ctx.analysis, dir, metadata);
  }
}

function initialSummary({ analysis, dataset, backend, epochs }: RecorderContext): RunSummary {
  const now = new Date().toISOString();
  return {
    version: 1,
    model: analysis.name,
    status: 'running',
    backend: backend.name,
    backendDescription: backend.description,
    dataset: dataset.name,
    datasetSource: dataset.source,
    classes: dataset.classes,
    epochs,
    epochsCompleted: 0,
    trainSamples: dataset.train.count,
    validationSamples: dataset.validation.count,
    testSamples: dataset.test.count,
    batchSize: analysis.train.batch_size,
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
  };
}
