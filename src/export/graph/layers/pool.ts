/**
 * MaxPool2d, AvgPool2d and the adaptive pools as the engine computes them (trainer/engine/layers/pool.ts): the
 * input padded so that every window is a 'valid' one (−∞ for max, zeros for average), then valid pooling;
 * average windows rescaled by torch's divisors; dilated max pooling as the maximum of strided taps.
 */
import type { AdaptivePool2dArgs, Pool2dArgs } from '../../../model/types';
import { avgDivisors, poolPlan } from '../../../trainer/engine/layers/pool';
import type { GraphBuilder } from '../builder';
import { padSpatial } from './padding';
import { layerName, type LayerLowering } from './types';

export const lowerMaxPool2d: LayerLowering = (b, layer, x) => {
  const a = layer.args as Pool2dArgs;
  const name = layerName(layer);
  const [c, h, w] = b.shapeOf(x);
  const plan = poolPlan([h, w], a, a.dilation);
  const padded = padSpatial(b, x, plan.sides, 'zeros', `${name}_pad`, -Infinity);
  if (a.dilation[0] === 1 && a.dilation[1] === 1) return b.add({ op: 'MaxPool', kernel: a.kernel_size, strides: a.stride }, [padded], layer.outputShape, name);
  const taps: string[] = [];
  for (let i = 0; i < a.kernel_size[0]; i++) {
    for (let j = 0; j < a.kernel_size[1]; j++) {
      const rows = stridedSlice(b, padded, 2, i * a.dilation[0], a.stride[0], plan.outH, `${name}_tap`);
      taps.push(stridedSlice(b, rows, 3, j * a.dilation[1], a.stride[1], plan.outW, `${name}_tap`));
    }
  }
  return taps.reduce((m, t) => b.add({ op: 'Max' }, [m, t], [c, plan.outH, plan.outW], name));
};

function stridedSlice(b: GraphBuilder, x: string, axis: 2 | 3, start: number, step: number, count: number, hint: string): string {
  const shape = [...b.shapeOf(x)];
  shape[axis - 1] = count;
  return b.add({ op: 'Slice', axis, start, end: start + (count - 1) * step + 1, step }, [x], shape, hint);
}

export const lowerAvgPool2d: LayerLowering = (b, layer, x) => {
  const a = layer.args as Pool2dArgs;
  const name = layerName(layer);
  const [, h, w] = b.shapeOf(x);
  const plan = poolPlan([h, w], a, [1, 1]);
  const divisor = a.divisor_override ?? null;
  const unpadded = plan.sides.every((s) => s === 0);
  const pool = { op: 'AveragePool' as const, kernel: a.kernel_size, strides: a.stride };
  if (unpadded && divisor === null) return b.add(pool, [x], layer.outputShape, name);
  const padded = padSpatial(b, x, plan.sides, 'zeros', `${name}_pad`);
  const mean = b.add(pool, [padded], layer.outputShape, `${name}_mean`);
  const sums = b.add({ op: 'Mul' }, [mean, b.scalar(a.kernel_size[0] * a.kernel_size[1])], layer.outputShape, `${name}_sum`);
  const divisors = divisor !== null
    ? b.scalar(divisor)
    : b.constant(`${name}.divisors`, [plan.outH, plan.outW], avgDivisors(a, h, w, plan.outH, plan.outW));
  return b.add({ op: 'Div' }, [sums, divisors], layer.outputShape, name);
};

/** Bins [⌊i·H/out⌋, ⌈(i+1)·H/out⌉), rows first, then columns; one pooling op when the bins tile the input. */
export function lowerAdaptivePool2d(kind: 'avg' | 'max'): LayerLowering {
  return (b, layer, x) => {
    const a = layer.args as AdaptivePool2dArgs;
    const name = layerName(layer);
    const [c, h, w] = b.shapeOf(x);
    const [outH, outW] = a.output_size;
    if (h % outH === 0 && w % outW === 0 && (h > outH || w > outW)) {
      const k: [number, number] = [h / outH, w / outW];
      return b.add({ op: kind === 'avg' ? 'AveragePool' : 'MaxPool', kernel: k, strides: k }, [x], [c, outH, outW], name);
    }
    const reduce = kind === 'avg' ? 'ReduceMean' : 'ReduceMax';
    const alongAxis = (v: string, axis: 2 | 3, out: number): string => {
      const shape = b.shapeOf(v);
      const size = shape[axis - 1];
      if (size === out) return v;
      const bins = Array.from({ length: out }, (_, i) => {
        const [start, end] = [Math.floor((i * size) / out), Math.ceil(((i + 1) * size) / out)];
        const binShape = [...shape];
        binShape[axis - 1] = end - start;
        const bin = b.add({ op: 'Slice', axis, start, end, step: 1 }, [v], binShape, `${name}_bin`);
        binShape[axis - 1] = 1;
        return b.add({ op: reduce, axes: [axis] }, [bin], binShape, `${name}_cell`);
      });
      const outShape = [...shape];
      outShape[axis - 1] = out;
      return bins.length === 1 ? bins[0] : b.add({ op: 'Concat', axis }, bins, outShape, `${name}_${axis === 2 ? 'rows' : 'cols'}`);
    };
    return alongAxis(alongAxis(x, 2, outH), 3, outW);
  };
}
