/**
 * The Training panel's chart data, built incrementally from metric records: per-epoch train/validation loss and
 * accuracy (or validation MSE, mean IoU, or mAP), the per-batch training loss (raw, and an exponential moving average of it), the learning rate and
 * the training speed, and the loss's parts (detection's classes, boxes, centre-ness) per epoch. Points are `{x, y}` objects with numeric x, ready for chart.js with `parsing: false`.
 * Pure (no DOM, no chart.js), so it is unit-tested in Node.
 */
import type { BatchMetrics, EpochMetrics, MetricRecord } from '../../src/protocol/runTypes';

export interface Point {
  x: number;
  y: number;
}

/** The series of every chart; arrays grow in place so chart.js can keep referencing them. */
export interface SeriesData {
  trainLoss: Point[];
  valLoss: Point[];
  trainAccuracy: Point[];
  valAccuracy: Point[];
  /** Reconstruction: the validation MSE in [0, 1] pixel units. */
  valMse: Point[];
  /** Segmentation: the validation mean IoU (accuracies are then pixel accuracies). */
  valMeanIou: Point[];
  /** Detection: the validation mAP@0.5 and mAP@[.5:.95]. */
  valMap50: Point[];
  valMap: Point[];
  /** x = global batch step (1-based across epochs). */
  batchLossRaw: Point[];
  batchLossSmoothed: Point[];
  learningRate: Point[];
  samplesPerSecond: Point[];
  /** Tasks whose loss has parts (TaskViews.lossParts): each part's training and validation mean per epoch, by name. */
  lossParts: Record<string, LossPartSeries>;
}

export interface LossPartSeries {
  train: Point[];
  val: Point[];
}

/** The series of loss part `name`, made empty on first use (so a chart can hold its arrays before any epoch). */
export function lossPartSeries(data: SeriesData, name: string): LossPartSeries {
  data.lossParts[name] ??= { train: [], val: [] };
  return data.lossParts[name];
}

/** Which charts changed after adding records (so the view redraws only those). */
export interface SeriesChange {
  epoch: boolean;
  batch: boolean;
}

/** Default EMA weight of the previous value (TensorBoard's smoothing slider, 0.6 by default there). */
export const DEFAULT_SMOOTHING = 0.8;

/** Global step of a batch record: batches of earlier epochs plus this batch. */
export function globalStep(record: Pick<BatchMetrics, 'epoch' | 'batch' | 'batches'>): number {
  return (record.epoch - 1) * record.batches + record.batch;
}

/**
 * Accumulates chart points from metric records. Records may arrive twice (a run read from disk, then the live
 * stream): a batch record at or before the last step, or an epoch already seen, is ignored.
 */
export class TrainingSeries {
  readonly data: SeriesData = emptySeries();
  private lastStep = 0;
  private lastEpoch = 0;
  /** The previous batch record of the current epoch, to turn running means into interval means. */
  private previous: BatchMetrics | undefined;
  private ema = 0;
  private emaCount = 0;

  constructor(private readonly smoothing = DEFAULT_SMOOTHING) {}

  /** Adds records in order; returns which charts changed. */
  add(records: readonly MetricRecord[]): SeriesChange {
    const change: SeriesChange = { epoch: false, batch: false };
    for (const record of records) {
      if (record.kind === 'batch') change.batch = this.addBatch(record) || change.batch;
      else change.epoch = this.addEpoch(record) || change.epoch;
    }
    return change;
  }

  /** Clears every series (another run is shown). */
  reset(): void {
    const { lossParts, ...series } = this.data;
    for (const points of [...Object.values(series), ...Object.values(lossParts).flatMap((p) => [p.train, p.val])]) points.length = 0;
    this.lastStep = 0;
    this.lastEpoch = 0;
    this.previous = undefined;
    this.ema = 0;
    this.emaCount = 0;
  }

  get pointCount(): number {
    return this.data.batchLossRaw.length;
  }

  private addBatch(record: BatchMetrics): boolean {
    const step = globalStep(record);
    if (step <= this.lastStep) return false;
    this.lastStep = step;
    const raw = intervalLoss(this.previous, record);
    this.previous = record;
    if (!Number.isFinite(raw)) return true;
    // Debiased EMA (as TensorBoard): early values are not pulled towards the initial 0.
    this.ema = this.smoothing * this.ema + (1 - this.smoothing) * raw;
    this.emaCount += 1;
    const smoothed = this.ema / (1 - this.smoothing ** this.emaCount);
    this.data.batchLossRaw.push({ x: step, y: raw });
    this.data.batchLossSmoothed.push({ x: step, y: smoothed });
    this.data.learningRate.push({ x: step, y: record.lr });
    this.data.samplesPerSecond.push({ x: step, y: record.samplesPerSecond });
    return true;
  }

  private addEpoch(record: EpochMetrics): boolean {
    if (record.epoch <= this.lastEpoch) return false;
    this.lastEpoch = record.epoch;
    const x = record.epoch;
    pushFinite(this.data.trainLoss, x, record.loss);
    pushFinite(this.data.trainAccuracy, x, record.accuracy);
    pushFinite(this.data.valLoss, x, record.valLoss);
    pushFinite(this.data.valAccuracy, x, record.valAccuracy);
    pushFinite(this.data.valMse, x, record.valMse ?? null);
    pushFinite(this.data.valMeanIou, x, record.valMeanIou ?? null);
    pushFinite(this.data.valMap50, x, record.valMap50 ?? null);
    pushFinite(this.data.valMap, x, record.valMap ?? null);
    for (const [name, y] of Object.entries(record.lossParts ?? {})) pushFinite(lossPartSeries(this.data, name).train, x, y);
    for (const [name, y] of Object.entries(record.valLossParts ?? {})) pushFinite(lossPartSeries(this.data, name).val, x, y);
    return true;
  }
}

/**
 * The mean loss of the batches between two records. The engine reports the running mean over the epoch so far,
 * so the mean over batches (a, b] is (L_b·b − L_a·a) / (b − a); the first record of an epoch is its own mean.
 * This is the "raw" curve: noisy like the per-batch loss, without being diluted by the epoch's running mean.
 */
export function intervalLoss(previous: BatchMetrics | undefined, current: BatchMetrics): number {
  if (!previous || previous.epoch !== current.epoch || previous.batch >= current.batch) return current.loss;
  return (current.loss * current.batch - previous.loss * previous.batch) / (current.batch - previous.batch);
}

function pushFinite(series: Point[], x: number, y: number | null): void {
  if (typeof y === 'number' && Number.isFinite(y)) series.push({ x, y });
}

function emptySeries(): SeriesData {
  return { trainLoss: [], valLoss: [], trainAccuracy: [], valAccuracy: [], valMse: [], valMeanIou: [], valMap50: [], valMap: [], batchLossRaw: [], batchLossSmoothed: [], learningRate: [], samplesPerSecond: [], lossParts: {} };
}
