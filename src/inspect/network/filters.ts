/** The learned kernels of a convolutional layer, read from the model's variables, in PyTorch's [out][in][kh][kw] order. */
import type { Conv2dArgs } from '../../model/types';
import type { InspectableRun } from './runModel';

export interface LayerFilters {
  index: number;
  text: string;
  outChannels: number;
  /** Input channels each filter sees (in_channels / groups). */
  inChannels: number;
  kernelHeight: number;
  kernelWidth: number;
  /** out × in × kh × kw values (PyTorch's weight layout). */
  values: Float32Array;
  /** Drawn in colour: the first layer of an RGB model (each filter is a small RGB image). */
  colour: boolean;
}

/** Layers whose filters can be shown (Conv2d), in file order. */
export function convLayerIndices(run: InspectableRun): number[] {
  return run.analysis.layers.filter((l) => l.type === 'Conv2d').map((l) => l.index);
}

/** The filters of Conv2d layer `index`; throws a RangeError for another kind of layer. */
export async function convFilters(run: InspectableRun, index: number): Promise<LayerFilters> {
  const layer = run.analysis.layers.find((l) => l.index === index);
  if (!layer || layer.type !== 'Conv2d') throw new RangeError(`layer ${index} is not a Conv2d layer (filters exist for ${convLayerIndices(run).join(', ') || 'no layer'})`);
  const weight = run.model.params.find((p) => p.name === `layer${index}.weight`);
  if (!weight) throw new Error(`the model has no weight for layer ${index}`);
  const [kh, kw, inPer, out] = weight.variable.shape as [number, number, number, number];
  const hwio = (await weight.variable.data()) as Float32Array;
  const values = new Float32Array(hwio.length);
  for (let o = 0; o < out; o++)
    for (let i = 0; i < inPer; i++)
      for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) values[((o * inPer + i) * kh + y) * kw + x] = hwio[((y * kw + x) * inPer + i) * out + o];
  const args = layer.args as Conv2dArgs;
  return { index, text: layer.text, outChannels: out, inChannels: inPer, kernelHeight: kh, kernelWidth: kw, values, colour: inPer === 3 && args.groups === 1 && index === convLayerIndices(run)[0] };
}
