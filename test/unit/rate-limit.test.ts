import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimit, type Timers } from '../../src/training/rateLimit';

/** A clock moved by hand and timers that fire when it passes their time. */
class Clock implements Timers {
  time = 0;
  private timers: Array<{ at: number; callback: () => void }> = [];
  set(callback: () => void, ms: number): unknown {
    const timer = { at: this.time + ms, callback };
    this.timers.push(timer);
    return timer;
  }
  clear(handle: unknown): void {
    this.timers = this.timers.filter((t) => t !== handle);
  }
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
    const due = this.timers.filter((t) => t.at <= this.time);
    this.timers = this.timers.filter((t) => t.at > this.time);
    due.forEach((t) => t.callback());
  }
  get pending(): number {
    return this.timers.length;
  }
}

describe('RateLimit', () => {
  it('runs at once after a quiet interval, and once at the end of a busy one however many requests came', () => {
    const clock = new Clock();
    const runs: number[] = [];
    const limit = new RateLimit(() => runs.push(clock.time), 250, clock);
    limit.request();
    assert.deepEqual(runs, [0]);
    for (let t = 0; t < 10; t++) {
      clock.advance(20);
      limit.request();
    }
    assert.deepEqual(runs, [0], 'requests within the interval wait');
    assert.equal(clock.pending, 1, 'one pending run for ten requests');
    clock.advance(50);
    assert.deepEqual(runs, [0, 250]);
    clock.advance(1000);
    limit.request();
    assert.deepEqual(runs, [0, 250, 1250], 'quiet again: at once');
  });

  it('flush runs now and cancels the pending run; dispose cancels it', () => {
    const clock = new Clock();
    let runs = 0;
    const limit = new RateLimit(() => runs++, 250, clock);
    limit.request();
    clock.advance(10);
    limit.request();
    limit.flush();
    assert.equal(runs, 2);
    assert.equal(clock.pending, 0);
    clock.advance(10);
    limit.request();
    limit.dispose();
    clock.advance(1000);
    assert.equal(runs, 2, 'a disposed limit runs nothing');
  });
});
