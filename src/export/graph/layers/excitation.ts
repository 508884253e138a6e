/**
 * SqueezeExcitation as the engine computes it (trainer/engine/layers/excitation.ts): the channel means, fc1 and
 * fc2 as 1×1 convolutions with their activations, and the input multiplied by the gate. StochasticDepth is the
 * identity in evaluation mode.
 */
import type { ExcitationArgs, LayerType, ResolvedLayer } from '../../../model/types';
import type { GraphBuilder } from '../builder';
import { lowerActivation } from './activation';
import { layerName, type LayerLowering } from './types';
import { transposeData } from './weightLayout';

export const lowerSqueezeExcitation: LayerLowering = (b, layer, x) => {
  const a = layer.args as ExcitationArgs;
  const name = layerName(layer);
  const [c] = b.shapeOf(x);
  const squeezed = b.add({ op: 'ReduceMean', axes: [2, 3] }, [x], [c, 1, 1], `${name}_squeeze`);
  const hidden = activate(b, layer, a.activation, conv1x1(b, `${name}.fc1`, squeezed, [a.squeeze_channels, 1, 1]));
  const gate = activate(b, layer, a.scale_activation, conv1x1(b, `${name}.fc2`, hidden, [c, 1, 1]));
  return b.add({ op: 'Mul' }, [x, gate], layer.outputShape, name);
};

export const lowerStochasticDepth: LayerLowering = (_b, _layer, x) => x;

function conv1x1(b: GraphBuilder, prefix: string, x: string, shape: number[]): string {
  // Engine [1, 1, in, out] → OIHW.
  const w = transposeData(b.weight(`${prefix}.weight`), [3, 2, 0, 1]);
  const bias = b.weight(`${prefix}.bias`);
  const inputs = [x, b.constant(`${prefix}.weight`, w.shape, w.data), b.constant(`${prefix}.bias`, bias.shape, bias.data)];
  return b.add({ op: 'Conv', strides: [1, 1], group: 1 }, inputs, shape, prefix.replace('.', '_'));
}

/** The gate's activations are parameterless ones (ReLU, SiLU, Sigmoid, Hardsigmoid), lowered as layers of their own. */
function activate(b: GraphBuilder, layer: ResolvedLayer, type: string, x: string): string {
  const shape = b.shapeOf(x);
  return lowerActivation(b, { ...layer, type: type as LayerType, args: {} as ResolvedLayer['args'], inputShape: shape, outputShape: shape }, x);
}
