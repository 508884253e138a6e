/**
 * Runs the core's graph over one batch, one layer at a time: layers in order, residual sums, and the named-output
 * slots of graph models (store / load / merge). The inspector's traced forward uses it; the training model compiles
 * the same graph into closures (fusing Conv2d + ReLU) and shares mergeTensors.
 */
import type { GraphNode, ResolvedLayer, ResolvedMerge } from '../../model/types';
import type { TF, Tensor } from './tf';

export type ApplyLayer = (layer: ResolvedLayer, x: Tensor) => Tensor;

/** `x` is NHWC (or [N, F]); `onMerge` sees each merge's output (the inspector keeps some). */
export function runGraph(tf: TF, nodes: readonly GraphNode[], x: Tensor, applyLayer: ApplyLayer, onMerge?: (merge: ResolvedMerge, y: Tensor) => void): Tensor {
  const slots: Tensor[] = [x];
  const run = (list: readonly GraphNode[], input: Tensor): Tensor =>
    list.reduce((h, node) => {
      switch (node.kind) {
        case 'layer':
          return applyLayer(node.layer, h);
        case 'residual': {
          const shortcut = node.projection.length > 0 ? run(node.projection, h) : h;
          return tf.add(run(node.body, h), shortcut);
        }
        case 'store':
          slots[node.slot] = h;
          return h;
        case 'load':
          return slots[node.slot];
        case 'merge': {
          const y = mergeTensors(tf, node.merge.op, node.slots.map((s) => slots[s]));
          onMerge?.(node.merge, y);
          return y;
        }
      }
    }, input);
  return run(nodes, x);
}

/** Channels are the last axis in NHWC (features in [N, F]); add and multiply broadcast as torch does. */
export function mergeTensors(tf: TF, op: ResolvedMerge['op'], xs: Tensor[]): Tensor {
  if (op === 'concat') return tf.concat(xs, -1);
  return xs.slice(1).reduce((a, b) => (op === 'add' ? tf.add(a, b) : tf.mul(a, b)), xs[0]);
}
