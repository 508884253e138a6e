/**
 * The alternating-windows scaling measurement (bench/alternating-steps.ts): which runner steps when, what a window
 * counts, and the figures over hand-made windows.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlternatingSteps, type StepWindow } from '../../bench/alternating-steps';
import type { StepRunner } from '../../src/trainer/engine/steps';
import type { Batch, ImageSet } from '../../src/trainer/datasets/types';

/** A runner that records each call: its name and whether it was handed the next batch. */
function recorder(name: string, calls: string[]): StepRunner {
  return { run: async (_tf, _m, _t, _v, _a, _b, _s, upcoming) => (calls.push(`${name}${upcoming ? '+' : ''}`), [1, 0]) };
}

const batch = { size: 4 } as Batch;
const upcoming = () => batch;

async function steps(alternating: AlternatingSteps, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await alternating.run(undefined as never, undefined as never, undefined as never, [], () => undefined, batch, {} as ImageSet, upcoming);
}

describe('alternating step windows', () => {
  it('alternates this thread and the workers window by window, the last step of a workers window handing out nothing', async () => {
    const calls: string[] = [];
    const alternating = new AlternatingSteps(recorder('N', calls), 2, 3, 1, recorder('1', calls));
    await steps(alternating, 8);
    assert.deepEqual(calls, ['1', '1', '1', 'N+', 'N+', 'N', '1', '1']);
    // Two windows closed (the third is open), each of 3 steps of 4 rows.
    assert.deepEqual(alternating.windows.map((w) => [w.workers, w.samples]), [[1, 12], [2, 12]]);
  });

  it('drops the window an epoch ends in and starts the next epoch with this thread; none timed before fromEpoch', async () => {
    const calls: string[] = [];
    const alternating = new AlternatingSteps(recorder('N', calls), 2, 2, 2, recorder('1', calls));
    await steps(alternating, 5);
    alternating.endEpoch();
    assert.equal(alternating.windows.length, 0);
    await steps(alternating, 3);
    alternating.endEpoch();
    await steps(alternating, 1);
    assert.deepEqual(calls, ['1', '1', 'N+', 'N', '1', '1', '1', 'N+', '1']);
    // Epoch 2: one whole 1-worker window; its workers window was cut by the epoch's end.
    assert.deepEqual(alternating.windows.map((w) => [w.workers, w.samples]), [[1, 8]]);
  });

  it('compares each workers window with the mean of its 1-worker neighbours; the median over such windows', () => {
    const alternating = new AlternatingSteps(recorder('N', []), 2, 10, 1, recorder('1', []));
    const w = (workers: number, samples: number, wallSeconds: number, cpuSeconds: number): StepWindow => ({ workers, samples, wallSeconds, cpuSeconds });
    alternating.windows.push(
      w(1, 100, 1, 1), // 100/s, 100 per CPU-s
      w(2, 100, 0.625, 1.25), // 160/s: 160 / (2 × mean(100, 100)) = 0.8; 80 per CPU-s / 100 = 0.8
      w(1, 100, 1, 1),
      w(2, 100, 0.5, 1), // 200/s against mean(100, 300) = 200: 0.5; per CPU-s 100 / mean(100, 150) = 0.8
      w(1, 300, 1, 2),
      w(2, 100, 0.25, 0.5), // the last window has no neighbour after it: not counted
    );
    const s = alternating.scaling();
    assert.deepEqual(s, { windowSteps: 10, pairs: 2, scalingEfficiency: 0.8, perCpuScaling: 0.8, oneWorkerSamplesPerSecond: 200, workersSamplesPerSecond: 200 });
    assert.equal(new AlternatingSteps(recorder('N', []), 2, 10, 1, recorder('1', [])).scaling(), undefined);
  });
});
