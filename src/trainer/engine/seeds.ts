/**
 * Seeds for tfjs's random ops. tfjs takes an explicit seed per call; drawing each from the datasets' seeded
 * generator makes initialisation and dropout masks reproducible from the run's seed alone.
 */
import { Random } from '../datasets/random';

/** A deterministic stream of integer seeds. */
export interface SeedStream {
  next(): number;
  /** Seeds drawn so far. */
  readonly position: number;
  /**
   * Moves to `position` (data-parallel workers follow the coordinator's stream): forwards by drawing, backwards
   * (a worker's step posted ahead and not run) by starting over from the seed.
   */
  seek(position: number): void;
}

export function seedStream(seed: number): SeedStream {
  let random = new Random(seed);
  let position = 0;
  const next = (): number => {
    position += 1;
    return random.int(2147483647);
  };
  return {
    next,
    get position() {
      return position;
    },
    seek(target) {
      if (target < position) [random, position] = [new Random(seed), 0];
      while (position < target) next();
    },
  };
}
