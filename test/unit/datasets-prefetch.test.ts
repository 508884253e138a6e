/**
 * Batches prepared by batch workers ahead of the training step: exactly the batches the training thread computes
 * itself (same seed → same augmentations and noise), in order, whatever the number of workers and however slowly
 * they are consumed; a batch depends only on its seed and index; pipeline errors and stopped passes are clean.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { transformStep } from '../../src/model/transforms/legacy';
import { batches, planBatches, runBatchJob, runsPerImage, type BatchOptions } from '../../src/trainer/datasets/batches';
import { BatchPool, defaultWorkerCount } from '../../src/trainer/datasets/batchPool';
import { prefetchBatches } from '../../src/trainer/datasets/prefetch';
import { generateShapes } from '../../src/trainer/datasets/shapes';
import type { Batch } from '../../src/trainer/datasets/types';

const set = generateShapes(150, 20, 20, 1, 3);
const heavy = [
  transformStep('RandomResizedCrop', { size: 20, scale: [0.6, 1] }, [20, 20]),
  transformStep('RandomHorizontalFlip', {}, undefined),
  transformStep('RandomRotation', { degrees: 15 }, undefined),
  transformStep('ColorJitter', { brightness: 0.3, contrast: 0.3 }, undefined),
  transformStep('RandAugment', { num_ops: 2, magnitude: 9 }, undefined),
  transformStep('Normalize', { mean: [0.5], std: [0.5] }, undefined),
  transformStep('RandomErasing', { p: 0.5 }, undefined),
];
const options: BatchOptions = { batchSize: 16, shuffle: true, seed: 9, epoch: 1, transforms: heavy };

const pools: BatchPool[] = [];
after(async () => Promise.all(pools.map((p) => p.dispose())));
function pool(count: number): BatchPool {
  const p = BatchPool.start(count);
  assert.ok(p);
  pools.push(p);
  return p;
}

async function collect(stream: AsyncIterable<Batch>, delay?: (i: number) => Promise<void>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of stream) {
    await delay?.(out.length);
    out.push(b);
  }
  return out;
}

const plain = (bs: Batch[]) => bs.map((b) => ({ x: Array.from(b.x), y: Array.from(b.y), clean: b.clean && Array.from(b.clean), size: b.size, dims: [b.height, b.width, b.channels] }));

describe('batch workers', () => {
  it('give the batches the training thread computes, in order, with 1 or 3 workers and any consumer speed', async () => {
    const reference = plain([...batches(set, options)]);
    assert.equal(reference.length, 10);
    assert.deepEqual(plain(await collect(prefetchBatches(set, options))), reference, 'no pool: computed on demand');
    assert.deepEqual(plain(await collect(prefetchBatches(set, options, pool(1)))), reference);
    // A consumer that waits a different time after each batch (a macrotask, so worker replies interleave).
    const uneven = (i: number) => new Promise<void>((r) => setTimeout(r, (i * 7) % 5));
    assert.deepEqual(plain(await collect(prefetchBatches(set, options, pool(3)), uneven)), reference);
    const noisy = { ...options, noise: { gaussian: 0.2, random_erasing: 0.5 } };
    assert.deepEqual(plain(await collect(prefetchBatches(set, noisy, pools[1]))), plain([...batches(set, noisy)]), 'noise and clean images too');
    assert.notDeepEqual(plain([...batches(set, { ...options, epoch: 2 })]), reference, 'another epoch draws other augmentations');
  });

  it('draws each batch from its own seed: batch k is the same computed alone', () => {
    const planned = [...planBatches(set, options)];
    const alone = runBatchJob(planned[4].job!);
    const inSequence = [...batches(set, options)][4];
    assert.deepEqual(Array.from(alone.x), Array.from(inSequence.x));
  });

  it('plans lookup-table batches in the thread and pipelines as jobs', () => {
    const normalizeOnly = [transformStep('Normalize', { mean: [0.5], std: [0.5] }, undefined)];
    assert.equal(runsPerImage(normalizeOnly), false);
    assert.equal(runsPerImage(normalizeOnly, { gaussian: 0.1 }), true);
    assert.equal(runsPerImage(heavy), true);
    assert.ok([...planBatches(set, { ...options, transforms: normalizeOnly })].every((p) => p.batch && !p.job));
    assert.ok([...planBatches(set, options)].every((p) => p.job && !p.batch));
  });

  it('rejects with the pipeline error, and a pass left early leaves no unhandled rejection', async () => {
    const job = [...planBatches(set, options)][0].job!;
    const inThread = (() => {
      try {
        runBatchJob({ ...job, steps: [{ ...heavy[0], args: { size: 20, scale: 'oops' } }] });
      } catch (err) {
        return (err as Error).message;
      }
    })();
    assert.ok(inThread);
    await assert.rejects(pool(2).run({ ...job, steps: [{ ...heavy[0], args: { size: 20, scale: 'oops' } }] }), { message: inThread });
    const stopped = prefetchBatches(set, options, pools[2]);
    for await (const _ of stopped) break;
    const p = pool(1);
    const running = assert.rejects(p.run(job), /stopped/);
    await p.dispose();
    await running;
  });

  it('takes its worker count from CNNLAB_DATA_WORKERS (0 = in the training thread), else the free cores', () => {
    assert.equal(defaultWorkerCount({ CNNLAB_DATA_WORKERS: '0' }), 0);
    assert.equal(defaultWorkerCount({ CNNLAB_DATA_WORKERS: '3' }), 3);
    assert.ok(defaultWorkerCount({}) >= 1 && defaultWorkerCount({}) <= 4);
    assert.equal(BatchPool.start(0), undefined);
  });
});
