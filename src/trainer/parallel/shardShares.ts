/**
 * How much each shard of a batch counts when data-parallel workers split it. A task's batch loss is a sum over the
 * batch divided by a divisor: its rows for per-image means, detection's positive locations (EngineTask.lossDivisor).
 * Each shard computes its own mean (its sum over its own divisor); weighted by its divisor over the whole batch's,
 * the shards' losses add up to the batch's exactly (Σ sum_k / divisor), and so do their gradients (each shard's loss
 * is scaled by its share before them) and the loss's parts, divided alike. A row-weighted mean would not: 1e-4
 * apart on detection, whose shards have different numbers of positives. Pure: no tfjs.
 */
import type { Batch } from '../datasets/types';
import type { EngineTask } from '../tasks/registry';

/** Each shard's share of `batch`'s loss (0 for an empty shard, which is not computed). */
export function shardShares(task: Pick<EngineTask, 'lossDivisor'>, batch: Batch, shards: readonly Batch[]): number[] {
  const divisor = (b: Batch) => task.lossDivisor?.(b) ?? b.size;
  const whole = divisor(batch);
  return shards.map((shard) => (shard.size === 0 ? 0 : divisor(shard) / whole));
}

/** One shard's mean loss and loss parts, with its share. */
export interface ShardLoss {
  share: number;
  loss: number;
  parts?: Readonly<Record<string, number>>;
}

/** The batch's loss and parts: the shards' weighted by their shares, in shard order; parts only if the shards have them. */
export function combineShards(shards: readonly ShardLoss[]): { loss: number; parts?: Record<string, number> } {
  let loss = 0;
  let parts: Record<string, number> | undefined;
  for (const shard of shards) {
    loss += shard.share * shard.loss;
    if (!shard.parts) continue;
    parts ??= {};
    for (const [name, value] of Object.entries(shard.parts)) parts[name] = (parts[name] ?? 0) + shard.share * value;
  }
  return parts ? { loss, parts } : { loss };
}
