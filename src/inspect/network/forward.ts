/**
 * A forward pass that shows its work: the output of every layer (by the core's 1-based layer index), the
 * class scores before a final Softmax/LogSoftmax, and the input of the last Linear layer (the feature vector
 * the classifier head sees). It walks the core's graph as the engine's model does, residual blocks included.
 */
import { mergesOf } from '../../model/layerAt';
import type { GraphNode, ResolvedLayer, ResolvedMerge } from '../../model/types';
import { engineLayerApplier, finalNormaliserIndex } from '../../trainer/engine/classScores';
import { runGraph } from '../../trainer/engine/graphForward';
import type { Tensor } from '../../trainer/engine/tf';
import type { InspectableRun } from './runModel';

export interface TracedForward {
  /** Layer index → output tensor (NHWC or [N, F]). Only for the indices asked for. */
  outputs: Map<number, Tensor>;
  /** Merge index (1-based, file order) → output tensor. Only for the merges asked for. */
  mergeOutputs: Map<number, Tensor>;
  /** Class scores: the output, or the input of a final Softmax/LogSoftmax. */
  scores: Tensor;
  /** Input of the last Linear layer (the embedding), when asked for. */
  features?: Tensor;
}

export interface TraceOptions {
  /** Which layer outputs to keep (default none). */
  keep?: ReadonlySet<number>;
  /** Which merge outputs to keep (1-based merge indices, default none). */
  keepMerges?: ReadonlySet<number>;
  /** Keep the input of the last Linear layer. */
  features?: boolean;
  /**
   * Runs each layer instead of the plain call: `apply` is the layer itself. Guided backprop swaps the gradient of
   * activations, Grad-CAM adds a zero probe to one layer's output to read the gradient there.
   */
  around?: LayerHook;
}

export type LayerHook = (layer: ResolvedLayer, input: Tensor, apply: (x: Tensor) => Tensor) => Tensor;

/** Runs the model in evaluation mode on NHWC `x` (call inside tf.tidy or dispose the tensors yourself). */
export function traceForward(run: InspectableRun, x: Tensor, options: TraceOptions = {}): TracedForward {
  const { analysis } = run;
  const engineLayer = engineLayerApplier(run.model);
  const outputs = new Map<number, Tensor>();
  const finalNormaliser = finalNormaliserIndex(analysis.graph);
  const headIndex = lastLinearIndex(analysis.layers);
  let scores: Tensor | undefined;
  let features: Tensor | undefined;

  const applyLayer = (layer: ResolvedLayer, input: Tensor): Tensor => {
    if (layer.index === finalNormaliser) scores = input;
    if (options.features && layer.index === headIndex) features = input;
    const y = options.around ? options.around(layer, input, (z) => engineLayer(layer, z)) : engineLayer(layer, input);
    if (options.keep?.has(layer.index)) outputs.set(layer.index, y);
    return y;
  };
  const mergeOutputs = new Map<number, Tensor>();
  const mergeIndex = new Map(mergesOf(analysis.graph).map((m, i) => [m, i + 1]));
  const onMerge = (merge: ResolvedMerge, y: Tensor): void => {
    const index = mergeIndex.get(merge);
    if (index !== undefined && options.keepMerges?.has(index)) mergeOutputs.set(index, y);
  };
  const output = runGraph(run.tf, analysis.graph, x, applyLayer, onMerge);
  return { outputs, mergeOutputs, scores: scores ?? output, features: options.features ? (features ?? output) : undefined };
}

/** Runs graph `nodes` on `input` in evaluation mode (as the engine does); `apply` runs one layer. */
export function runNodes(run: InspectableRun, nodes: readonly GraphNode[], input: Tensor, apply = engineLayerApplier(run.model)): Tensor {
  return runGraph(run.tf, nodes, input, apply);
}

/** Index of the last Linear layer in file order, or −1. */
export function lastLinearIndex(layers: ResolvedLayer[]): number {
  for (let i = layers.length - 1; i >= 0; i--) if (layers[i].type === 'Linear') return layers[i].index;
  return -1;
}
