/**
 * Spatial padding of NCHW values in PyTorch's modes: zeros (or a constant such as −∞ for max pooling) and
 * 'reflect' are one Pad; 'replicate' and 'circular' are built from slices and a concat, which every runtime has.
 */
import type { PaddingMode } from '../../../model/types';
import type { GraphBuilder } from '../builder';

/** Pixels to add on each side: top, bottom, left, right. */
export type Sides = [number, number, number, number];

export function padSpatial(b: GraphBuilder, x: string, sides: Sides, mode: PaddingMode, hint: string, value = 0): string {
  if (sides.every((s) => s === 0)) return x;
  const [c, h, w] = b.shapeOf(x);
  const [top, bottom, left, right] = sides;
  if (mode === 'zeros' || mode === 'reflect') {
    const pads: Array<[number, number]> = [[0, 0], [0, 0], [top, bottom], [left, right]];
    return b.add({ op: 'Pad', pads, mode: mode === 'zeros' ? 'constant' : 'reflect', value }, [x], [c, h + top + bottom, w + left + right], hint);
  }
  const rows = padAxis(b, x, 2, top, bottom, mode, hint);
  return padAxis(b, rows, 3, left, right, mode, hint);
}

/** 'replicate' repeats the edge row; 'circular' takes the rows of the opposite side. */
function padAxis(b: GraphBuilder, x: string, axis: 2 | 3, before: number, after: number, mode: 'replicate' | 'circular', hint: string): string {
  if (before === 0 && after === 0) return x;
  const shape = b.shapeOf(x);
  const size = shape[axis - 1];
  const slice = (start: number, count: number): string => {
    const part = [...shape];
    part[axis - 1] = count;
    return b.add({ op: 'Slice', axis, start, end: start + count, step: 1 }, [x], part, `${hint}_edge`);
  };
  const fill = (count: number, atStart: boolean): string[] => {
    if (mode === 'circular') return [slice(atStart ? size - count : 0, count)];
    const edge = slice(atStart ? 0 : size - 1, 1);
    return Array.from({ length: count }, () => edge);
  };
  const parts = [...(before > 0 ? fill(before, true) : []), x, ...(after > 0 ? fill(after, false) : [])];
  const out = [...shape];
  out[axis - 1] = size + before + after;
  return b.add({ op: 'Concat', axis }, parts, out, `${hint}_pad`);
}
