/**
 * Divergence: a training loss that explodes but stays finite (a NaN/inf loss already fails the run). The
 * reference is the first loss the run reports, the untrained model's (batch 1 of epoch 1, e.g. ≈ ln K for
 * cross-entropy over K classes); the run has diverged at the first epoch whose mean training loss exceeds
 * DIVERGENCE_FACTOR × that reference. A reference below DIVERGENCE_FLOOR counts as the floor, so that a loss
 * starting near zero does not trip on noise. The flag stays once raised, even if the loss comes back down:
 * the weights went through it, and the user should know.
 */
import type { Divergence, MetricRecord } from '../../protocol/runTypes';

export const DIVERGENCE_FACTOR = 100;
export const DIVERGENCE_FLOOR = 0.01;

export class DivergenceWatch {
  private reference: number | undefined;
  private flagged: Divergence | null = null;

  /** Feeds one metrics record; returns the divergence the first time an epoch crosses the threshold. */
  observe(record: MetricRecord): Divergence | null {
    if (this.reference === undefined && Number.isFinite(record.loss)) this.reference = record.loss;
    if (record.kind !== 'epoch' || this.flagged || this.reference === undefined) return null;
    const threshold = DIVERGENCE_FACTOR * Math.max(this.reference, DIVERGENCE_FLOOR);
    if (!(record.loss > threshold)) return null;
    this.flagged = { epoch: record.epoch, loss: record.loss, firstLoss: this.reference, factor: DIVERGENCE_FACTOR };
    return this.flagged;
  }
}

