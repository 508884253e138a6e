/**
 * Uniform draws for the layers' random masks (dropout, stochastic depth). A data-parallel shard draws the masks of
 * its whole global batch and keeps its own rows, so the shards of a batch together use exactly the masks one
 * worker would draw for it: a run does not depend on the number of workers.
 */
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
  const window = perRow ? rows.window : null;
  if (!window || window.total === shape[0]) return tf.randomUniform(shape, 0, 1, 'float32', seed);
  const whole = tf.randomUniform([window.total, ...shape.slice(1)], 0, 1, 'float32', seed);
  return tf.slice(whole, [window.offset, ...shape.slice(1).map(() => 0)], shape);
}
