/**
 * BatchNorm1d / BatchNorm2d in evaluation mode. With running statistics the layer is an affine map per channel,
 * folded at export time: y = x·s + t with s = γ/√(var + ε), t = β − mean·s. Without them (track_running_stats
 * false) torch normalises with the batch's own statistics even in evaluation, and so does the export.
 */
import type { BatchNormArgs } from '../../../model/types';
import type { GraphBuilder } from '../builder';
import { layerName, type LayerLowering } from './types';

export const lowerBatchNorm: LayerLowering = (b, layer, x) => {
  const a = layer.args as BatchNormArgs;
  const name = layerName(layer);
  const shape = b.shapeOf(x);
  const c = a.num_features;
  // Constants broadcast over the channel axis: [C, 1, 1] for feature maps, [C] for feature vectors.
  const channelShape = shape.length === 3 ? [c, 1, 1] : [c];
  const gamma = a.affine ? b.weight(`${name}.weight`).data : new Float32Array(c).fill(1);
  const beta = a.affine ? b.weight(`${name}.bias`).data : new Float32Array(c);
  if (a.track_running_stats) {
    const mean = b.weight(`${name}.running_mean`).data;
    const variance = b.weight(`${name}.running_var`).data;
    const scale = gamma.map((g, i) => g / Math.sqrt(variance[i] + a.eps));
    const shift = beta.map((bt, i) => bt - mean[i] * scale[i]);
    const scaled = b.add({ op: 'Mul' }, [x, b.constant(`${name}.scale`, channelShape, scale)], shape, `${name}_scale`);
    return b.add({ op: 'Add' }, [scaled, b.constant(`${name}.shift`, channelShape, shift)], shape, name);
  }
  return batchStatistics(b, x, a.eps, name, b.constant(`${name}.weight`, channelShape, gamma), b.constant(`${name}.bias`, channelShape, beta));
};

function batchStatistics(b: GraphBuilder, x: string, eps: number, name: string, gamma: string, beta: string): string {
  const shape = b.shapeOf(x);
  const axes = shape.length === 3 ? [0, 2, 3] : [0];
  const statShape = shape.map((d, i) => (axes.includes(i + 1) ? 1 : d));
  const mean = b.add({ op: 'ReduceMean', axes }, [x], statShape, `${name}_mean`);
  const centred = b.add({ op: 'Sub' }, [x, mean], shape, `${name}_centred`);
  const squares = b.add({ op: 'Mul' }, [centred, centred], shape, `${name}_squares`);
  const variance = b.add({ op: 'ReduceMean', axes }, [squares], statShape, `${name}_var`);
  const std = b.add({ op: 'Sqrt' }, [b.add({ op: 'Add' }, [variance, b.scalar(eps)], statShape, `${name}_var_eps`)], statShape, `${name}_std`);
  const normalised = b.add({ op: 'Div' }, [centred, std], shape, `${name}_normalised`);
  return b.add({ op: 'Add' }, [b.add({ op: 'Mul' }, [normalised, gamma], shape, `${name}_scale`), beta], shape, name);
}
