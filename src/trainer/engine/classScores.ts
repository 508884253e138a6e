/**
 * A model's class scores: its output in evaluation mode, or the input of a final Softmax/LogSoftmax (what
 * occlusion and the inspector's traced forward measure). Computed here or, split by rows, on data-parallel workers
 * (DataParallelSteps.scoresPass): both run the same layers of the same graph.
 */
import type { GraphNode, ResolvedLayer } from '../../model/types';
import { runGraph } from './graphForward';
import type { EngineLayer } from './layers/types';
import type { EngineModel } from './model';
import type { TF, Tensor } from './tf';

/** NHWC images, row-major, and their shape [n, height, width, channels]. */
export type ImageRows = { images: Float32Array; shape: [number, number, number, number] };

/** The scores of images, rows × classes, row-major. */
export type ScoresOf = (rows: ImageRows) => Promise<Float32Array>;

export interface ScoreRunner {
  /** Starts a pass with the model's current weights; returns how each call's images are scored. */
  scoresPass(tf: TF, model: EngineModel, graph: readonly GraphNode[]): ScoresOf;
}

/** The core's layer index of a final Softmax/LogSoftmax (the graph's last node), else −1. */
export function finalNormaliserIndex(graph: readonly GraphNode[]): number {
  const last = graph[graph.length - 1];
  return last?.kind === 'layer' && (last.layer.type === 'Softmax' || last.layer.type === 'LogSoftmax') ? last.layer.index : -1;
}

/** One layer of the engine model in evaluation mode, by the core's layer index. */
export function engineLayerApplier(model: EngineModel): (layer: ResolvedLayer, input: Tensor) => Tensor {
  const byName = new Map<string, EngineLayer>(model.layers.map((l) => [l.name, l]));
  return (layer, input) => {
    const engineLayer = byName.get(`layer${layer.index}`);
    if (!engineLayer) throw new Error(`the engine model has no layer${layer.index}`);
    return engineLayer.apply(input, false);
  };
}

/** Class scores [n, classes] of NHWC `x` (call inside tf.tidy). */
export function classScores(tf: TF, model: EngineModel, graph: readonly GraphNode[], x: Tensor): Tensor {
  const nodes = finalNormaliserIndex(graph) >= 0 ? graph.slice(0, -1) : graph;
  return tf.reshape(runGraph(tf, nodes, x, engineLayerApplier(model)), [x.shape[0], -1]);
}

/** Scores computed in this thread. */
export const localScores: ScoreRunner = {
  scoresPass: (tf, model, graph) => async ({ images, shape }) => {
    const scores = tf.tidy(() => classScores(tf, model, graph, tf.tensor4d(images, shape)));
    try {
      return (await scores.data()) as Float32Array;
    } finally {
      scores.dispose();
    }
  },
};
