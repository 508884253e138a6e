/**
 * The Training panel's redraw coalescing: however many metrics messages arrive within an interval, one redraw
 * follows, with the changes merged; a summary (status, phase) is drawn at once with them; a new run drops them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoalescedRenderer, type Timers } from '../../media/training/coalescedRenderer';
import type { TrainingController, TrainingRenderer } from '../../media/training/controller';

function fakeTimers(): Timers & { fire(): void; pending: number } {
  let callback: (() => void) | undefined;
  return {
    set: (cb) => ((callback = cb), 1),
    clear: () => void (callback = undefined),
    fire: () => {
      const cb = callback;
      callback = undefined;
      cb?.();
    },
    get pending() {
      return callback ? 1 : 0;
    },
  };
}

function recorder(): TrainingRenderer & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    showRun: () => void calls.push('run'),
    showEmpty: (m) => void calls.push(`empty ${m}`),
    metricsAdded: (_c, change) => void calls.push(`metrics epoch=${change.epoch} batch=${change.batch}`),
    summaryChanged: () => void calls.push('summary'),
    samplesChanged: () => void calls.push('samples'),
    cellSamples: () => void calls.push('cell'),
    reconstructionResults: () => void calls.push('reconstructions'),
    errorBinSamples: () => void calls.push('bin'),
  };
}

const controller = {} as TrainingController;

describe('Training panel redraw coalescing', () => {
  it('merges a burst of metrics into one redraw, and draws a summary at once, after the pending metrics', () => {
    const timers = fakeTimers();
    const inner = recorder();
    const r = new CoalescedRenderer(inner, 100, timers);
    r.metricsAdded(controller, { epoch: false, batch: true });
    r.metricsAdded(controller, { epoch: false, batch: true });
    assert.deepEqual(inner.calls, []);
    timers.fire();
    assert.deepEqual(inner.calls, ['metrics epoch=false batch=true']);
    r.metricsAdded(controller, { epoch: false, batch: true });
    r.metricsAdded(controller, { epoch: true, batch: false });
    r.summaryChanged(controller);
    assert.deepEqual(inner.calls, ['metrics epoch=false batch=true', 'metrics epoch=true batch=true', 'summary']);
    assert.equal(timers.pending, 0);
    timers.fire();
    assert.equal(inner.calls.length, 3);
  });

  it('draws pending changes before a strip or a cell, and drops them for a new run', () => {
    const timers = fakeTimers();
    const inner = recorder();
    const r = new CoalescedRenderer(inner, 100, timers);
    r.metricsAdded(controller, { epoch: true, batch: false });
    r.samplesChanged(controller);
    assert.deepEqual(inner.calls, ['metrics epoch=true batch=false', 'samples']);
    assert.equal(timers.pending, 0);
    r.metricsAdded(controller, { epoch: true, batch: false });
    r.showRun(controller);
    timers.fire();
    assert.deepEqual(inner.calls, ['metrics epoch=true batch=false', 'samples', 'run']);
  });

  it('a metrics message that changed nothing draws nothing', () => {
    const timers = fakeTimers();
    const inner = recorder();
    const r = new CoalescedRenderer(inner, 100, timers);
    r.metricsAdded(controller, { epoch: false, batch: false });
    timers.fire();
    assert.deepEqual(inner.calls, []);
  });
});
