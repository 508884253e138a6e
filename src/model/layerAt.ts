/** layerAt / mergeAt: which resolved layer or graph merge the cursor is on (the innermost, first copy for repeated blocks). */
import type { GraphNode, ModelAnalysis, Position, Range, ResolvedLayer, ResolvedMerge } from './types';

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character <= b.character);
}

export function rangeContains(range: Range, pos: Position): boolean {
  return before(range.start, pos) && before(pos, range.end);
}

export function layerAt(analysis: ModelAnalysis, pos: Position): ResolvedLayer | undefined {
  return analysis.layers.find((l) => rangeContains(l.range, pos));
}

/** Every merge of the graph in file order (repeat copies included), residual blocks searched too. */
export function mergesOf(nodes: readonly GraphNode[]): ResolvedMerge[] {
  return nodes.flatMap((n) => {
    if (n.kind === 'merge') return [n.merge];
    return n.kind === 'residual' ? [...mergesOf(n.body), ...mergesOf(n.projection)] : [];
  });
}

export function mergeAt(analysis: ModelAnalysis, pos: Position): ResolvedMerge | undefined {
  return mergesOf(analysis.graph).find((m) => rangeContains(m.range, pos));
}
