/**
 * A pool of batch workers (worker_threads) that run batch jobs off the training thread. Each job is
 * self-contained (pixels + seeds), so results do not depend on which worker ran it or when. Under tsx (tests,
 * benches) the worker's TypeScript source is loaded through tsx; in the bundles, dist/batch-worker.js.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startTrainerWorker } from '../startWorker';
import type { BatchJob } from './batches';
import type { Batch } from './types';

export interface ToBatchWorker {
  id: number;
  job: BatchJob;
}

export type FromBatchWorker = { id: number; batch: Batch; error?: undefined } | { id: number; error: string; batch?: undefined };

interface Pending {
  resolve(batch: Batch): void;
  reject(error: Error): void;
}

/**
 * Batch workers to start: $CNNLAB_DATA_WORKERS if set (0 runs pipelines in the training thread), else one per core
 * left after the training thread's, at least one (it still overlaps the step's waits), at most 4.
 */
export function defaultWorkerCount(env: NodeJS.ProcessEnv = process.env): number {
  const set = env.CNNLAB_DATA_WORKERS;
  if (set !== undefined && set.trim() !== '' && Number.isInteger(Number(set))) return Math.max(0, Math.min(16, Number(set)));
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

export class BatchPool {
  private readonly pending = new Map<number, Pending & { worker: Worker }>();
  private readonly load = new Map<Worker, number>();
  private nextId = 1;
  private failure: Error | undefined;

  private constructor(private readonly workers: Worker[]) {
    for (const worker of workers) {
      this.load.set(worker, 0);
      worker.on('message', (m: FromBatchWorker) => this.settle(worker, m));
      worker.on('error', (err) => this.fail(worker, err));
      worker.on('exit', (code) => this.fail(worker, new Error(`a batch worker exited (${code})`)));
    }
  }

  /** Starts `count` workers; undefined for 0 (the caller runs jobs itself). */
  static start(count = defaultWorkerCount()): BatchPool | undefined {
    if (count <= 0) return undefined;
    return new BatchPool(Array.from({ length: count }, () => startWorker()));
  }

  get size(): number {
    return this.workers.length;
  }

  /** Runs `job` on the least busy worker. */
  run(job: BatchJob): Promise<Batch> {
    if (this.failure) return Promise.reject(this.failure);
    const worker = this.workers.reduce((a, b) => ((this.load.get(b) ?? 0) < (this.load.get(a) ?? 0) ? b : a));
    const id = this.nextId++;
    this.load.set(worker, (this.load.get(worker) ?? 0) + 1);
    return new Promise<Batch>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker });
      worker.postMessage({ id, job } satisfies ToBatchWorker);
    });
  }

  /** Stops the workers; jobs still running are rejected. */
  async dispose(): Promise<void> {
    this.failure ??= new Error('the batch workers were stopped');
    const workers = this.workers.splice(0);
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(this.failure);
    }
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private settle(worker: Worker, message: FromBatchWorker): void {
    const p = this.pending.get(message.id);
    if (!p) return;
    this.pending.delete(message.id);
    this.load.set(worker, (this.load.get(worker) ?? 1) - 1);
    if (message.batch) p.resolve(message.batch);
    else p.reject(new Error(message.error));
  }

  /** A worker that crashed or exited fails the pool: its jobs, and every later one, reject with the reason. */
  private fail(worker: Worker, error: Error): void {
    if (!this.workers.includes(worker)) return;
    this.failure ??= error;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(this.failure);
    }
  }
}

function startWorker(): Worker {
  return startTrainerWorker(__dirname, 'batch-worker.js', 'batchWorker.ts');
}
