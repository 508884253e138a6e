/** Linear (x·W + b with the engine's W [in, out]), Flatten / Unflatten (NCHW reshapes), Dropout (identity). */
import type { LinearArgs } from '../../../model/types';
import { layerName, type LayerLowering } from './types';

export const lowerLinear: LayerLowering = (b, layer, x) => {
  const a = layer.args as LinearArgs;
  const name = layerName(layer);
  const w = b.weight(`${name}.weight`);
  const product = b.add({ op: 'MatMul' }, [x, b.constant(`${name}.weight`, w.shape, w.data)], layer.outputShape, a.bias ? `${name}_matmul` : name);
  if (!a.bias) return product;
  const bias = b.weight(`${name}.bias`);
  return b.add({ op: 'Add' }, [product, b.constant(`${name}.bias`, bias.shape, bias.data)], layer.outputShape, name);
};

/** Flatten(start_dim=1): in NCHW the values are already in torch's C·H·W order. */
export const lowerFlatten: LayerLowering = (b, layer, x) =>
  b.shapeOf(x).length === 1 ? x : b.add({ op: 'Reshape', shape: [-1, ...layer.outputShape] }, [x], layer.outputShape, layerName(layer));

export const lowerUnflatten: LayerLowering = (b, layer, x) =>
  b.add({ op: 'Reshape', shape: [-1, ...layer.outputShape] }, [x], layer.outputShape, layerName(layer));

/** Dropout and Dropout2d do nothing in evaluation mode. */
export const lowerDropout: LayerLowering = (_b, _layer, x) => x;
