/**
 * The memory data-parallel workers share (one SharedArrayBuffer): the coordinator's weights, one gradient region
 * and one stats row (loss, score, then the loss's parts) per worker shard (1…shards−1; shard 0 is the
 * coordinator's own, which stays in its engine), and one step counter per shard that a worker sets and notifies (Atomics) when its gradients are
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
  /** Per shard, `width` values: its mean loss, its score sum and its loss parts' means. */
  private readonly stats: Float64Array;
  private readonly width: number;
  private readonly offsets: number[];
  private readonly total: number;

  /**
   * Space for `shards` shards of variables of these sizes (in scalars) and a loss with these parts (the task's
   * declared ones, fixed from the start so that every thread reads the same slots), or a view of `buffer` made that way.
   */
  constructor(
    readonly sizes: readonly number[],
    readonly shards: number,
    buffer?: SharedArrayBuffer,
    readonly parts: readonly string[] = [],
  ) {
    this.width = 2 + parts.length;
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
    this.stats = new Float64Array(this.buffer, controlBytes(shards), this.width * shards);
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

  /** Writes shard k's mean loss, score sum and loss parts (exactly the declared ones, or none when none are). */
  setStats(k: number, loss: number, score: number, parts?: Readonly<Record<string, number>>): void {
    const names = Object.keys(parts ?? {});
    if (names.length !== this.parts.length || names.some((name) => !this.parts.includes(name))) {
      throw new Error(`the loss's parts (${names.join(', ') || 'none'}) are not the task's declared parts (${this.parts.join(', ') || 'none'})`);
    }
    const row = k * this.width;
    this.stats[row] = loss;
    this.stats[row + 1] = score;
    this.parts.forEach((name, j) => (this.stats[row + 2 + j] = (parts as Record<string, number>)[name]));
  }

  /** Shard k's mean loss, score sum and loss parts (tasks that declare parts). */
  statsOf(k: number): [loss: number, score: number, parts?: Record<string, number>] {
    const row = k * this.width;
    const [loss, score] = [this.stats[row], this.stats[row + 1]];
    if (this.parts.length === 0) return [loss, score];
    return [loss, score, Object.fromEntries(this.parts.map((name, j) => [name, this.stats[row + 2 + j]]))];
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
    return controlBytes(this.shards) + 8 * this.width * this.shards;
  }

  private region(slot: number, i: number): Float32Array {
    return new Float32Array(this.buffer, this.head() + 4 * (this.total * slot + this.offsets[i]), this.sizes[i]);
  }
}
