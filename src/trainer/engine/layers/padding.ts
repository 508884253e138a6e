/**
 * Spatial padding of NHWC tensors in PyTorch's modes. Zeros (or a constant) use tf.pad; 'reflect', 'replicate'
 * and 'circular' are built from slices, reverse and concat, whose gradients are right: tfjs's mirrorPad gradient
 * drops the reflected contributions (it only slices the centre out), so it is not used.
 */
import type { PaddingMode } from '../../../model/types';
import type { TF, Tensor4D } from '../tf';

/** Pixels to add on each side: top, bottom, left, right. */
export type Sides = [number, number, number, number];

export function isZeroPadding(sides: Sides): boolean {
  return sides.every((s) => s === 0);
}

/** Pads H and W of an NHWC tensor; `value` is the constant for mode 'zeros' (−∞ for max pooling). */
export function padSpatial(tf: TF, x: Tensor4D, sides: Sides, mode: PaddingMode, value = 0): Tensor4D {
  if (isZeroPadding(sides)) return x;
  const [top, bottom, left, right] = sides;
  const paddings: Array<[number, number]> = [[0, 0], [top, bottom], [left, right], [0, 0]];
  switch (mode) {
    case 'zeros':
      return tf.pad(x, paddings, value);
    case 'reflect':
      return padAxis(tf, padAxis(tf, x, 1, top, bottom, reflectRows), 2, left, right, reflectRows);
    case 'replicate':
      return padAxis(tf, padAxis(tf, x, 1, top, bottom, edgeRows), 2, left, right, edgeRows);
    case 'circular':
      return padAxis(tf, padAxis(tf, x, 1, top, bottom, wrapRows), 2, left, right, wrapRows);
  }
}

type Filler = (tf: TF, x: Tensor4D, axis: 1 | 2, count: number, atStart: boolean) => Tensor4D;

function padAxis(tf: TF, x: Tensor4D, axis: 1 | 2, before: number, after: number, fill: Filler): Tensor4D {
  const parts: Tensor4D[] = [];
  if (before > 0) parts.push(fill(tf, x, axis, before, true));
  parts.push(x);
  if (after > 0) parts.push(fill(tf, x, axis, after, false));
  return parts.length === 1 ? x : tf.concat(parts, axis);
}

/** 'replicate': the first/last row (or column) repeated. */
function edgeRows(tf: TF, x: Tensor4D, axis: 1 | 2, count: number, atStart: boolean): Tensor4D {
  const size = x.shape[axis];
  const edge = sliceAxis(tf, x, axis, atStart ? 0 : size - 1, 1);
  const reps: [number, number, number, number] = [1, 1, 1, 1];
  reps[axis] = count;
  return tf.tile(edge, reps);
}

/** 'reflect': the rows next to the edge, mirrored (the edge itself is not repeated). */
function reflectRows(tf: TF, x: Tensor4D, axis: 1 | 2, count: number, atStart: boolean): Tensor4D {
  const size = x.shape[axis];
  return tf.reverse(sliceAxis(tf, x, axis, atStart ? 1 : size - 1 - count, count), axis);
}

/** 'circular': rows from the opposite side, as if the image wrapped around. */
function wrapRows(tf: TF, x: Tensor4D, axis: 1 | 2, count: number, atStart: boolean): Tensor4D {
  const size = x.shape[axis];
  return sliceAxis(tf, x, axis, atStart ? size - count : 0, count);
}

function sliceAxis(tf: TF, x: Tensor4D, axis: 1 | 2, start: number, length: number): Tensor4D {
  const begin: [number, number, number, number] = [0, 0, 0, 0];
  const size: [number, number, number, number] = [-1, -1, -1, -1];
  begin[axis] = start;
  size[axis] = length;
  return tf.slice(x, begin, size);
}

/**
 * A symmetric zero padding as tfjs's explicit pads. Passing the number instead makes tfjs size the output with the
 * vertical stride on both axes, wrong for unequal strides such as (1, 2).
 */
export function explicitPad(pad: number | 'valid'): 'valid' | [[0, 0], [number, number], [number, number], [0, 0]] {
  return pad === 'valid' ? pad : [[0, 0], [pad, pad], [pad, pad], [0, 0]];
}
