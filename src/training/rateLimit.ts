/**
 * At most one run of an action per interval. A tiny model trains 5 epochs a second and reports a batch every 100 ms;
 * every status-bar text, notification and panel message crosses to the workbench, which on a busy machine then falls
 * tens of seconds behind the run (seen in the e2e suite: a Stop took effect long before the panel showed it). A few
 * updates a second is all a person reads. Pure: the clock and timers are injectable.
 */

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
  now(): number;
}

export const realTimers: Timers = {
  set: (cb, ms) => setTimeout(cb, ms),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
  now: () => Date.now(),
};

export class RateLimit {
  private last = -Infinity;
  private timer: unknown;

  constructor(
    private readonly action: () => void,
    private readonly intervalMs: number,
    private readonly timers: Timers = realTimers,
  ) {}

  /** Runs the action now when it last ran an interval ago or more; else once, at the end of the interval. */
  request(): void {
    if (this.timer !== undefined) return;
    const wait = this.last + this.intervalMs - this.timers.now();
    if (wait <= 0) this.run();
    else this.timer = this.timers.set(() => this.run(), wait);
  }

  /** Runs the action now (a state that must show at once: the start or the end), cancelling a pending run. */
  flush(): void {
    this.run();
  }

  /** Cancels a pending run. */
  dispose(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
  }

  private run(): void {
    this.dispose();
    this.last = this.timers.now();
    this.action();
  }
}
