/**
 * A small seeded pseudo-random generator (mulberry32). Datasets, augmentation and the training loop's
 * shuffling all draw from it, so a run is reproducible from its seed alone.
 */

/** A seeded random stream; every method advances the same 32-bit state. */
export class Random {
  private state: number;

  constructor(seed: number) {
    // Mix the seed once so that nearby seeds (1, 2, 3…) start far apart.
    this.state = hashSeed(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return mulberry((this.state = (this.state + INCREMENT) | 0)) / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Approximately standard-normal (sum of four uniforms, rescaled): cheap enough for per-pixel noise. */
  gaussian(): number {
    return (this.next() + this.next() + this.next() + this.next() - 2) * 1.7320508075688772;
  }

  /** Shuffles `array` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }
}

/** A permutation of 0…n−1 drawn from `seed`. */
export function permutation(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return new Random(seed).shuffle(order);
}

/** Derives an independent seed for a named sub-stream (e.g. seed of epoch 3, seed of the test split). */
export function deriveSeed(seed: number, ...parts: Array<number | string>): number {
  let h = hashSeed(seed);
  for (const part of parts) {
    const text = String(part);
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    h = hashSeed(h);
  }
  return h >>> 0;
}

/**
 * Values `from`, `from + 1`, … of `seed`'s stream, as float32 in [0, 1) (24 bits, so none rounds up to 1), into
 * `out`. Mulberry32's k-th value depends on its state after k steps only, so any run of the stream is computed
 * directly: a data-parallel shard draws just its rows of the batch's dropout mask.
 */
export function uniformRun(seed: number, from: number, out: Float32Array): Float32Array {
  let state = (hashSeed(seed) + Math.imul(from, INCREMENT)) | 0;
  for (let i = 0; i < out.length; i++) {
    state = (state + INCREMENT) | 0;
    out[i] = (mulberry(state) >>> 8) * 5.9604644775390625e-8;
  }
  return out;
}

/** Mulberry32's state increment per value. */
const INCREMENT = 0x6d2b79f5;

/** Mulberry32's output of a state (an unsigned 32-bit integer). */
function mulberry(state: number): number {
  let t = Math.imul(state ^ (state >>> 15), state | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/** A 32-bit integer hash (splitmix-style finaliser) of any number. */
function hashSeed(seed: number): number {
  let h = Math.floor(seed) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}
