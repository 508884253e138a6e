/**
 * Which features the Embeddings tab reduces: the input of the last Linear layer (what a classifier head sees), or
 * a layer's output; an autoencoder's bottleneck is the default for reconstruction runs. Pure: tested in Node.
 */
import type { RunInfo } from '../../src/protocol/inspect';

const HEAD_INPUT = 'input of the last Linear layer';

/** The <select> options (value '' = the head's input, else a layer index) and the default value. */
export function embeddingLayerOptions(info: RunInfo): { options: Array<[string, string]>; value: string } {
  const layers: Array<[string, string]> = info.layers.map((l) => [String(l.index), `${l.index}: ${l.type} [${l.outputShape.join(', ')}]${l.index === info.bottleneck ? ' (bottleneck)' : ''}`]);
  return { options: [['', HEAD_INPUT], ...layers], value: info.bottleneck === null ? '' : String(info.bottleneck) };
}

/** Where an embedding's features come from, in words. */
export function embeddingSource(info: RunInfo, layer: number | null): string {
  if (layer === null) return HEAD_INPUT;
  const l = info.layers.find((x) => x.index === layer);
  const what = l ? `output of layer ${layer}, ${l.type}` : `output of layer ${layer}`;
  return layer === info.bottleneck ? `${what}: the bottleneck` : what;
}
