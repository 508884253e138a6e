/**
 * MaxPool2d, AvgPool2d and the adaptive pools with PyTorch's arithmetic: padding (−∞ for max, zeros counted or
 * not for average, or one fixed divisor_override), ceil_mode (windows may run past the padded input, but never
 * start in the right padding), dilation for max pooling.
 */
import type { AdaptivePool2dArgs, Pool2dArgs } from '../../../model/types';
import type { Tensor4D, TF } from '../tf';
import { isZeroPadding, padSpatial, type Sides } from './padding';
import { sampleGrid } from './sampling';
import { statelessLayer, type BuildContext, type EngineLayer } from './types';

/** torch's pooling output length along one axis, ceil_mode included. */
export function poolOutputLength(size: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = size + 2 * p - d * (k - 1) - 1;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (out - 1) * s >= size + p) out -= 1;
  return out;
}

/** Output size and the padding (top, bottom, left, right) that makes every window a 'valid' one. */
export interface PoolPlan {
  outH: number;
  outW: number;
  sides: Sides;
}

/** The plan for an input of `height`×`width` (the ONNX and TensorFlow.js exports pad the same way). */
export function poolPlan([height, width]: readonly [number, number], a: Pool2dArgs, dilation: [number, number]): PoolPlan {
  const axis = (i: 0 | 1): { out: number; after: number } => {
    const [size, k, s, p, d] = [i === 0 ? height : width, a.kernel_size[i], a.stride[i], a.padding[i], dilation[i]];
    const out = poolOutputLength(size, k, s, p, d, a.ceil_mode);
    const needed = (out - 1) * s + d * (k - 1) + 1 - (size + 2 * p);
    return { out, after: p + Math.max(0, needed) };
  };
  const [h, w] = [axis(0), axis(1)];
  return { outH: h.out, outW: w.out, sides: [a.padding[0], h.after, a.padding[1], w.after] };
}

export function buildMaxPool2d(ctx: BuildContext, name: string, a: Pool2dArgs): EngineLayer {
  const { tf } = ctx;
  return statelessLayer(name, (input) => {
    const plan = poolPlan([input.shape[1] ?? 0, input.shape[2] ?? 0], a, a.dilation);
    const padded = padSpatial(tf, input as Tensor4D, plan.sides, 'zeros', -Infinity);
    if (a.dilation[0] === 1 && a.dilation[1] === 1) return tf.maxPool(padded, a.kernel_size, a.stride, 'valid');
    return dilatedWindowMax(tf, padded, a, plan.outH, plan.outW);
  });
}

/** Max over dilated windows as the maximum of kh·kw strided taps (tfjs's maxPool has no dilation). */
function dilatedWindowMax(tf: TF, x: Tensor4D, a: Pool2dArgs, outH: number, outW: number): Tensor4D {
  let result: Tensor4D | undefined;
  for (let i = 0; i < a.kernel_size[0]; i++) {
    for (let j = 0; j < a.kernel_size[1]; j++) {
      const tap = sampleGrid(tf, x, i * a.dilation[0], j * a.dilation[1], a.stride, outH, outW);
      result = result ? (tf.maximum(result, tap) as Tensor4D) : tap;
    }
  }
  return result as Tensor4D;
}

export function buildAvgPool2d(ctx: BuildContext, name: string, a: Pool2dArgs): EngineLayer {
  const { tf } = ctx;
  return statelessLayer(name, (input) => {
    const x = input as Tensor4D;
    const plan = poolPlan([x.shape[1], x.shape[2]], a, [1, 1]);
    const divisor = a.divisor_override ?? null;
    const unpadded = isZeroPadding(plan.sides);
    if (unpadded && divisor === null) return tf.avgPool(x, a.kernel_size, a.stride, 'valid');
    const padded = unpadded ? x : padSpatial(tf, x, plan.sides, 'zeros');
    const area = a.kernel_size[0] * a.kernel_size[1];
    const sums = tf.mul(tf.avgPool(padded, a.kernel_size, a.stride, 'valid'), area);
    // divisor_override divides every window's sum by the same number, padding or not (torch's avg_pool2d).
    if (divisor !== null) return tf.div(sums, divisor);
    const divisors = avgDivisors(a, x.shape[1], x.shape[2], plan.outH, plan.outW);
    return tf.div(sums, tf.tensor4d(divisors, [1, plan.outH, plan.outW, 1]));
  });
}

/** torch's avg_pool2d divisor per output pixel: the window clipped to the padded input (or to the real input). */
export function avgDivisors(a: Pool2dArgs, h: number, w: number, outH: number, outW: number): Float32Array {
  const span = (i: number, k: number, s: number, p: number, size: number): number => {
    const start = i * s - p;
    const end = Math.min(start + k, size + p);
    return a.count_include_pad ? end - start : Math.min(end, size) - Math.max(start, 0);
  };
  const out = new Float32Array(outH * outW);
  for (let i = 0; i < outH; i++) {
    for (let j = 0; j < outW; j++) {
      out[i * outW + j] =
        span(i, a.kernel_size[0], a.stride[0], a.padding[0], h) * span(j, a.kernel_size[1], a.stride[1], a.padding[1], w);
    }
  }
  return out;
}

/** AdaptiveAvgPool2d / AdaptiveMaxPool2d: bins [⌊i·H/out⌋, ⌈(i+1)·H/out⌉), reduced rows first, then columns. */
export function buildAdaptivePool2d(ctx: BuildContext, name: string, a: AdaptivePool2dArgs, kind: 'avg' | 'max'): EngineLayer {
  const { tf } = ctx;
  const reduce = (t: Tensor4D, axis: number): Tensor4D =>
    (kind === 'avg' ? tf.mean(t, axis, true) : tf.max(t, axis, true)) as Tensor4D;
  const alongAxis = (x: Tensor4D, axis: 1 | 2, out: number): Tensor4D => {
    const size = x.shape[axis];
    if (size === out) return x;
    const bins: Tensor4D[] = [];
    for (let i = 0; i < out; i++) {
      const start = Math.floor((i * size) / out);
      const end = Math.ceil(((i + 1) * size) / out);
      const begin: [number, number, number, number] = [0, 0, 0, 0];
      const len: [number, number, number, number] = [-1, -1, -1, -1];
      begin[axis] = start;
      len[axis] = end - start;
      bins.push(reduce(tf.slice(x, begin, len), axis));
    }
    return bins.length === 1 ? bins[0] : (tf.concat(bins, axis) as Tensor4D);
  };
  return statelessLayer(name, (input) => {
    const x = input as Tensor4D;
    const [outH, outW] = a.output_size;
    const [, h, w] = x.shape;
    if (h % outH === 0 && w % outW === 0 && (h > outH || w > outW)) {
      const k: [number, number] = [h / outH, w / outW];
      return kind === 'avg' ? tf.avgPool(x, k, k, 'valid') : tf.maxPool(x, k, k, 'valid');
    }
    return alongAxis(alongAxis(x, 1, outH), 2, outW);
  });
}
