/**
 * Weight layouts: the engine keeps tfjs's (conv [kh, kw, in/groups, out], transposed conv [kh, kw, out/groups, in],
 * Linear [in, out]); torch keeps [out, in/groups, kh, kw], [in, out/groups, kh, kw] and [out, in]. Both conv
 * layouts map to torch by the same permutation (3, 2, 0, 1), Linear by (1, 0). Names are the same on both sides
 * (`layer3.weight`); BatchNorm's num_batches_tracked is int64 in torch.
 */
import type { LayerType, ModelAnalysis } from '../../model/types';
import { contiguousStrides } from '../../weights/stateDict';

/** Axis order taking the engine's layout of `layer.weight` to torch's (undefined: same layout). */
const CONV = [3, 2, 0, 1];
const TO_TORCH: Partial<Record<LayerType, Record<string, number[]>>> = {
  Conv2d: { weight: CONV },
  DetectionHead: { weight: CONV },
  ConvTranspose2d: { weight: CONV },
  Linear: { weight: [1, 0] },
  // torchvision.ops.SqueezeExcitation's fc1 and fc2 are 1×1 convolutions.
  SqueezeExcitation: { 'fc1.weight': CONV, 'fc2.weight': CONV },
};

/** The permutation a variable needs on its way to torch, by its name and the model's layer types. */
export function torchPermutation(analysis: Pick<ModelAnalysis, 'layers'>, name: string): number[] | undefined {
  const match = /^layer(\d+)\.(.+)$/.exec(name);
  if (!match) return undefined;
  const layer = analysis.layers.find((l) => l.index === Number(match[1]));
  return layer ? TO_TORCH[layer.type]?.[match[2]] : undefined;
}

/** The inverse permutation (torch → engine). */
export function inversePermutation(order: readonly number[]): number[] {
  const inverse = new Array<number>(order.length);
  order.forEach((axis, i) => (inverse[axis] = i));
  return inverse;
}

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
