/**
 * Seeds for tfjs's random ops. tfjs takes an explicit seed per call; drawing each from the datasets' seeded
 * generator makes initialisation and dropout masks reproducible from the run's seed alone.
 */
import { Random } from '../datasets/random';

/** A deterministic stream of integer seeds. */
export interface SeedStream {
  next(): number;
}

export function seedStream(seed: number): SeedStream {
  const random = new Random(seed);
  return { next: () => random.int(2147483647) };
}
