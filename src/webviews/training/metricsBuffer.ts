/**
 * Coalesces live metric records into one webview message per interval: the trainer may report a batch every
 * few milliseconds, the panel redraws a few times a second. Pure: the timer functions are injectable.
 */
import type { MetricRecord } from '../../protocol/runTypes';

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = { set: (cb, ms) => setTimeout(cb, ms), clear: (h) => clearTimeout(h as NodeJS.Timeout) };

export class MetricsBuffer {
  private records: MetricRecord[] = [];
  private timer: unknown;

  constructor(
    private readonly flushTo: (records: MetricRecord[]) => void,
    private readonly intervalMs = 250,
    private readonly timers: Timers = realTimers,
  ) {}

  /** Queues a record; epoch records are sent at once (the table and epoch charts should not lag). */
  push(record: MetricRecord): void {
    this.records.push(record);
    if (record.kind === 'epoch') this.flush();
    else if (this.timer === undefined) this.timer = this.timers.set(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    if (!this.records.length) return;
    const records = this.records;
    this.records = [];
    this.flushTo(records);
  }

  dispose(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    this.records = [];
  }
}
