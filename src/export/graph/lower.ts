/**
 * A model's graph (layers, residual blocks, named outputs and merges, as the core resolved them) and its weights
 * → the export graph, walked exactly as the engine runs it (trainer/engine/graphForward.ts), in evaluation mode.
 */
import type { GraphNode, ModelAnalysis, ResolvedMerge } from '../../model/types';
import { GraphBuilder, type WeightSource } from './builder';
import { LAYER_LOWERINGS } from './registry';
import type { ExportGraph } from './types';

/** Input and output names of every exported model (ONNX and TensorFlow.js). */
export const EXPORT_NAMES = { input: 'input', logits: 'logits', probabilities: 'probabilities' } as const;

export function lowerModel(analysis: Pick<ModelAnalysis, 'input' | 'graph' | 'outputShape' | 'task'>, weight: WeightSource): ExportGraph {
  const b = new GraphBuilder(EXPORT_NAMES.input, analysis.input, weight);
  const slots: string[] = [EXPORT_NAMES.input];
  const run = (nodes: readonly GraphNode[], input: string): string =>
    nodes.reduce((x, node) => {
      switch (node.kind) {
        case 'layer':
          return LAYER_LOWERINGS[node.layer.type](b, node.layer, x);
        case 'residual': {
          const shortcut = node.projection.length > 0 ? run(node.projection, x) : x;
          return b.add({ op: 'Add' }, [run(node.body, x), shortcut], node.outputShape, 'residual');
        }
        case 'store':
          slots[node.slot] = x;
          return x;
        case 'load':
          return slots[node.slot];
        case 'merge':
          return merge(b, node.merge, node.slots.map((s) => slots[s]));
      }
    }, input);
  const logits = run(analysis.graph, EXPORT_NAMES.input);
  const outputs: ExportGraph['outputs'] = [{ name: EXPORT_NAMES.logits, value: logits, shape: analysis.outputShape }];
  if (analysis.task === 'classification') {
    // What `cnnlab predict` reports: the softmax of the scores, flattened per sample.
    const size = analysis.outputShape.reduce((p, d) => p * d, 1);
    const scores = analysis.outputShape.length === 1 ? logits : b.add({ op: 'Reshape', shape: [-1, size] }, [logits], [size], 'scores');
    outputs.push({ name: EXPORT_NAMES.probabilities, value: b.add({ op: 'Softmax', axis: 1 }, [scores], [size], 'softmax'), shape: [size] });
  }
  return b.graph(outputs);
}

/** concat joins channels (dim 1); add and multiply broadcast as torch does (NCHW, like the export). */
function merge(b: GraphBuilder, m: ResolvedMerge, values: string[]): string {
  if (m.op === 'concat') return b.add({ op: 'Concat', axis: 1 }, values, m.outputShape, 'concat');
  const op = m.op === 'add' ? 'Add' : 'Mul';
  return values.slice(1).reduce((acc, v) => b.add({ op }, [acc, v], m.outputShape, m.op), values[0]);
}
