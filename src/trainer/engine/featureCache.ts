/**
 * Feature caching for frozen backbones. When the layers before the trainable head are frozen and give the same
 * output for an image at every epoch, that output is computed once per image and the head trains on the stored
 * features: an epoch then costs the head's forward and backward passes only (on CPU, hours become seconds).
 *
 * The rule (featureCachePlan), checked when training starts; when a frozen run does not qualify, the log says why:
 *  - the task learns from the input and a label only (classification);
 *  - with train.stages, each stage by its own frozen layers: the first stages that give the same cut train on the
 *    features, the later ones (which unfreeze layers before the cut) on the images (cachedTraining.ts);
 *  - the training pipeline's per-batch steps are deterministic (no random augmentation) and there is no data.noise;
 *  - the model begins with layers that are frozen or have no weights (pooling, activations; BatchNorm frozen runs
 *    in evaluation mode), none random while training (Dropout, StochasticDepth with p > 0), including at least one
 *    frozen layer with weights; the cut falls after the last of them whose output is an image [C, H, W];
 *  - the features of every split fit in FEATURE_CACHE_BYTES.
 * Validation and test passes use the same features (computed with the test pipeline), so they are exact as well.
 */
import type { GraphNode, NoiseConfig, ResolvedLayer, TransformStep } from '../../model/types';
import { TRANSFORM_CATALOG } from '../../model/transforms/catalog';
import { batches } from '../datasets/batches';
import type { ImageSet } from '../datasets/types';
import { yieldToEventLoop } from './eventLoop';
import type { Forward } from './model';
import type { TF } from './tf';

/** Largest feature cache (every split together). */
export const FEATURE_CACHE_BYTES = 2 ** 30;

export interface FeatureCacheInput {
  graph: readonly GraphNode[];
  frozen: ReadonlySet<number>;
  /** What the task trains on (the core's TASKS[task].target): only 'label' tasks need nothing but the input. */
  target: string;
  trainSteps: readonly TransformStep[];
  noise?: NoiseConfig;
  /** Images in all splits together. */
  images: number;
}

/** Where to cut: before top-level graph node `node`; features of `shape` ([C, H, W]) per image. */
export type FeatureCachePlan = { node: number; last: ResolvedLayer; first: ResolvedLayer; shape: [number, number, number] } | { reason: string };

/** Every layer of a graph node (a residual block's body and projection). */
function layersOf(node: GraphNode): ResolvedLayer[] {
  if (node.kind === 'layer') return [node.layer];
  if (node.kind === 'residual') return [...node.body, ...node.projection].flatMap(layersOf);
  return [];
}

/** Layers that draw random numbers while training. */
function randomInTraining(layer: ResolvedLayer): boolean {
  const p = (layer.args as { p?: number }).p ?? 0;
  return (layer.type === 'Dropout' || layer.type === 'Dropout2d' || layer.type === 'StochasticDepth') && p > 0;
}

export function featureCachePlan(input: FeatureCacheInput): FeatureCachePlan {
  if (input.frozen.size === 0) return { reason: 'no layer is frozen' };
  if (input.target !== 'label') return { reason: 'the task learns from more than the input and its label' };
  const random = input.trainSteps.find((s) => TRANSFORM_CATALOG[s.type].random);
  if (random) return { reason: `the training pipeline's ${random.type} changes the images at every epoch` };
  if (input.noise) return { reason: 'data.noise changes the input at every epoch' };
  let cut: Extract<FeatureCachePlan, { node: number }> | undefined;
  let weighted = false;
  let stop = '';
  const { graph } = input;
  for (let i = 0; i < graph.length && !stop; i++) {
    const node = graph[i];
    if (node.kind !== 'layer' && node.kind !== 'residual') {
      stop = `the graph ${node.kind === 'store' ? `keeps an output (${node.name})` : 'joins branches'} before the first trainable layer`;
      break;
    }
    const layers = layersOf(node);
    const trains = layers.find((l) => l.params > 0 && !input.frozen.has(l.index));
    const drawn = layers.find(randomInTraining);
    if (trains || drawn) {
      stop = trains ? `${trains.module} trains` : `${(drawn as ResolvedLayer).module} (${(drawn as ResolvedLayer).type}) is random while training`;
      break;
    }
    weighted ||= layers.some((l) => l.params > 0);
    const shape = node.kind === 'layer' ? node.layer.outputShape : node.outputShape;
    if (weighted && shape.length === 3) cut = { node: i + 1, first: layersOf(graph[0])[0], last: layers[layers.length - 1], shape: shape as [number, number, number] };
  }
  if (!cut) return { reason: weighted ? `no image-shaped output [C, H, W] before the first trainable layer (${stop})` : `no frozen layer with weights comes before the first trainable one (${stop || 'every layer is frozen'})` };
  if (!graph.slice(cut.node).flatMap(layersOf).some((l) => l.params > 0 && !input.frozen.has(l.index))) return { reason: 'every layer with weights is frozen: nothing trains' };
  if (readsBeforeCut(graph, cut.node)) return { reason: 'a later layer reads the input or an output from before the first trainable layer' };
  const bytes = 4 * cut.shape[0] * cut.shape[1] * cut.shape[2] * input.images;
  if (bytes > FEATURE_CACHE_BYTES) return { reason: `the features of ${input.images} images after ${cut.last.module} [${cut.shape.join(', ')}] take ${mb(bytes)}, more than the cache's ${mb(FEATURE_CACHE_BYTES)}` };
  return cut;
}

/** Whether a node from `cut` on loads a slot not stored from `cut` on (the input is slot 0). */
function readsBeforeCut(graph: readonly GraphNode[], cut: number): boolean {
  const stored = new Set<number>();
  for (const node of graph.slice(cut)) {
    if (node.kind === 'store') stored.add(node.slot);
    if (node.kind === 'load' && !stored.has(node.slot)) return true;
    if (node.kind === 'merge' && node.slots.some((s) => !stored.has(s))) return true;
  }
  return false;
}

export function mb(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

export interface CacheOptions {
  batchSize: number;
  seed: number;
  /** The split's per-batch steps (deterministic). */
  transforms: readonly TransformStep[];
  shouldStop?(): boolean;
}

/**
 * The set's features through `features` (evaluation mode), as a set of feature "images" [H, W, C] (NHWC) that
 * batches take as they are; null when a stop request ended the pass.
 */
export async function cacheFeatures(tf: TF, features: Forward, set: ImageSet, shape: readonly [number, number, number], options: CacheOptions): Promise<ImageSet | null> {
  const [channels, height, width] = shape;
  const size = channels * height * width;
  const out = new Float32Array(set.count * size);
  let start = 0;
  for (const batch of batches(set, { batchSize: options.batchSize, shuffle: false, seed: options.seed, transforms: options.transforms })) {
    if (options.shouldStop?.()) return null;
    const y = tf.tidy(() => features(tf.tensor4d(batch.x, [batch.size, batch.height, batch.width, batch.channels]), false));
    out.set((await y.data()) as Float32Array, start * size);
    y.dispose();
    start += batch.size;
    await yieldToEventLoop();
  }
  return { images: new Uint8Array(0), labels: set.labels, count: set.count, height, width, channels, features: out };
}
