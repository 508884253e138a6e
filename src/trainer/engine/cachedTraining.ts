/**
 * Feature caching in a run (featureCache.ts has the rule): the log says whether it applies and why not; when it
 * does, the frozen part's features of every split are computed once and the run trains the head on them.
 */
import { TASKS } from '../../model';
import { frozenIndices } from '../../model/freeze';
import type { ModelAnalysis, TrainConfig } from '../../model/types';
import type { LoadedDataset } from '../datasets/types';
import { cacheFeatures, featureCachePlan, mb } from './featureCache';
import type { EngineModel } from './model';
import type { TF } from './tf';
import type { TrainData, TrainOutcome } from './train';

/** What a run trains when its features are cached: the head, on feature sets. */
export interface CachedTraining {
  head: EngineModel;
  data: TrainData;
}

/** A run stopped while its features were being computed: nothing trained. */
export const STOPPED_WHILE_CACHING: TrainOutcome = {
  status: 'stopped', stoppedIn: 'training', reason: 'stopped while computing the frozen layers\' features', epochsCompleted: 0,
  bestEpoch: null, bestValLoss: null, trainSeconds: 0, samplesSeen: 0, test: null,
};

/**
 * The head and the feature sets when feature caching applies (logged, with the time it took), undefined when it
 * does not (logged with the reason when layers are frozen), 'stopped' when a stop request came first.
 */
export async function cachedTraining(
  tf: TF,
  model: EngineModel,
  analysis: ModelAnalysis,
  dataset: LoadedDataset,
  config: TrainConfig,
  log: (message: string) => void,
  shouldStop?: () => boolean,
): Promise<CachedTraining | 'stopped' | undefined> {
  const frozen = frozenIndices(analysis.layers);
  if (frozen.size === 0) return undefined;
  const images = dataset.train.count + dataset.validation.count + dataset.test.count;
  const plan = featureCachePlan({ graph: analysis.graph, frozen, target: TASKS[analysis.task].target, stages: !!config.stages?.length, trainSteps: dataset.transforms.train, noise: analysis.data.noise, images });
  if ('reason' in plan) {
    log(`feature caching off: ${plan.reason}`);
    return undefined;
  }
  const { features, head } = model.split(plan.node);
  const span = `${plan.first.module} … ${plan.last.module}`;
  log(`feature caching: ${span} are frozen and give the same [${plan.shape.join(', ')}] features at every epoch: computing them once for ${images} images`);
  const started = performance.now();
  const options = (transforms: LoadedDataset['transforms']['train']) => ({ batchSize: config.batch_size, seed: config.seed, transforms, shouldStop });
  const train = await cacheFeatures(tf, features, dataset.train, plan.shape, options(dataset.transforms.train));
  const validation = train && (await cacheFeatures(tf, features, dataset.validation, plan.shape, options(dataset.transforms.test)));
  const test = validation && (await cacheFeatures(tf, features, dataset.test, plan.shape, options(dataset.transforms.test)));
  if (!train || !validation || !test) return 'stopped';
  const seconds = (performance.now() - started) / 1000;
  const bytes = 4 * images * plan.shape.reduce((a, b) => a * b, 1);
  log(`feature caching: ${mb(bytes)} of features in ${seconds.toFixed(1)} s (${Math.round(images / Math.max(seconds, 1e-9))} images/s); the epochs train ${head.layers.length} layers after ${plan.last.module} on them`);
  return { head, data: { train, validation, test, classes: dataset.classes } };
}
