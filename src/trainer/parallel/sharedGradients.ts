/**
 * The memory data-parallel workers share (one SharedArrayBuffer): the coordinator's weights, one gradient region
 * and one (loss, score) pair per worker shard (1…shards−1; shard 0 is the coordinator's own, which stays in its
 * engine), and one step counter per shard that a worker sets and notifies (Atomics) when its gradients are
 * written. Pure: no tfjs.
 */

/** Bytes of the control words: one Int32 step counter per shard and the weights signal, padded to 8 for the Float64 stats. */
const controlBytes = (shards: number): number => Math.ceil((4 * (shards + 1)) / 8) * 8;

export class SharedGradients {
  readonly buffer: SharedArrayBuffer;
  /** Step counter per shard: shard k's gradients of step s are written once done[k] === s. */
  readonly done: Int32Array;
  /**
   * The weights signal of a step posted ahead (before its weights existed): s once the weights of step s are
   * written, −s when step s is called off (the loop did not run that batch next).
   */
  readonly signal: Int32Array;
  /** Per shard: its mean loss and its score sum. */
  private readonly stats: Float64Array;
  private readonly offsets: number[];
  private readonly total: number;

  /** Space for `shards` shards of variables of these sizes (in scalars), or a view of `buffer` made that way. */
  constructor(
    readonly sizes: readonly number[],
    readonly shards: number,
    buffer?: SharedArrayBuffer,
  ) {
    this.offsets = [];
    let total = 0;
    for (const size of sizes) {
      this.offsets.push(total);
      total += size;
    }
    this.total = total;
    // Regions: the weights, then the gradients of shards 1…shards−1.
    this.buffer = buffer ?? new SharedArrayBuffer(this.head() + 4 * total * shards);
    this.done = new Int32Array(this.buffer, 0, shards);
    this.signal = new Int32Array(this.buffer, 4 * shards, 1);
    this.stats = new Float64Array(this.buffer, controlBytes(shards), 2 * shards);
  }

  /** Variable i's weights, written by the coordinator before a step. */
  weights(i: number): Float32Array {
    return this.region(0, i);
  }

  /** Variable i's gradient from worker shard k (≥ 1): its part of the batch's mean gradient. */
  gradient(k: number, i: number): Float32Array {
    if (!(k >= 1 && k < this.shards)) throw new RangeError(`shard ${k} has no shared gradients (1…${this.shards - 1})`);
    return this.region(k, i);
  }

  /** Writes shard k's gradient of variable i; none (the loss does not reach the variable) is zero. */
  setGradient(k: number, i: number, values: Float32Array | undefined): void {
    const region = this.gradient(k, i);
    if (values) region.set(values);
    else region.fill(0);
  }

  setStats(k: number, loss: number, score: number): void {
    this.stats[2 * k] = loss;
    this.stats[2 * k + 1] = score;
  }

  /** Shard k's mean loss and score sum. */
  statsOf(k: number): [number, number] {
    return [this.stats[2 * k], this.stats[2 * k + 1]];
  }

  /** Marks shard k's part of `step` written and wakes the coordinator. */
  finish(k: number, step: number): void {
    Atomics.store(this.done, k, step);
    Atomics.notify(this.done, k);
  }

  /** Tells the workers waiting on step s's weights that they are written (go) or that step s is called off. */
  signalWeights(step: number, go: boolean): void {
    Atomics.store(this.signal, 0, go ? step : -step);
    Atomics.notify(this.signal, 0);
  }

  /**
   * Blocks this (worker) thread until step s's weights are written: true, or step s is called off: false. The
   * wait is short: the coordinator posts a step ahead only while it finishes the step before it.
   */
  awaitWeights(step: number): boolean {
    for (;;) {
      const seen = Atomics.load(this.signal, 0);
      if (seen === step) return true;
      if (seen === -step) return false;
      Atomics.wait(this.signal, 0, seen, 100);
    }
  }

  private head(): number {
    return controlBytes(this.shards) + 8 * 2 * this.shards;
  }

  private region(slot: number, i: number): Float32Array {
    return new Float32Array(this.buffer, this.head() + 4 * (this.total * slot + this.offsets[i]), this.sizes[i]);
  }
}
