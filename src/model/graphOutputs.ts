/**
 * Which outputs of a graph model can be looked at: the names given to each layer's output (`b1 = Conv2d(…)`) and
 * every merge (named or not), numbered 1… in file order as mergesOf lists them. The inspector offers them as
 * feature-map sources; a name given to a loaded output (`y = …(x)` around nothing) is the same tensor as `x`.
 */
import { mergesOf } from './layerAt';
import type { GraphNode, ResolvedMerge } from './types';

export interface MergeOutput {
  /** 1-based, in file order (repeat copies included). */
  index: number;
  merge: ResolvedMerge;
  /** Names given to its output. */
  names: string[];
}

export interface GraphOutputs {
  /** Layer index → names given to its output. */
  layerNames: Map<number, string[]>;
  merges: MergeOutput[];
}

export function graphOutputs(graph: readonly GraphNode[]): GraphOutputs {
  const merges: MergeOutput[] = mergesOf(graph).map((merge, i) => ({ index: i + 1, merge, names: [] }));
  const byMerge = new Map(merges.map((m) => [m.merge, m]));
  const layerNames = new Map<number, string[]>();
  let last: GraphNode | undefined;
  const walk = (nodes: readonly GraphNode[]): void => {
    for (const node of nodes) {
      if (node.kind === 'store') {
        if (last?.kind === 'layer') layerNames.set(last.layer.index, [...(layerNames.get(last.layer.index) ?? []), node.name]);
        if (last?.kind === 'merge') byMerge.get(last.merge)?.names.push(node.name);
        continue;
      }
      if (node.kind === 'residual') {
        walk(node.body);
        walk(node.projection);
      }
      last = node;
    }
  };
  walk(graph);
  return { layerNames, merges };
}
