/**
 * Uniform draws for the layers' random masks (dropout, stochastic depth). A data-parallel shard draws its rows of
 * its whole global batch's mask (the stream is computed from any position, datasets/random.ts), so the shards of a
 * batch together use exactly the masks one worker would draw for it: a run does not depend on the number of
 * workers. Not tf.randomUniform: its loop is compiled on stack replacement and thrown away at the next call, a
 * recompilation every step that cost more than a millisecond per step in a data-parallel run.
 */
import { uniformRun } from '../../datasets/random';
import type { Tensor } from '../tf';
import type { BuildContext } from './types';

/** Where a forward pass's rows sit in the global batch (null: the pass sees the whole batch). */
export interface RowWindow {
  offset: number;
  total: number;
}

/** Uniform [0, 1) of `shape`; `perRow`: shape[0] is the batch's rows (else one draw shared by the whole batch). */
export function uniformDraw(ctx: BuildContext, shape: number[], perRow: boolean): Tensor {
  const { tf, seeds, rows } = ctx;
  const seed = seeds.next();
  const rowSize = shape.slice(1).reduce((n, d) => n * d, 1);
  const window = perRow ? rows.window : null;
  return tf.tensor(uniformRun(seed, (window?.offset ?? 0) * rowSize, new Float32Array(shape[0] * rowSize)), shape, 'float32');
}
