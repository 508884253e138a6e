/**
 * Which convolutions the trainer's engine runs as one fused op (convolution, bias and a following ReLU), whose
 * backward pass keeps only the op's output: the engine (src/trainer/engine/model.ts) and the memory estimate
 * (keptTensors.ts) read the rule from here, so the estimate follows what training does.
 */
import type { Conv2dArgs, GraphNode, ResolvedLayer } from '../types';

/** An ungrouped Conv2d: one FusedConv2D kernel on every backend (padding and dilation are built before it). */
export function isFusableConv(args: Conv2dArgs): boolean {
  return args.groups === 1;
}

const fusable = (layer: ResolvedLayer): boolean => layer.type === 'Conv2d' && isFusableConv(layer.args as Conv2dArgs);

/** Whether nodes[i] is a fusable Conv2d directly followed, in the same sequence, by a ReLU it absorbs. */
export function absorbsNextRelu(nodes: readonly GraphNode[], i: number): boolean {
  const node = nodes[i];
  const next = nodes[i + 1];
  return node?.kind === 'layer' && fusable(node.layer) && next?.kind === 'layer' && next.layer.type === 'ReLU';
}

/** The indices of the ReLU layers absorbed by the convolution before them, anywhere in the graph. */
export function absorbedRelus(nodes: readonly GraphNode[]): Set<number> {
  const out = new Set<number>();
  nodes.forEach((node, i) => {
    if (absorbsNextRelu(nodes, i)) out.add((nodes[i + 1] as { layer: ResolvedLayer }).layer.index);
    if (node.kind === 'residual') for (const sub of [node.body, node.projection]) absorbedRelus(sub).forEach((n) => out.add(n));
  });
  return out;
}
