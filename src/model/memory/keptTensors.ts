/**
 * What one training step keeps alive per sample, layer by layer, as the trainer's engine builds each layer
 * (src/trainer/engine/layers). tfjs records every forward tensor on its tape and frees none before the backward
 * pass ends, and the gradient it computes for each of them stays alive as long: so every float32 tensor a layer
 * creates counts twice (value and gradient). Keep this table in step with the engine's layers.
 */
import { product } from '../layers/arithmetic';
import { absorbedRelus, isFusableConv } from './convRelu';
import type { MemoryBackend } from './estimate';
import type { Conv2dArgs, ConvTranspose2dArgs, DropoutArgs, GraphNode, Pool2dArgs, ResolvedLayer } from '../types';

const FLOAT32 = 4;

/** Float32 tensors of the output's size the engine creates for the layer in training. */
function outputsCreated(layer: ResolvedLayer, backend: MemoryBackend): number {
  switch (layer.type) {
    case 'Conv2d': {
      const a = layer.args as Conv2dArgs;
      // One fused op (convolution, bias, a ReLU after it: convRelu.ts); grouped convolutions add the bias as its own
      // op, and grouped (not depthwise) ones also concatenate.
      if (isFusableConv(a)) return 1;
      const grouped = a.groups > 1 && a.groups !== a.in_channels;
      return 1 + (a.bias ? 1 : 0) + (grouped ? 1 : 0);
    }
    case 'ConvTranspose2d': {
      const a = layer.args as ConvTranspose2dArgs;
      return 1 + (a.bias ? 1 : 0) + (a.output_padding.some((p) => p > 0) ? 1 : 0) + (a.padding.some((p) => p > 0) ? 1 : 0);
    }
    case 'Dropout':
    case 'Dropout2d': {
      const p = (layer.args as DropoutArgs).p;
      if (p === 0) return 0;
      // Uniform noise, the keep mask as floats, the mask scaled by 1/(1−p), the product (Dropout2d: per channel).
      return layer.type === 'Dropout' && p < 1 ? 4 : 1;
    }
    case 'BatchNorm1d':
    case 'BatchNorm2d':
      // The output; written with ops (native), the normalised input is saved too; the wasm kernels keep the input.
      return backend === 'wasm' ? 1 : 2;
    case 'Upsample':
      return 2; // rows, then columns
    default:
      return 1;
  }
}

/** A copy of the input, padded, for padding the convolution or pooling kernel cannot do itself. */
function paddedInputElements(layer: ResolvedLayer): number {
  const pad = (sides: [number, number], extra: [number, number] = [0, 0]): number => {
    const [c, h, w] = layer.inputShape;
    return c * (h + 2 * sides[0] + extra[0]) * (w + 2 * sides[1] + extra[1]);
  };
  if (layer.type === 'Conv2d') {
    const a = layer.args as Conv2dArgs;
    const simple = a.padding_mode === 'zeros' && a.padding[0] === a.padding[1] && a.paddingExtra.every((e) => e === 0);
    return simple ? 0 : pad(a.padding, a.paddingExtra);
  }
  if (layer.type === 'MaxPool2d' || layer.type === 'AvgPool2d') {
    const a = layer.args as Pool2dArgs;
    return a.padding.some((p) => p > 0) || a.ceil_mode ? pad(a.padding) : 0;
  }
  return 0;
}

/** Elements of the sums that join residual blocks (body + projection or identity) and of graph merges. */
function residualElements(nodes: readonly GraphNode[]): number {
  let n = 0;
  for (const node of nodes) {
    if (node.kind === 'residual') n += product(node.outputShape) + residualElements([...node.body, ...node.projection]);
    if (node.kind === 'merge') n += product(node.merge.outputShape);
  }
  return n;
}

/** Bytes one sample keeps from the forward pass to the end of the backward pass (values and gradients). */
export function keptBytesPerSample(model: { layers: readonly ResolvedLayer[]; graph: readonly GraphNode[]; input: readonly number[] }, backend: MemoryBackend): number {
  let elements = product(model.input) + 2 * residualElements(model.graph); // the input batch: no gradient computed
  const absorbed = absorbedRelus(model.graph);
  for (const l of model.layers) {
    if (!l.outputShape.length || absorbed.has(l.index)) continue;
    elements += 2 * (outputsCreated(l, backend) * product(l.outputShape) + paddedInputElements(l));
  }
  return FLOAT32 * elements;
}
