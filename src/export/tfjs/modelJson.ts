/**
 * A TensorFlow.js graph model: model.json (GraphDef topology, weights manifest, signature, metadata) and one
 * weights file, as tfjs-converter's `tf.loadGraphModel` reads them in the browser and in Node.
 */
import type { ExportGraph } from '../graph/types';
import { emitTfGraph } from './emit';

export const TFJS_FILES = { model: 'model.json', weights: 'weights.bin' } as const;

export interface TfjsGraphModel {
  modelJson: Record<string, unknown>;
  weights: Uint8Array;
}

/** `metadata` lands in model.json's userDefinedMetadata (what the web app and users read: classes, preprocessing). */
export function tfjsGraphModel(graph: ExportGraph, metadata: Record<string, unknown>): TfjsGraphModel {
  const { graph: tf, inputNode, outputNodes } = emitTfGraph(graph);
  const bytes = tf.constants.reduce((n, c) => n + c.data.byteLength, 0);
  const weights = new Uint8Array(bytes);
  let offset = 0;
  for (const c of tf.constants) {
    weights.set(new Uint8Array(c.data.buffer, c.data.byteOffset, c.data.byteLength), offset);
    offset += c.data.byteLength;
  }
  const tensorInfo = (node: string, shape: number[]) => ({ name: `${node}:0`, dtype: 'DT_FLOAT', tensorShape: { dim: [-1, ...shape].map((d) => ({ size: String(d) })) } });
  const [c, h, w] = graph.input.shape;
  const modelJson = {
    format: 'graph-model',
    generatedBy: 'CNN Lab',
    convertedBy: 'cnnlab export --format tfjs',
    modelTopology: { node: tf.nodes, library: {}, versions: { producer: 1 } },
    weightsManifest: [{ paths: [TFJS_FILES.weights], weights: tf.constants.map((k) => ({ name: k.name, shape: k.shape, dtype: k.dtype })) }],
    signature: {
      inputs: { [graph.input.name]: tensorInfo(inputNode, graph.input.shape.length === 3 ? [h, w, c] : graph.input.shape) },
      outputs: Object.fromEntries(graph.outputs.map((o) => [o.name, tensorInfo(outputNodes[o.name], o.shape)])),
    },
    userDefinedMetadata: metadata,
  };
  return { modelJson, weights };
}
