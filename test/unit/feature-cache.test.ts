/**
 * Feature caching (src/trainer/engine/featureCache.ts): the rule that decides where the frozen part ends and when
 * caching does not apply (with the reason), and the proof that it changes nothing but the time: training the head
 * on cached features gives the same losses, accuracy and weights as training the whole frozen model, batch for batch.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { TASKS } from '../../src/model';
import { frozenIndices } from '../../src/model/freeze';
import type { ModelAnalysis, TransformStep } from '../../src/model/types';
import { cacheFeatures, featureCachePlan, type FeatureCacheInput } from '../../src/trainer/engine/featureCache';
import { buildModel } from '../../src/trainer/engine/model';
import type { TF } from '../../src/trainer/engine/tf';
import { runTraining } from '../../src/trainer/engine/session';
import { stagePlan } from '../../src/trainer/engine/stagePlan';
import { trainModel, type TrainData } from '../../src/trainer/engine/train';
import { tempDir } from '../fixtures/datasets/generate';
import { analyze, cpuTf, quadrantSet } from './engine-fixtures';

const MODEL = (freeze: string, extra = '') => `
name: cached
input: [1, 8, 8]
classes: [a, b, c, d]
layers:
  - features:
      - Conv2d(1, 4, 3, padding=1)
      - BatchNorm2d(4)
      - ReLU()
  - layer1:
      - conv: Conv2d(4, 4, 3, padding=1)
      - relu: ReLU()
${extra}
  - pool: MaxPool2d(2)
  - flat: Flatten()
  - fc: Linear(64, 4)
train:
  epochs: 3
  batch_size: 16
  lr: 0.05
  seed: 5
  freeze: ${freeze}
`;

function planFor(analysis: ModelAnalysis, over: Partial<FeatureCacheInput> = {}) {
  return featureCachePlan({ graph: analysis.graph, frozen: frozenIndices(analysis.layers), target: TASKS[analysis.task].target, trainSteps: [], images: 160, ...over });
}

const step = (type: TransformStep['type']): TransformStep => ({ type, args: {} });

describe('feature caching: when it applies', () => {
  it('cuts after the last frozen or weight-free layer with an image-shaped output (the pool, not the Flatten)', () => {
    const plan = planFor(analyze(MODEL('{until: layer1}')));
    assert.ok('node' in plan, JSON.stringify(plan));
    assert.equal(plan.last.module, 'pool');
    assert.equal(plan.first.module, 'features.0');
    assert.deepEqual(plan.shape, [4, 4, 4]);
  });

  it('cuts before the first trainable layer', () => {
    const plan = planFor(analyze(MODEL('[features]')));
    assert.ok('node' in plan, JSON.stringify(plan));
    assert.equal(plan.last.module, 'features.2');
  });

  it('says why not: random augmentation, input noise, another task, nothing frozen, a trainable first layer, nothing trains, too large', () => {
    const a = analyze(MODEL('{until: layer1}'));
    const reason = (over: Partial<FeatureCacheInput>, of = a) => {
      const plan = planFor(of, over);
      assert.ok('reason' in plan, JSON.stringify(plan));
      return plan.reason;
    };
    assert.equal(reason({ trainSteps: [step('Normalize'), step('RandomHorizontalFlip')] }), "the training pipeline's RandomHorizontalFlip changes the images at every epoch");
    assert.equal(reason({ noise: { type: 'gaussian', std: 0.1 } as FeatureCacheInput['noise'] }), 'data.noise changes the input at every epoch');
    assert.equal(reason({ target: 'mask' }), 'the task learns from more than the input and its label');
    assert.equal(reason({ frozen: new Set() }), 'no layer is frozen');
    assert.equal(reason({}, analyze(MODEL('[layer1]'))), 'no frozen layer with weights comes before the first trainable one (features.0 trains)');
    assert.equal(reason({}, analyze(MODEL('all'))), 'every layer with weights is frozen: nothing trains');
    assert.match(reason({ images: 20_000_000 }), /^the features of 20000000 images after pool \[4, 4, 4\] take 4\.8 GiB, more than the cache's 1\.0 GiB$/);
  });

  it('stops at a random layer: the cut falls before it', () => {
    const plan = planFor(analyze(MODEL('{until: layer1}', '  - drop: Dropout2d(0.2)')));
    assert.ok('node' in plan, JSON.stringify(plan));
    assert.equal(plan.last.module, 'layer1.relu');
  });
});

describe('feature caching: the same training, faster', () => {
  let tf: TF;
  before(async () => {
    tf = await cpuTf();
  });
  const data = (): TrainData => ({ train: quadrantSet(96, 8, 1), validation: quadrantSet(32, 8, 2), test: quadrantSet(32, 8, 3), classes: ['a', 'b', 'c', 'd'] });

  it('training the head on cached features gives the losses, accuracies and weights of training the frozen model', async () => {
    const analysis = analyze(MODEL('{until: layer1}'));
    const frozen = frozenIndices(analysis.layers);
    const whole = buildModel(tf, analysis.graph, 5);
    whole.freeze(frozen);
    const epochs: number[][] = [];
    const plain = await trainModel(tf, whole, data(), { config: analysis.train, dataWorkers: 0 }, { onEpoch: (m) => void epochs.push([m.loss, m.valLoss ?? NaN]) });

    const model = buildModel(tf, analysis.graph, 5);
    model.freeze(frozen);
    const plan = planFor(analysis);
    assert.ok('node' in plan);
    const { features, head } = model.split(plan.node);
    assert.deepEqual(head.trainable.map((p) => p.name), ['layer8.weight', 'layer8.bias']);
    const sets = data();
    const cache = async (set: TrainData['train']) => {
      const out = await cacheFeatures(tf, features, set, plan.shape, { batchSize: 16, seed: 5, transforms: [] });
      assert.ok(out);
      return out;
    };
    const cached: TrainData = { train: await cache(sets.train), validation: await cache(sets.validation), test: await cache(sets.test), classes: sets.classes };
    const cachedEpochs: number[][] = [];
    const fast = await trainModel(tf, head, cached, { config: analysis.train, dataWorkers: 0 }, { onEpoch: (m) => void cachedEpochs.push([m.loss, m.valLoss ?? NaN]) });

    assert.equal(fast.status, 'done');
    assert.equal(fast.bestEpoch, plain.bestEpoch);
    assert.equal(fast.test?.accuracy, plain.test?.accuracy);
    cachedEpochs.flat().forEach((v, i) => assert.ok(Math.abs(v - epochs.flat()[i]) < 1e-5, `epoch figure ${i}: ${v} cached, ${epochs.flat()[i]} not`));
    const fc = (m: typeof model) => Array.from(m.params.find((p) => p.name === 'layer8.weight')?.variable.dataSync() ?? []);
    fc(model).forEach((v, i) => assert.ok(Math.abs(v - fc(whole)[i]) < 1e-5));
    head.dispose();
    assert.ok(!model.params[0].variable.isDisposed, 'disposing the head freed the model\'s variables');
    whole.dispose();
    model.dispose();
  });

  it('refuses a cut inside a fused convolution and its ReLU', () => {
    const analysis = analyze(MODEL('{until: layer1}'));
    const model = buildModel(tf, analysis.graph, 5);
    // Node 0 is the block features as layers: conv (0), bn (1), relu (2); layer1: conv (3) fused with relu (4).
    assert.throws(() => model.split(4), /cannot be cut before its graph node 4/);
    model.dispose();
  });
});

describe('feature caching for the first stage of train.stages', () => {
  let tf: TF;
  before(async () => {
    tf = await cpuTf();
  });
  const data = (): TrainData => ({ train: quadrantSet(96, 8, 1), validation: quadrantSet(32, 8, 2), test: quadrantSet(32, 8, 3), classes: ['a', 'b', 'c', 'd'] });
  const STAGED = MODEL('[]').replace('  epochs: 3\n', '  epochs: 4\n  stages:\n    - {epochs: 2, freeze: {until: layer1}}\n    - {epochs: 2, unfreeze: all, lr: 0.01}\n');

  it('trains the head on features in stage 1 and the whole model on the images in stage 2, as the uncached run does', async () => {
    const analysis = analyze(STAGED);
    const stage1 = stagePlan(analysis.train, 4)[0].frozen;
    assert.ok(stage1 && stage1.size > 0);
    const whole = buildModel(tf, analysis.graph, 5);
    const epochs: number[][] = [];
    const plain = await trainModel(tf, whole, data(), { config: analysis.train, dataWorkers: 0 }, { onEpoch: (m) => void epochs.push([m.loss, m.accuracy ?? NaN, m.valLoss ?? NaN]) });

    const model = buildModel(tf, analysis.graph, 5);
    const plan = planFor(analysis, { frozen: stage1 });
    assert.ok('node' in plan, JSON.stringify(plan));
    const { features, head } = model.split(plan.node);
    const sets = data();
    let featurePasses = 0;
    const cache = async (set: TrainData['train']) => (await cacheFeatures(tf, features, set, plan.shape, { batchSize: 16, seed: 5, transforms: [] })) as TrainData['train'];
    const cached: TrainData = { train: await cache(sets.train), validation: await cache(sets.validation), test: await cache(sets.test), classes: sets.classes };
    // Counts the head's forward passes on features: stage 1's batches only.
    const apply = head.apply;
    head.apply = (x, training) => {
      featurePasses += 1;
      return apply(x, training);
    };
    const conv = () => Array.from(model.params[0].variable.dataSync());
    const convAtStart = conv();
    const convAfter: number[][] = [];
    const cachedEpochs: number[][] = [];
    const fast = await trainModel(tf, model, sets, { config: analysis.train, dataWorkers: 0, cached: { head, data: cached, stages: 1 } }, {
      onEpoch: (m) => {
        cachedEpochs.push([m.loss, m.accuracy ?? NaN, m.valLoss ?? NaN]);
        convAfter.push(conv());
      },
    });

    assert.equal(fast.status, 'done');
    assert.equal(fast.epochsCompleted, 4);
    // Stage 1: 2 epochs of 6 training and 2 validation batches on features; stage 2 and the test pass on the images.
    assert.equal(featurePasses, 2 * (6 + 2));
    assert.deepEqual(convAfter[1], convAtStart, 'stage 1 kept the frozen convolution');
    assert.notDeepEqual(convAfter[3], convAtStart, 'stage 2 trained the convolution on the images');
    cachedEpochs.flat().forEach((v, i) => assert.ok(Math.abs(v - epochs.flat()[i]) < 1e-4, `epoch figure ${i}: ${v} cached, ${epochs.flat()[i]} not`));
    assert.equal(fast.bestEpoch, plain.bestEpoch);
    assert.ok(Math.abs((fast.test?.loss ?? NaN) - (plain.test?.loss ?? NaN)) < 1e-4);
    assert.equal(fast.test?.accuracy, plain.test?.accuracy);
    const weights = (m: typeof model) => m.params.flatMap((p) => Array.from(p.variable.dataSync()));
    const a = weights(whole);
    weights(model).forEach((v, i) => assert.ok(Math.abs(v - a[i]) < 1e-4, `weight ${i}: ${v} cached, ${a[i]} not`));
    whole.dispose();
    model.dispose();
  });
});

describe('feature caching in a run', () => {
  const FILE = (freeze: string, transforms = '') => `name: cached-run
input: [1, 16, 16]
layers:
  - features:
      - Conv2d(1, 4, 3, padding=1)
      - ReLU()
      - MaxPool2d(2)
  - flat: Flatten()
  - fc: Linear(256, 5)
data: {dataset: shapes, train_samples: 64, test_samples: 16, validation_split: 0.25${transforms}}
train: {epochs: 2, batch_size: 16, seed: 3, freeze: ${freeze}}
`;
  const logs = async (modelText: string) => {
    const { fresh, cleanup } = tempDir('cnnlab-feature-cache-');
    try {
      const messages: string[] = [];
      const { summary } = await runTraining({ modelText, outDir: fresh('runs'), backend: 'cpu' }, { onEvent: (e) => void (e.type === 'log' && messages.push(e.message)) });
      return { messages, summary };
    } finally {
      cleanup();
    }
  };

  it('computes the frozen features once, says so, and trains the head to the end', { timeout: 120_000 }, async () => {
    const { messages, summary } = await logs(FILE('[features]'));
    assert.equal(summary.status, 'done');
    assert.ok(messages.some((m) => /^feature caching: features\.0 … features\.2 are frozen and give the same \[4, 8, 8\] features at every epoch: computing them once for 80 images$/.test(m)), messages.join('\n'));
    assert.ok(messages.some((m) => /^feature caching: [\d.]+ MiB of features in [\d.]+ s \(\d+ images\/s\); the epochs train 2 layers after features\.2 on them$/.test(m)), messages.join('\n'));
    assert.equal(summary.epochsCompleted, 2);
  });

  it('says why not when the training pipeline augments', { timeout: 120_000 }, async () => {
    const { messages, summary } = await logs(FILE('[features]', ', transforms: {train: [RandomHorizontalFlip()], test: []}'));
    assert.equal(summary.status, 'done');
    assert.ok(messages.includes("feature caching off: the training pipeline's RandomHorizontalFlip changes the images at every epoch"), messages.join('\n'));
  });

  it('caches the features for the head-only first stage of train.stages and trains the second on the images, and says so', { timeout: 120_000 }, async () => {
    const staged = FILE('[]').replace('train: {epochs: 2,', 'train: {epochs: 2, stages: [{epochs: 1, freeze: [features]}, {epochs: 1, unfreeze: all, lr: 0.01}],');
    const { messages, summary } = await logs(staged);
    assert.equal(summary.status, 'done');
    assert.equal(summary.epochsCompleted, 2);
    const text = messages.join('\n');
    assert.match(text, /^feature caching \(stage 1 of 2\): features\.0 … features\.2 are frozen and give the same \[4, 8, 8\] features at every epoch: computing them once for 80 images$/m);
    assert.match(text, /^stage 1\/2: 1 epoch at lr [\d.]+, 3 layers frozen, 1285 parameters train, on the cached features$/m);
    assert.match(text, /^stage 2\/2: 1 epoch at lr 0\.01, 0 layers frozen, 1325 parameters train, on the images \(feature caching off: no layer is frozen\)$/m);
  });

  it('says nothing about it when nothing is frozen', { timeout: 120_000 }, async () => {
    const { messages } = await logs(FILE('[]'));
    assert.ok(!messages.some((m) => m.startsWith('feature caching')), messages.join('\n'));
  });
});
