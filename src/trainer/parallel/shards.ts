/**
 * A global batch split by rows into one contiguous shard per data-parallel worker: shard k holds rows
 * start…end, the first `size % workers` shards one row more. Pure: no tfjs.
 */
import type { ObjectBoxes } from '../datasets/objectBoxes';
import type { Batch } from '../datasets/types';

/** The [start, end) rows of each of `workers` shards of a batch of `size` rows (shards past `size` are empty). */
export function shardRanges(size: number, workers: number): Array<[number, number]> {
  const base = Math.floor(size / workers);
  const extra = size % workers;
  const ranges: Array<[number, number]> = [];
  let start = 0;
  for (let k = 0; k < workers; k++) {
    const end = start + base + (k < extra ? 1 : 0);
    ranges.push([start, end]);
    start = end;
  }
  return ranges;
}

/** Rows start…end of `batch`, every per-row field sliced alike (copies: the shard travels to another thread). */
export function sliceBatch(batch: Batch, start: number, end: number): Batch {
  const rows = <T extends Float32Array | Int32Array | Uint8Array>(a: T): T => {
    const per = a.length / batch.size;
    return a.slice(start * per, end * per) as T;
  };
  return {
    x: rows(batch.x),
    y: rows(batch.y),
    size: end - start,
    height: batch.height,
    width: batch.width,
    channels: batch.channels,
    ...(batch.masks ? { masks: rows(batch.masks) } : {}),
    ...(batch.clean ? { clean: rows(batch.clean) } : {}),
    ...(batch.objects ? { objects: sliceObjects(batch.objects, start, end) } : {}),
  };
}

function sliceObjects(objects: ObjectBoxes, start: number, end: number): ObjectBoxes {
  const [from, to] = [objects.start[start], objects.start[end]];
  return {
    start: objects.start.slice(start, end + 1).map((s) => s - from),
    classes: objects.classes.slice(from, to),
    boxes: objects.boxes.slice(from * 4, to * 4),
  };
}
