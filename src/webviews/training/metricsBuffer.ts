/**
 * Coalesces live metric records into at most one webview message per interval: the trainer may report a batch
 * every few milliseconds and a tiny model 5 epochs a second, the panel redraws a few times a second. A record after a
 * quiet interval goes at once, so an epoch's row shows without delay. Pure: the timers are injectable.
 */
import type { MetricRecord } from '../../protocol/runTypes';
import { RateLimit, realTimers, type Timers } from '../../training/rateLimit';

export class MetricsBuffer {
  private records: MetricRecord[] = [];
  private readonly limit: RateLimit;

  constructor(
    private readonly flushTo: (records: MetricRecord[]) => void,
    intervalMs = 250,
    timers: Timers = realTimers,
  ) {
    this.limit = new RateLimit(() => this.send(), intervalMs, timers);
  }

  push(record: MetricRecord): void {
    this.records.push(record);
    this.limit.request();
  }

  /** Sends what is queued now (the run ended, or the panel changes run). */
  flush(): void {
    this.limit.flush();
  }

  dispose(): void {
    this.limit.dispose();
    this.records = [];
  }

  private send(): void {
    if (!this.records.length) return;
    const records = this.records;
    this.records = [];
    this.flushTo(records);
  }
}
