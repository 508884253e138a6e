/**
 * analyzeItems: layer items that did not come from a model file (a PyTorch class or nn.Sequential read by
 * src/python) → layers, graph, shapes, totals and diagnostics, through the same walker as `*.cnn.yaml` files.
 * The ranges in the items are the caller's; `src` is the text they point into (only used for line-based fixes,
 * which a non-YAML text never gets).
 */
import { DiagnosticSink } from './diagnostics';
import { GraphWalker } from './infer/walk';
import { totalsOf } from './analyze';
import type { SourceText } from './parse/sourceText';
import type { ItemSpec } from './spec';
import type { Diagnostic, GraphNode, ModelTotals, ResolvedLayer, ResolvedMerge, Shape } from './types';

export interface ItemsAnalysis {
  input: Shape;
  layers: ResolvedLayer[];
  merges: ResolvedMerge[];
  graph: GraphNode[];
  /** Empty when unknown (an error on the way). */
  outputShape: Shape;
  totals: ModelTotals;
  diagnostics: Diagnostic[];
}

export function analyzeItems(items: ItemSpec[], input: Shape, src: SourceText): ItemsAnalysis {
  const sink = new DiagnosticSink();
  const imageSize: [number, number] = input.length === 3 ? [input[1], input[2]] : [1, 1];
  const walker = new GraphWalker(src, sink, imageSize);
  const start = { shape: input.length ? input : undefined, receptive: { rf: [1, 1] as [number, number], jump: [1, 1] as [number, number] }, source: 'the input' };
  const { nodes, flow } = walker.walkModel(items, start);
  return {
    input, layers: walker.layers, merges: walker.merges, graph: nodes, outputShape: flow.shape ?? [],
    totals: totalsOf(walker.layers, walker.merges), diagnostics: sink.list,
  };
}
