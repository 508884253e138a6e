/**
 * Data-parallel steps: each batch is split by rows into one shard per worker; this thread (the coordinator) runs
 * shard 0 on its own model while N−1 worker threads, each with its own wasm engine and CNN Lab's kernels, run the
 * others. Each shard's loss is scaled by its share of the batch, so its gradients are its part of the batch's mean
 * gradient: the workers write theirs to shared memory (SharedGradients), the coordinator adds them to its own in
 * shard order and applies the one optimizer step, then shares the new weights with the next step. (The same step
 * in every worker would save the weights' copy, ~0.3 ms of a 20 ms step on the reference CNN, against a copy of
 * the optimizer and its schedule, stages and lr multipliers in each worker.) Evaluation passes split their batches
 * the same way, and so do the inspector's class scores of many images (occlusion's copies).
 *
 * What is the same as one worker: the batches (made here, as before), the dropout masks (each shard keeps its
 * rows of the whole batch's draw), the loss, its parts and gradients (the shards' means weighted by their share of
 * the batch's loss divisor: rows, or detection's positive locations; shardShares.ts). What differs: summation
 * order, and BatchNorm, which normalises each shard with its own statistics (DistributedDataParallel without
 * SyncBatchNorm); the running statistics are the coordinator's, from shard 0, as DDP keeps rank 0's.
 */
import type { Worker } from 'node:worker_threads';
import type { Batch, ImageSet } from '../datasets/types';
import { batchBuffers } from '../datasets/batches';
import type { GraphNode } from '../../model/types';
import type { EngineModel } from '../engine/model';
import { TASKS } from '../../model';
import { localScores, type ImageRows, type ScoreRunner, type ScoresOf } from '../engine/classScores';
import { batchStep, forwardBatch, type ForwardResult, type ForwardRunner, type StepResult, type StepRunner } from '../engine/steps';
import type { PhaseClock, StepProfile } from '../engine/stepPhases';
import type { NamedTensorMap, TF, Tensor, Variable } from '../engine/tf';
import type { EngineTask } from '../tasks/registry';
import { startTrainerWorker } from '../startWorker';
import { SharedGradients } from './sharedGradients';
import { copyValues, tensorOf } from './sharedValues';
import { shardRanges, sliceBatch } from './shards';
import { combineShards, shardShares } from './shardShares';
import type { FromStepWorker, SetGeometry, StepWorkerSetup, ToStepWorker } from './stepMessages';

/** Atomics.waitAsync (Node ≥ 16; not in the ES2022 lib's types). */
type WaitAsync = (array: Int32Array, index: number, value: number, timeout?: number) => { async: boolean; value: Promise<string> | string };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** How long one wait lasts before the loop looks again (a failed worker also wakes it). */
const WAIT_MS = 1000;
/** How long this thread blocks for a worker's gradients before it waits through the event loop. */
const SYNC_WAIT_MS = 20;

/**
 * The data-parallel steps of a run with `workers` workers (the run's request), or undefined for one worker (the
 * loop steps in this thread). The workers compute with the wasm engine (or cpu, for debugging); a native backend
 * already spreads its ops over the cores, so it keeps one worker and says so.
 */
export async function startDataParallel(workers: number, backend: string, model: EngineModel, setup: Omit<StepWorkerSetup, 'backend'>, log: (message: string, level?: 'warning') => void, profile?: StepProfile): Promise<DataParallelSteps | undefined> {
  if (workers <= 1) return undefined;
  if (backend !== 'wasm' && backend !== 'cpu') {
    log(`workers: ${workers} requested, but data-parallel training runs on the wasm engine; the ${backend} backend uses its own threads with one worker`, 'warning');
    return undefined;
  }
  const steps = await DataParallelSteps.start(model, workers, { ...setup, backend }, profile);
  log(`data-parallel: ${workers} workers, each batch split among them`);
  return steps;
}

/** A batch split among the workers: each shard's rows and its share of the batch's loss (shardShares.ts). */
interface Split {
  ranges: Array<[number, number]>;
  shards: Batch[];
  shares: number[];
}

/** A step posted to the workers before the loop asked for it: its number, batch (and split), trainable set and seed position. */
interface Ahead {
  step: number;
  batch: Batch;
  split: Split;
  key: string;
  seedPosition: number;
  posted: number[];
}

/**
 * The workers' replies, awaited once this thread has computed its own rows: a worker failing meanwhile rejects
 * them before anything awaits them, which must not count as an unhandled rejection (it would end the process).
 */
function handled<T>(replies: Array<Promise<T>>): Promise<T[]> {
  const all = Promise.all(replies);
  all.catch(() => undefined);
  return all;
}

export class DataParallelSteps implements StepRunner, ForwardRunner, ScoreRunner {
  private step = 0;
  /** Evaluation and score requests posted and not yet answered, by message id. */
  private readonly replies = new Map<number, { resolve(r: FromStepWorker): void; reject(e: Error): void }>();
  private lastId = 0;
  /** The trainable set each worker last received the full weights for (a new set, e.g. a stage, resends all). */
  private readonly synced: (string | undefined)[];
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private disposed = false;
  /** The step posted ahead during the last one (postAhead), if any. */
  private ahead: Ahead | undefined;
  /** Steps that ran as posted ahead (how often the workers were spared the wait for this thread's loop). */
  stepsAhead = 0;

  private constructor(
    private readonly threads: Worker[],
    private readonly shared: SharedGradients,
    private readonly variables: Variable[],
    private readonly clock: PhaseClock | undefined,
  ) {
    this.synced = threads.map(() => undefined);
  }

  /**
   * Starts `workers − 1` step workers beside this thread for `model` (built from `setup.graph` and `setup.seed`),
   * each ready to step once this resolves; rejects (and stops them) when one cannot start. With `profile`, every
   * thread times its phases into it.
   */
  static async start(model: EngineModel, workers: number, setup: StepWorkerSetup, profile?: StepProfile): Promise<DataParallelSteps> {
    const variables = [...model.params, ...model.buffers].map((p) => p.variable);
    // The loss's parts travel beside it in shared slots named from the start (the core task's declared parts).
    const shared = new SharedGradients(
      variables.map((v) => v.size),
      workers,
      undefined,
      TASKS[setup.task.name].views.lossParts ?? [],
    );
    const threads = Array.from({ length: workers - 1 }, () => startTrainerWorker(__dirname, 'step-worker.js', 'stepWorker.ts'));
    const steps = new DataParallelSteps(threads, shared, variables, profile?.clock);
    const phases = profile?.share(workers - 1);
    try {
      await Promise.all(
        threads.map((thread, i) => {
          const ready = new Promise<void>((resolve, reject) => {
            thread.once('message', (m: FromStepWorker) => (m.type === 'ready' ? resolve() : reject(new Error(`data-parallel worker ${i + 1} could not start: ${m.type === 'error' ? m.message : m.type}`))));
            thread.once('error', reject);
          });
          const init: ToStepWorker = { type: 'init', buffer: shared.buffer, sizes: [...shared.sizes], shards: workers, shard: i + 1, parts: [...shared.parts], phases, ...setup };
          thread.postMessage(init);
          return ready;
        }),
      );
    } catch (err) {
      await steps.dispose();
      throw err;
    }
    threads.forEach((thread, i) => steps.watch(thread, i + 1));
    return steps;
  }

  async run(tf: TF, model: EngineModel, task: EngineTask, vars: Variable[], apply: (grads: NamedTensorMap) => void, batch: Batch, set: ImageSet, upcoming?: () => Batch | undefined): Promise<StepResult> {
    if (this.failure) throw this.failure;
    const clock = this.clock;
    clock?.lap('loop');
    const trainable = vars.map((v) => this.variables.indexOf(v));
    const key = trainable.join(',');
    const geometry = { height: set.height, width: set.width, channels: set.channels };
    const ahead = this.ahead;
    this.ahead = undefined;
    let step = ++this.step;
    let posted: number[];
    let split: Split;
    if (ahead && ahead.step === step && ahead.batch === batch && ahead.key === key && ahead.seedPosition === model.seeds.position) {
      // Posted during the last step, its weights written and signalled at its end: the workers are computing it.
      ({ posted, split } = ahead);
      this.stepsAhead += 1;
    } else {
      // A step posted ahead that the loop did not run next is computed by its workers all the same, and ignored.
      if (ahead) step = ++this.step;
      split = this.split(task, batch);
      posted = this.post(tf, model, step, batch, split, trainable, key, geometry, false);
    }
    const { shards, shares } = split;
    clock?.lap('batch');
    // Shard 0, here, while the workers run theirs; its gradients stay in this engine until the sum.
    let own: Array<Tensor | undefined> = [];
    let mine: StepResult;
    let result: StepResult;
    model.setRows({ offset: 0, total: batch.size });
    try {
      const keep = (grads: NamedTensorMap) => (own = trainable.map((i) => grads[this.variables[i].name]).map((g) => g && tf.keep(g)));
      mine = await batchStep(tf, model, task, vars, shards[0], set, keep, { share: shares[0], clock });
    } finally {
      model.setRows(null);
    }
    const next = this.postAhead(tf, model, task, upcoming?.(), trainable, key, geometry);
    let signalled = false;
    try {
      for (const k of posted) await this.finished(k, step);
      clock?.lap('wait');
      // Read before the next step's weights are signalled: a worker computing it overwrites its figures. The loss
      // and its parts weighted as the gradients were; the score is a sum.
      const results = [mine, ...posted.map((k) => this.shared.statsOf(k))];
      const { loss, parts } = combineShards(results.map(([l, , p], j) => ({ share: shares[j === 0 ? 0 : posted[j - 1]], loss: l, parts: p })));
      const score = results.reduce((sum, [, s]) => sum + s, 0);
      result = parts ? [loss, score, parts] : [loss, score];
      // The batch's mean gradient: the shards' parts added in shard order, whichever worker finished first.
      tf.tidy(() => {
        const grads: NamedTensorMap = {};
        trainable.forEach((i, j) => {
          const mine = own[j];
          // No gradient here means none in any shard (the loss does not reach the variable): no update, as with one worker.
          if (!mine) return;
          const v = this.variables[i];
          const parts = [mine, ...posted.map((k) => tensorOf(tf, this.shared.gradient(k, i), v.shape))];
          grads[v.name] = parts.length === 1 ? mine : tf.addN(parts);
        });
        clock?.lap('reduce');
        apply(grads);
      });
      clock?.lap('optimizer');
      if (next) {
        // The next step's weights: the workers it was posted to start as soon as they are signalled.
        for (const i of trainable) copyValues(tf, this.variables[i], this.shared.weights(i));
        this.shared.signalWeights(next.step, true);
        signalled = true;
        clock?.lap('weights');
      }
    } finally {
      tf.dispose(own.filter((g): g is Tensor => g !== undefined));
      // A step that failed calls off the one posted ahead: its workers stop waiting for weights that never come.
      if (next && !signalled) {
        this.shared.signalWeights(next.step, false);
        this.discardAhead();
      }
    }
    return result;
  }

  /** `batch` split among the workers: rows of each shard (the batch itself when shard 0 has them all) and shares. */
  private split(task: EngineTask, batch: Batch): Split {
    const ranges = shardRanges(batch.size, this.workers);
    const shards = ranges.map(([start, end]) => (end - start === batch.size ? batch : sliceBatch(batch, start, end)));
    return { ranges, shards, shares: shardShares(task, batch, shards) };
  }

  /**
   * Writes the weights the workers lack (all of them for a worker that has not seen this trainable set) and posts
   * each worker its rows of `batch` as step `step`; returns the workers posted to (those with rows).
   */
  private post(tf: TF, model: EngineModel, step: number, batch: Batch, { ranges, shards, shares }: Split, trainable: number[], key: string, geometry: SetGeometry, ahead: boolean): number[] {
    const posted = this.threads.map((_, i) => i + 1).filter((k) => ranges[k][1] > ranges[k][0]);
    const full = posted.some((k) => this.synced[k - 1] !== key);
    const sync = full ? this.variables.map((_, i) => i) : trainable;
    if (!ahead && posted.length > 0) for (const i of sync) copyValues(tf, this.variables[i], this.shared.weights(i));
    const window = (k: number) => ({ offset: ranges[k][0], total: batch.size });
    for (const k of posted) {
      const shard = shards[k];
      const message: ToStepWorker = { type: 'step', step, batch: shard, window: window(k), share: shares[k], set: geometry, seedPosition: model.seeds.position, sync: this.synced[k - 1] === key ? trainable : sync, trainable, ahead };
      this.threads[k - 1].postMessage(message, batchBuffers(shard));
      this.synced[k - 1] = key;
    }
    return posted;
  }

  /**
   * Hands the workers their rows of the loop's next batch while this step is still being finished here, so that
   * they start it the moment its weights are written instead of after this thread's sum, optimizer step, loop and
   * message. Only in the steady state: the next batch made already, and every worker holding this trainable set.
   */
  private postAhead(tf: TF, model: EngineModel, task: EngineTask, next: Batch | undefined, trainable: number[], key: string, geometry: SetGeometry): Ahead | undefined {
    if (!next || this.synced.some((s) => s !== key)) return undefined;
    const step = this.step + 1;
    const seedPosition = model.seeds.position;
    const split = this.split(task, next);
    const posted = this.post(tf, model, step, next, split, trainable, key, geometry, true);
    if (posted.length > 0) this.ahead = { step, batch: next, split, key, seedPosition, posted };
    return this.ahead;
  }

  /** Forgets the step posted ahead (the workers compute it all the same): the next step takes a later number. */
  private discardAhead(): void {
    if (this.ahead) this.step = Math.max(this.step, this.ahead.step);
    this.ahead = undefined;
  }

  /**
   * An evaluation pass split like the steps: this thread computes the first rows of each batch while the workers
   * compute theirs (with all of this model's weights, BatchNorm's running statistics included, sent with their
   * first rows of the pass); the outputs are put back in row order, the loss and its parts combined as a step's.
   */
  forwardPass(tf: TF, model: EngineModel, task: EngineTask, set: ImageSet): (batch: Batch) => Promise<ForwardResult> {
    const sync = this.startPass(tf);
    const geometry = { height: set.height, width: set.width, channels: set.channels };
    return async (batch) => {
      if (this.failure) throw this.failure;
      this.clock?.lap('loop');
      const { shards, shares } = this.split(task, batch);
      const theirs = handled(
        shards.slice(1).flatMap((rows, i) => {
          if (rows.size === 0) return [];
          return [this.ask(i + 1, (id) => ({ type: 'forward', id, batch: rows, set: geometry, sync: sync(i + 1) }), batchBuffers(rows)) as Promise<ForwardResult>];
        }),
      );
      const own = await forwardBatch(tf, model, task, shards[0], set);
      // Non-empty shards only, in shard order: the workers' after this thread's.
      const results = [own, ...(await theirs)];
      const outputs = new Float32Array(results.reduce((n, p) => n + p.outputs.length, 0));
      let offset = 0;
      for (const p of results) {
        outputs.set(p.outputs, offset);
        offset += p.outputs.length;
      }
      this.clock?.lap('evaluate');
      return { ...combineShards(results.map((p, k) => ({ share: shares[k], loss: p.loss, parts: p.parts }))), outputs };
    };
  }

  /** Class scores of images split by rows like an evaluation batch, put back in row order. */
  scoresPass(tf: TF, model: EngineModel, graph: readonly GraphNode[]): ScoresOf {
    const sync = this.startPass(tf);
    const local = localScores.scoresPass(tf, model, graph);
    return async ({ images, shape: [n, ...pixel] }) => {
      if (this.failure) throw this.failure;
      const size = images.length / n;
      const part = (start: number, end: number): ImageRows => ({ images: images.slice(start * size, end * size), shape: [end - start, ...pixel] });
      const ranges = shardRanges(n, this.workers);
      const theirs = handled(
        ranges.slice(1).flatMap(([start, end], i) => {
          if (end === start) return [];
          const rows = part(start, end);
          return [this.ask(i + 1, (id) => ({ type: 'scores', id, rows, sync: sync(i + 1) }), [rows.images.buffer as ArrayBuffer]).then((r) => (r as { values: Float32Array }).values)];
        }),
      );
      const parts = [await local(part(...ranges[0])), ...(await theirs)];
      const scores = new Float32Array(parts.reduce((total, p) => total + p.length, 0));
      parts.reduce((offset, p) => (scores.set(p, offset), offset + p.length), 0);
      return scores;
    };
  }

  /**
   * Starts a pass with this model's current weights (best weights restored, a checkpoint loaded): shares them and
   * returns the variables to send with worker k's next request, all of them with its first one of the pass.
   */
  private startPass(tf: TF): (k: number) => number[] {
    this.discardAhead();
    const all = this.variables.map((_, i) => i);
    all.forEach((i) => copyValues(tf, this.variables[i], this.shared.weights(i)));
    const stale = new Set(this.threads.map((_, i) => i + 1));
    return (k) => (stale.delete(k) ? all : []);
  }

  /** Posts worker k a request (made with its message id) and resolves with the reply; rejects when a worker fails. */
  private ask(k: number, request: (id: number) => ToStepWorker, transfer: ArrayBuffer[]): Promise<FromStepWorker> {
    const id = ++this.lastId;
    const reply = new Promise<FromStepWorker>((resolve, reject) => this.replies.set(id, { resolve, reject }));
    this.threads[k - 1].postMessage(request(id), transfer);
    return reply;
  }

  /** Workers stepping, this thread included. */
  get workers(): number {
    return this.threads.length + 1;
  }

  /** Stops the workers. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all(this.threads.map((w) => w.terminate()));
  }

  /** Resolves once shard k has finished `step`; throws when a worker failed first. */
  private async finished(k: number, step: number): Promise<void> {
    for (;;) {
      if (this.failure) throw this.failure;
      const seen = Atomics.load(this.shared.done, k);
      if (seen >= step) return;
      // Blocking first: the step has nothing else to do, and a wake-up through the event loop came later (samples/s
      // +1.8% over epochs 2–3 of the reference CNN with 2 workers). Briefly, so that a worker's failure is still heard.
      if (Atomics.wait(this.shared.done, k, seen, SYNC_WAIT_MS) !== 'timed-out') continue;
      const wait = waitAsync(this.shared.done, k, seen, WAIT_MS);
      if (wait.async) await Promise.race([wait.value, new Promise<void>((resolve) => (this.wake = resolve))]);
    }
  }

  /** A worker's error reply, uncaught exception or exit fails every later step with its reason. */
  private watch(thread: Worker, k: number): void {
    const fail = (reason: string) => {
      if (this.disposed) return;
      this.failure ??= new Error(`data-parallel worker ${k} ${reason} ${this.replies.size > 0 ? 'while evaluating' : `(step ${this.step})`}`);
      this.wake?.();
      this.replies.forEach((r) => r.reject(this.failure as Error));
      this.replies.clear();
    };
    thread.on('message', (m: FromStepWorker) => {
      if (m.type === 'error') fail(`failed: ${m.message}`);
      if (m.type === 'outputs' || m.type === 'scores') {
        this.replies.get(m.id)?.resolve(m);
        this.replies.delete(m.id);
      }
    });
    thread.on('error', (err) => fail(`failed: ${err.message}`));
    thread.on('exit', (code) => fail(`exited (code ${code})`));
  }
}
