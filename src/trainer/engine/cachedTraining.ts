/**
 * Feature caching in a run (featureCache.ts has the rule): the log says whether it applies and why not; when it
 * does, the frozen part's features of every split are computed once and the run trains the head on them. With
 * train.stages the rule is checked per stage: "train the head N epochs, then unfreeze" caches the first stage's
 * features and trains the later stages on the images.
 */
import { TASKS } from '../../model';
import { frozenIndices } from '../../model/freeze';
import type { ModelAnalysis, TrainConfig } from '../../model/types';
import type { LoadedDataset } from '../datasets/types';
import { cacheFeatures, featureCachePlan, mb, type FeatureCachePlan } from './featureCache';
import type { EngineModel } from './model';
import { stagePlan } from './stagePlan';
import type { TF } from './tf';
import type { CachedStages, TrainOutcome } from './train';

/** What a run trains on features (train.ts), and why the stages after those do not (with train.stages). */
export interface CachedTraining extends CachedStages {
  /** Why feature caching stops at stage `stages` (0-based), when the run has more stages. */
  after?: string;
}

/** A run stopped while its features were being computed: nothing trained. */
export const STOPPED_WHILE_CACHING: TrainOutcome = {
  status: 'stopped', stoppedIn: 'training', reason: 'stopped while computing the frozen layers\' features', epochsCompleted: 0,
  bestEpoch: null, bestValLoss: null, trainSeconds: 0, samplesSeen: 0, test: null,
};

/**
 * The head and the feature sets when feature caching applies (logged, with the time it took), undefined when it
 * does not (logged with the reason when layers are frozen), 'stopped' when a stop request came first. `config`: the
 * run's (its epochs already overridden), so the stages are the ones the run goes through.
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
  const stages = stagePlan(config, config.epochs);
  const staged = !!config.stages?.length;
  const images = dataset.train.count + dataset.validation.count + dataset.test.count;
  const planFor = (frozen: ReadonlySet<number>): FeatureCachePlan =>
    featureCachePlan({ graph: analysis.graph, frozen, target: TASKS[analysis.task].target, trainSteps: dataset.transforms.train, noise: analysis.data.noise, images });
  const frozenIn = stages.map((s) => s.frozen ?? frozenIndices(analysis.layers));
  if (frozenIn[0].size === 0) return undefined;
  const plan = planFor(frozenIn[0]);
  if ('reason' in plan) {
    log(`feature caching off${staged ? ' in stage 1' : ''}: ${plan.reason}`);
    return undefined;
  }
  // The leading stages that cut at the same place share the features; the first that does not trains on images.
  let count = 1;
  let after: string | undefined;
  for (; count < stages.length; count++) {
    const next = planFor(frozenIn[count]);
    if ('reason' in next || next.node !== plan.node) {
      after = 'reason' in next ? next.reason : `its frozen layers end at ${next.last.module}, not ${plan.last.module}`;
      break;
    }
  }
  const { features, head } = model.split(plan.node);
  const span = `${plan.first.module} … ${plan.last.module}`;
  const which = staged && count < stages.length ? ` (stage${count > 1 ? `s 1–${count}` : ' 1'} of ${stages.length})` : '';
  log(`feature caching${which}: ${span} are frozen and give the same [${plan.shape.join(', ')}] features at every epoch: computing them once for ${images} images`);
  const started = performance.now();
  const options = (transforms: LoadedDataset['transforms']['train']) => ({ batchSize: config.batch_size, seed: config.seed, transforms, shouldStop });
  const train = await cacheFeatures(tf, features, dataset.train, plan.shape, options(dataset.transforms.train));
  const validation = train && (await cacheFeatures(tf, features, dataset.validation, plan.shape, options(dataset.transforms.test)));
  const test = validation && (await cacheFeatures(tf, features, dataset.test, plan.shape, options(dataset.transforms.test)));
  if (!train || !validation || !test) return 'stopped';
  const seconds = (performance.now() - started) / 1000;
  const bytes = 4 * images * plan.shape.reduce((a, b) => a * b, 1);
  log(`feature caching${which}: ${mb(bytes)} of features in ${seconds.toFixed(1)} s (${Math.round(images / Math.max(seconds, 1e-9))} images/s); the epochs train ${head.layers.length} layers after ${plan.last.module} on them`);
  return { head, data: { train, validation, test, classes: dataset.classes }, stages: count, after };
}
