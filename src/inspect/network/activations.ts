/** Feature maps: the output of each layer (or graph merge) for one input, as channel-major planes ready for drawing. */
import { mergesOf } from '../../model/layerAt';
import type { ResolvedLayer, ResolvedMerge } from '../../model/types';
import type { Tensor4D } from '../../trainer/engine/tf';
import { valueRange, type ValueRange } from '../image/colormap';
import { planesFromHwc, type PlaneStack } from '../image/grid';
import { traceForward } from './forward';
import type { InspectInput } from './input';
import type { InspectableRun } from './runModel';

export interface LayerActivation {
  /** The core's 1-based layer index (lines up with the model file). */
  index: number;
  type: string;
  text: string;
  /** Output shape in the model file's order: [C, H, W] or [F]. */
  shape: number[];
  /** One plane per channel; a [F] output is one near-square plane (row-major, NaN after the F values). */
  planes: PlaneStack;
  range: ValueRange;
}

/** Outputs of the given layers (default: every layer) for one input. */
export async function activations(run: InspectableRun, input: InspectInput, layerIndices?: number[]): Promise<LayerActivation[]> {
  const { tf, analysis } = run;
  const wanted = analysis.layers.filter((l) => !layerIndices || layerIndices.includes(l.index));
  const keep = new Set(wanted.map((l) => l.index));
  const traced = tf.tidy(() => {
    const x = tf.tensor4d(input.x, [1, input.height, input.width, input.channels]) as Tensor4D;
    const { outputs } = traceForward(run, x, { keep });
    // Returned tensors survive the tidy; everything else is freed.
    return wanted.map((l) => outputs.get(l.index)).filter((t) => t !== undefined);
  });
  try {
    const result: LayerActivation[] = [];
    for (const [i, tensor] of traced.entries()) {
      result.push(toActivation(wanted[i], tensor.shape, (await tensor.data()) as Float32Array));
    }
    return result;
  } finally {
    tf.dispose(traced);
  }
}

/** The output of merge `index` (1-based, file order: see graphOutputs) for one input, as a layer's would be. */
export async function mergeActivation(run: InspectableRun, input: InspectInput, index: number): Promise<MergeActivation | undefined> {
  const { tf, analysis } = run;
  const merge = mergesOf(analysis.graph)[index - 1];
  if (!merge) return undefined;
  const tensor = tf.tidy(() => {
    const x = tf.tensor4d(input.x, [1, input.height, input.width, input.channels]) as Tensor4D;
    return traceForward(run, x, { keepMerges: new Set([index]) }).mergeOutputs.get(index);
  });
  if (!tensor) return undefined;
  try {
    const data = (await tensor.data()) as Float32Array;
    return { index, text: mergeText(merge), ...planesOf(tensor.shape, data) };
  } finally {
    tensor.dispose();
  }
}

export interface MergeActivation {
  /** 1-based merge index. */
  index: number;
  /** As written: "concat(b1, b2)". */
  text: string;
  shape: number[];
  planes: PlaneStack;
  range: ValueRange;
}

export function mergeText(merge: ResolvedMerge): string {
  return `${merge.op}(${merge.inputs.map((i) => i.name).join(', ')})`;
}

function toActivation(layer: ResolvedLayer, shape: number[], data: Float32Array): LayerActivation {
  return { index: layer.index, type: layer.type, text: layer.text, ...planesOf(shape, data) };
}

/** NHWC or [N, F] values → planes in the model file's channel order, the torch shape and the value range. */
function planesOf(shape: number[], data: Float32Array): { shape: number[]; planes: PlaneStack; range: ValueRange } {
  const planes: PlaneStack = shape.length === 4 ? planesFromHwc(data, shape[1], shape[2], shape[3]) : vectorPlane(data);
  const torchShape = shape.length === 4 ? [shape[3], shape[1], shape[2]] : shape.slice(1);
  return { shape: torchShape, planes, range: valueRange(data) };
}

/** A feature vector folded into a near-square plane, so that 4,096 features draw as 64 × 64 rather than 1 × 4,096. */
export function vectorPlane(data: Float32Array): PlaneStack {
  const width = Math.max(1, Math.ceil(Math.sqrt(data.length)));
  const height = Math.max(1, Math.ceil(data.length / width));
  const folded = new Float32Array(width * height).fill(NaN);
  folded.set(data);
  return { channels: 1, height, width, data: folded };
}
