/** A loss that explodes but stays finite is flagged: the watch's definition, and a real run that diverges. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { BatchMetrics, EpochMetrics } from '../../src/protocol/runTypes';
import type { TrainerEvent } from '../../src/protocol/trainer';
import { DivergenceWatch } from '../../src/trainer/engine/divergence';
import { runTraining } from '../../src/trainer/engine/session';
import { readRun } from '../../src/trainer/runs/reader';
import { tinyShapesModel } from './engine-fixtures';

const root = mkdtempSync(join(tmpdir(), 'cnnlab-divergence-'));
after(() => rmSync(root, { recursive: true, force: true }));

const batch = (epoch: number, loss: number): BatchMetrics =>
  ({ kind: 'batch', epoch, batch: 1, batches: 4, loss, accuracy: 0, lr: 1, samplesPerSecond: 1, etaSeconds: 1, time: '' });
const epoch = (n: number, loss: number): EpochMetrics =>
  ({ kind: 'epoch', epoch: n, loss, accuracy: 0, valLoss: null, valAccuracy: null, lr: 1, seconds: 1, samplesPerSecond: 1, best: false, time: '' });

describe('divergence watch', () => {
  it('flags the first epoch whose loss exceeds 100× the first reported loss, once', () => {
    const watch = new DivergenceWatch();
    assert.equal(watch.observe(batch(1, 2)), null);
    assert.equal(watch.observe(batch(1, 150)), null, 'batches never flag: only epoch means do');
    assert.equal(watch.observe(epoch(1, 200)), null, 'exactly 100× is not over it');
    assert.deepEqual(watch.observe(epoch(2, 201)), { epoch: 2, loss: 201, firstLoss: 2, factor: 100 });
    assert.equal(watch.observe(epoch(3, 5000)), null, 'flagged once');
  });

  it('floors a near-zero reference and ignores a non-finite first loss', () => {
    const watch = new DivergenceWatch();
    watch.observe(batch(1, NaN));
    watch.observe(batch(1, 1e-5));
    assert.equal(watch.observe(epoch(1, 0.5)), null, '0.5 is 50000× 1e-5 but below 100 × the 0.01 floor');
    assert.equal(watch.observe(epoch(2, 1.5))?.epoch, 2);
  });
});

describe('a run whose loss explodes but stays finite', () => {
  it('ends done with the divergence in summary.json and a warning event', async () => {
    // Adam at lr 10 throws the logits far out in the first steps: loss ≈ 2600 in epoch 1, then it settles.
    const text = tinyShapesModel('diverging', 200, 40, 2).replace('seed: 1 }', 'seed: 1, optimizer: adam, lr: 10 }');
    const events: TrainerEvent[] = [];
    const { runDir, summary } = await runTraining({ modelText: text, outDir: root, backend: 'wasm' }, { onEvent: (e) => events.push(e) });
    assert.equal(summary.status, 'done');
    assert.equal(summary.divergence?.epoch, 1);
    assert.equal(summary.divergence?.factor, 100);
    assert.ok((summary.divergence?.loss ?? 0) > 100 * (summary.divergence?.firstLoss ?? Infinity), JSON.stringify(summary.divergence));
    assert.deepEqual(readRun(runDir).summary?.divergence, summary.divergence);
    const warnings = events.filter((e) => e.type === 'log' && e.level === 'warning').map((e) => (e.type === 'log' ? e.message : ''));
    assert.equal(warnings.filter((m) => /^training diverged: the loss reached .* at epoch 1, over 100× its first value/.test(m)).length, 1);
  });

  it('a healthy run has divergence null', async () => {
    const { summary } = await runTraining({ modelText: tinyShapesModel('healthy', 200, 40, 1), outDir: root, backend: 'wasm' });
    assert.equal(summary.status, 'done');
    assert.equal(summary.divergence, null);
  });
});
