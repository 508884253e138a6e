/**
 * How much an autoencoder compresses: input values / bottleneck values, the bottleneck being the layer with the
 * fewest output values. The layers at the end that already output the reconstruction's size (the last
 * ConvTranspose2d or Linear, Sigmoid, Unflatten) are the output, not a code, so they are left out; without that
 * rule an overcomplete code (more values than the input) would be hidden behind the output layer's equal count.
 */
import type { ModelAnalysis, ResolvedLayer } from '../types';

export interface Compression {
  /** Values of one input sample (C·H·W). */
  inputValues: number;
  /** Values of one sample at the bottleneck. */
  bottleneckValues: number;
  /** inputValues / bottleneckValues: above 1 the code is smaller than the input, below 1 it is larger. */
  ratio: number;
  /** The first layer with the fewest values, then the ones right after it that keep that count (its activation). */
  bottleneck: ResolvedLayer[];
}

const count = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** The compression of a reconstruction model; null for other tasks or when no layer sits before the output. */
export function compressionOf(analysis: Pick<ModelAnalysis, 'task' | 'input' | 'layers'>): Compression | null {
  const { layers } = analysis;
  if (analysis.task !== 'reconstruction' || layers.length === 0 || analysis.input.length === 0) return null;
  const outputValues = count(layers[layers.length - 1].outputShape);
  let end = layers.length;
  while (end > 0 && count(layers[end - 1].outputShape) === outputValues) end -= 1;
  if (end === 0) return null;
  let first = 0;
  for (let i = 1; i < end; i++) if (count(layers[i].outputShape) < count(layers[first].outputShape)) first = i;
  const bottleneckValues = count(layers[first].outputShape);
  if (bottleneckValues === 0) return null;
  let last = first;
  while (last + 1 < end && count(layers[last + 1].outputShape) === bottleneckValues) last += 1;
  const inputValues = count(analysis.input);
  return { inputValues, bottleneckValues, ratio: inputValues / bottleneckValues, bottleneck: layers.slice(first, last + 1) };
}
