/**
 * Moving weights between the engine's layouts and torch's (which permutation: src/weights/rankLayout.ts), and
 * torch's dtypes: BatchNorm's num_batches_tracked is int64 there.
 */
import { contiguousStrides } from '../../weights/stateDict';

/** A row-major array of `shape` with its axes permuted: result axis i is input axis order[i]. */
export function transpose(values: ArrayLike<number>, shape: readonly number[], order: readonly number[]): { values: Float32Array; shape: number[] } {
  const outShape = order.map((a) => shape[a]);
  const inStrides = contiguousStrides(shape);
  const stepBy = order.map((a) => inStrides[a]);
  const out = new Float32Array(values.length);
  const index = new Array<number>(order.length).fill(0);
  let source = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = values[source];
    // Odometer over the output's axes, moving the source offset by the permuted strides.
    for (let axis = order.length - 1; axis >= 0; axis--) {
      index[axis]++;
      source += stepBy[axis];
      if (index[axis] < outShape[axis]) break;
      source -= stepBy[axis] * outShape[axis];
      index[axis] = 0;
    }
  }
  return { values: out, shape: outShape };
}

/** True for variables torch stores as int64. */
export function isInt64(name: string): boolean {
  return name.endsWith('.num_batches_tracked');
}
