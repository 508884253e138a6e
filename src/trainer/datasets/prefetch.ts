/**
 * Batches prepared ahead of the training step: while the model trains on batch k, the batch workers run the
 * pipelines of the next ones. Batches come out in plan order, so a run gives the same batches with or without
 * workers, however long each one takes.
 */
import { planBatches, runBatchJob, type BatchOptions, type PlannedBatch } from './batches';
import type { BatchPool } from './batchPool';
import type { Batch, ImageSet } from './types';

/** Jobs kept in flight per worker: one running, one queued behind it so a worker never waits for the next. */
const AHEAD_PER_WORKER = 2;

/** The set's batches, computed by `pool` ahead of use when there is one, else in this thread on demand. */
export async function* prefetchBatches(set: ImageSet, options: BatchOptions, pool?: BatchPool): AsyncGenerator<Batch> {
  if (!pool) {
    for (const planned of planBatches(set, options)) yield planned.batch ?? runBatchJob(planned.job);
    return;
  }
  const plan = planBatches(set, options);
  const ahead: Promise<Batch>[] = [];
  const start = (planned: PlannedBatch) => (planned.batch ? Promise.resolve(planned.batch) : pool.run(planned.job));
  const fill = () => {
    while (ahead.length < pool.size * AHEAD_PER_WORKER) {
      const next = plan.next();
      if (next.done) return;
      ahead.push(start(next.value));
    }
  };
  try {
    fill();
    while (ahead.length > 0) {
      const batch = await (ahead.shift() as Promise<Batch>);
      fill();
      yield batch;
    }
  } finally {
    // A pass that ends early (stop request, NaN) leaves jobs running: their results or errors are of no use.
    for (const p of ahead) p.catch(() => undefined);
  }
}
