/**
 * Data-parallel losses whose divisor is not the batch's rows, and the loss's parts with workers: each shard's share
 * of detection's loss is its positive locations over the batch's (hand-computed here), so the shards' losses, parts
 * and gradients add up to one worker's exactly; the workers send their parts through shared memory, and a real
 * detection run records the same training and validation parts (metrics.jsonl, the epoch line) with 1 and 2 workers.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { epochLine } from '../../src/cli/train';
import type { EpochMetrics } from '../../src/protocol/runTypes';
import type { Batch } from '../../src/trainer/datasets/types';
import { runTraining } from '../../src/trainer/engine/session';
import type { Scalar } from '../../src/trainer/engine/tf';
import { SharedGradients } from '../../src/trainer/parallel/sharedGradients';
import { combineShards, shardShares } from '../../src/trainer/parallel/shardShares';
import { sliceBatch } from '../../src/trainer/parallel/shards';
import { createTask } from '../../src/trainer/tasks/registry';
import { TINY_DETECTOR } from './detection-fixtures';
import { cpuTf } from './engine-fixtures';

const CLASSES = ['circle', 'square', 'triangle', 'cross', 'ring'];
/** 32×32 images, an 8×8 head map (stride 4): locations centred at 2, 6, 10, …  */
const detection = () => createTask('detection', { loss: 'fcos', classes: CLASSES, outputShape: [10, 8, 8] });

/** Images of 32×32 with these boxes (one class-1 object per box, none for null). */
function boxes(...images: Array<[number, number, number, number] | null>): Batch {
  const list = images.map((b) => (b ? [b] : []));
  const start = Uint32Array.from([0, ...list.map((_, i) => list.slice(0, i + 1).flat().length)]);
  return {
    x: Float32Array.from({ length: images.length * 32 * 32 }, (_, i) => (i % 7) / 7),
    y: new Int32Array(images.length),
    size: images.length,
    height: 32,
    width: 32,
    channels: 1,
    objects: { start, classes: new Uint16Array(start[images.length]).fill(1), boxes: Float32Array.from(list.flat(2)) },
  };
}

describe('shard shares', () => {
  it('are the rows by default, and detection\'s positive locations (at least 1) over the batch\'s', () => {
    const batch = boxes([4, 4, 20, 20], null, [4, 4, 20, 20], [4, 4, 20, 20]);
    const halves = [sliceBatch(batch, 0, 2), sliceBatch(batch, 2, 4)];
    assert.deepEqual(shardShares({}, batch, halves), [0.5, 0.5]);
    // The box centred at (12, 12) has 4 positive locations (centres 10 and 14 on each axis are within 1.5 strides):
    // 4 + 0 in the first shard, 4 + 4 in the second, 12 in the batch.
    const task = detection();
    assert.equal(task.lossDivisor?.(batch), 12);
    assert.deepEqual(shardShares(task, batch, halves), [4 / 12, 8 / 12]);
    // No positives anywhere: each divides by 1, and so does the batch. An empty shard counts nothing.
    const empty = boxes(null, null);
    assert.deepEqual(shardShares(task, empty, [sliceBatch(empty, 0, 1), sliceBatch(empty, 1, 2), sliceBatch(empty, 2, 2)]), [1, 1, 0]);
  });

  it('add the shards\' detection losses and parts up to the batch\'s, a shard without positives included', async () => {
    const tf = await cpuTf();
    const task = detection();
    const batch = boxes([4, 4, 20, 20], null, [8, 2, 30, 14], [0, 0, 31, 31], null);
    const output = Float32Array.from({ length: batch.size * 8 * 8 * 10 }, (_, i) => Math.sin(i * 0.37));
    const losses = (b: Batch, rows: Float32Array) =>
      tf.tidy(() => {
        const { target } = task.tensors(tf, b, { height: 32, width: 32, channels: 1 } as never);
        const out = tf.tensor4d(rows, [b.size, 8, 8, 10]);
        const parts = Object.fromEntries(Object.entries(task.lossParts?.(tf, out, target) ?? {}).map(([k, v]) => [k, (v as Scalar).dataSync()[0]]));
        return { loss: task.loss(tf, out, target).dataSync()[0], parts };
      });
    const whole = losses(batch, output);
    // Rows 1 and 4 have no boxes: shards of 2 and 3 rows, then shards holding only one of those images.
    for (const cuts of [[0, 2, 5], [0, 1, 2, 5], [0, 4, 5]]) {
      const shards = cuts.slice(1).map((end, k) => sliceBatch(batch, cuts[k], end));
      const shares = shardShares(task, batch, shards);
      const combined = combineShards(shards.map((s, k) => ({ share: shares[k], ...losses(s, output.slice(cuts[k] * 640, cuts[k + 1] * 640)) })));
      assert.ok(Math.abs(combined.loss - whole.loss) < 1e-5, `cuts ${cuts}: ${combined.loss} vs ${whole.loss}`);
      for (const name of Object.keys(whole.parts)) assert.ok(Math.abs((combined.parts?.[name] ?? NaN) - whole.parts[name]) < 1e-5, `${name} at cuts ${cuts}`);
    }
    // The row-weighted mean does not add up (why the shares exist).
    const rows = [sliceBatch(batch, 0, 1), sliceBatch(batch, 1, 5)];
    const naive = combineShards(rows.map((s, k) => ({ share: s.size / 5, ...losses(s, output.slice(k * 640, k === 0 ? 640 : 3200)) })));
    assert.ok(Math.abs(naive.loss - whole.loss) > 1e-3, `${naive.loss} vs ${whole.loss}`);
  });
});

describe('shared loss parts', () => {
  it('gives each shard a slot per declared part, read back by name from another view; other parts are refused', () => {
    const shared = new SharedGradients([2], 3, undefined, ['classes', 'boxes']);
    shared.setStats(2, 1.5, 0, { boxes: 0.25, classes: 1.25 });
    shared.setStats(1, 3, 7, { classes: 2, boxes: 1 });
    const view = new SharedGradients([2], 3, shared.buffer, ['classes', 'boxes']);
    assert.deepEqual(view.statsOf(2), [1.5, 0, { classes: 1.25, boxes: 0.25 }]);
    assert.deepEqual(view.statsOf(1), [3, 7, { classes: 2, boxes: 1 }]);
    // The gradients come after the stats: writing them leaves the stats alone.
    view.setGradient(2, 0, Float32Array.from([9, 9]));
    assert.deepEqual(shared.statsOf(2), [1.5, 0, { classes: 1.25, boxes: 0.25 }]);
    assert.throws(() => shared.setStats(1, 1, 0, { classes: 1 }), /the loss's parts \(classes\) are not the task's declared parts \(classes, boxes\)/);
    assert.deepEqual(new SharedGradients([2], 2).statsOf(1), [0, 0]);
  });
});

describe('detection with data-parallel workers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cnnlab-dp-parts-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  /** The epoch records a run writes to metrics.jsonl, its test pass's loss and parts, and its log. */
  async function run(workers: number) {
    const log: string[] = [];
    const { runDir, summary } = await runTraining({ modelText: TINY_DETECTOR, outDir: join(dir, String(workers)), backend: 'wasm', workers }, {
      onEvent: (e) => void (e.type === 'log' && log.push(e.message)),
    });
    assert.equal(summary.status, 'done');
    const epochs: EpochMetrics[] = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.kind === 'epoch');
    return { epochs, test: summary.test, log };
  }
  const close = (a: number | null | undefined, b: number | null | undefined, what: string) => assert.ok(typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= 1e-5, `${what}: ${a} vs ${b}`);

  it('records the training and validation loss parts of one worker with two, within 1e-5', async () => {
    const one = await run(1);
    const two = await run(2);
    assert.equal(two.epochs.length, 2);
    two.epochs.forEach((e, i) => {
      const o = one.epochs[i];
      assert.deepEqual(Object.keys(e.lossParts ?? {}), ['classes', 'boxes', 'centerness'], 'training parts recorded with workers');
      close(e.loss, o.loss, `epoch ${e.epoch} loss`);
      close(e.valLoss, o.valLoss, `epoch ${e.epoch} val_loss`);
      for (const name of Object.keys(o.lossParts ?? {})) {
        close(e.lossParts?.[name], o.lossParts?.[name], `epoch ${e.epoch} ${name}`);
        close(e.valLossParts?.[name], o.valLossParts?.[name], `epoch ${e.epoch} val ${name}`);
      }
      // The epoch line, timings aside, reads the same.
      const figures = (m: EpochMetrics) => epochLine(m).replace(/ \d+ samples\/s.*$/, '');
      assert.equal(figures(e), figures(o));
    });
    close(two.test?.loss, one.test?.loss, 'test loss');
    // The memory estimate the run logs counts the workers' heaps.
    assert.ok(two.log.some((m) => /^memory: ≈ .* at batch 16 split over 2 workers \(≤ 8 rows each\)/.test(m)), two.log.join('\n'));
    for (const name of Object.keys(one.test?.lossParts ?? {})) close(two.test?.lossParts?.[name], one.test?.lossParts?.[name], `test ${name}`);
  });
});
