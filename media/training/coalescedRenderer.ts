/**
 * The Training panel redraws the charts for metrics at most once per interval however fast messages come: a run of
 * 0.2 s epochs sends a metrics and a summary message per epoch, each a redraw of the charts and the epoch table,
 * and on a loaded machine the page fell seconds behind the run. Metrics wait for the next tick and merge; the
 * summary and the phase (status, "validation of epoch N", which Stop relies on) are drawn at once, together with any
 * pending metrics, as is everything else (a new run, a cell's thumbnails, the strip).
 */
import type { ReconstructionResultsController } from './reconstructionController';
import type { SeriesChange } from './chartSeries';
import type { TrainingController, TrainingRenderer } from './controller';

/** Injectable for the tests (the host's RateLimit takes these and a clock; its module needs Node's types). */
export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const browserTimers: Timers = { set: (cb, ms) => setTimeout(cb, ms), clear: (h) => clearTimeout(h as number) };

export class CoalescedRenderer implements TrainingRenderer {
  private pending: { controller: TrainingController; change: SeriesChange; summary: boolean } | undefined;
  private timer: unknown;

  constructor(private readonly inner: TrainingRenderer, private readonly intervalMs = 100, private readonly timers: Timers = browserTimers) {}

  metricsAdded(c: TrainingController, change: SeriesChange): void {
    const p = this.schedule(c);
    p.change = { epoch: p.change.epoch || change.epoch, batch: p.change.batch || change.batch };
  }

  summaryChanged(c: TrainingController): void {
    this.schedule(c).summary = true;
    this.flush();
  }

  /** Draws what is pending now. */
  flush(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    const p = this.pending;
    this.pending = undefined;
    if (!p) return;
    if (p.change.epoch || p.change.batch) this.inner.metricsAdded(p.controller, p.change);
    if (p.summary) this.inner.summaryChanged(p.controller);
  }

  showRun(c: TrainingController): void {
    this.drop();
    this.inner.showRun(c);
  }

  showEmpty(message: string): void {
    this.drop();
    this.inner.showEmpty(message);
  }

  samplesChanged(c: TrainingController): void {
    this.flush();
    this.inner.samplesChanged(c);
  }

  cellSamples(c: TrainingController, m: Parameters<TrainingRenderer['cellSamples']>[1]): void {
    this.flush();
    this.inner.cellSamples(c, m);
  }

  reconstructionResults(r: ReconstructionResultsController): void {
    this.flush();
    this.inner.reconstructionResults(r);
  }

  errorBinSamples(r: ReconstructionResultsController, m: Parameters<TrainingRenderer['errorBinSamples']>[1]): void {
    this.flush();
    this.inner.errorBinSamples(r, m);
  }

  private schedule(controller: TrainingController): NonNullable<CoalescedRenderer['pending']> {
    this.pending ??= { controller, change: { epoch: false, batch: false }, summary: false };
    this.timer ??= this.timers.set(() => this.flush(), this.intervalMs);
    return this.pending;
  }

  /** A full redraw replaces whatever was pending. */
  private drop(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }
}
