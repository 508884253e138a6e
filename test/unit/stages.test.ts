/**
 * train.lr_multipliers and train.stages: the analysis resolves per-layer factors (the most specific name wins) and
 * each stage's frozen layers; the optimizer scales each parameter's step by its factor; a two-stage run trains only
 * the head in stage 1 and everything, at the stage's rate, in stage 2.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeModel } from '../../src/model';
import { buildModel } from '../../src/trainer/engine/model';
import { createOptimizer } from '../../src/trainer/engine/optimizers';
import { stagePlan } from '../../src/trainer/engine/stagePlan';
import type { TF } from '../../src/trainer/engine/tf';
import { trainModel } from '../../src/trainer/engine/train';
import { analyze, cpuTf, quadrantSet } from './engine-fixtures';

const MODEL = (train: string) => `
name: staged
input: [1, 8, 8]
classes: [a, b, c, d]
layers:
  - features:
      - Conv2d(1, 4, 3, padding=1)
      - BatchNorm2d(4)
      - ReLU()
      - MaxPool2d(2)
  - head:
      - Flatten()
      - fc: Linear(64, 4)
train:
  batch_size: 16
  lr: 0.05
  seed: 5
${train}
`;

describe('lr_multipliers and stages in the analysis', () => {
  it('gives each layer the factor of the most specific name that covers it', () => {
    const a = analyze(MODEL('  epochs: 1\n  lr_multipliers: {head: 10, head.fc: 20, features.1: 0}'));
    assert.deepEqual(a.layers.map((l) => [l.module, l.lrMultiplier]), [
      ['features.0', undefined], ['features.1', 0], ['features.2', undefined], ['features.3', undefined], ['head.0', 10], ['head.fc', 20],
    ]);
  });

  it('resolves each stage\'s frozen layers from the previous stage, adds up the epochs and starts the summary from stage 1', () => {
    const a = analyze(MODEL('  freeze: [features]\n  stages:\n    - {epochs: 2}\n    - {epochs: 3, unfreeze: all, lr: 0.001}\n    - {epochs: 1, freeze: [features.0]}'));
    assert.deepEqual(a.train.stages, [
      { epochs: 2, lr: 0.05, frozen: [1, 2, 3, 4] },
      { epochs: 3, lr: 0.001, frozen: [] },
      { epochs: 1, lr: 0.05, frozen: [1] },
    ]);
    assert.equal(a.train.epochs, 6);
    assert.equal(a.totals.trainableParams, 260);
  });

  it('reports unknown names, bad factors and epochs that disagree with the stages', () => {
    const messages = (train: string) => analyzeModel(MODEL(train)).diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
    assert.deepEqual(messages('  lr_multipliers: {haed: 10}'), ["train.lr_multipliers: no layer or block is named 'haed'. Did you mean 'head'?"]);
    assert.match(messages('  lr_multipliers: {head: fast}')[0], /train.lr_multipliers.head must be a number/);
    assert.deepEqual(messages('  epochs: 4\n  stages: [{epochs: 1}, {epochs: 2}]'), ['train.epochs is 4 but the stages add up to 3: leave epochs out or make them agree']);
    assert.match(messages('  stages: [{epochs: 1, unfreeze: [featurs]}]')[0], /train.stages\[0\].unfreeze: no layer or block is named 'featurs'. Did you mean 'features'\?/);
    assert.match(messages('  stages: [{lr: 0.1}]')[0], /train.stages\[0\] needs 'epochs'/);
    assert.match(messages('  stages: {epochs: 1}')[0], /train.stages must be a list/);
  });

  it('cuts the plan where an --epochs override ends the run', () => {
    const stages = [{ epochs: 2, lr: 0.1, frozen: [1] }, { epochs: 3, lr: 0.01, frozen: [] }];
    assert.deepEqual(stagePlan({ lr: 0.1, stages }, 3).map((s) => [s.start, s.epochs, s.lr]), [[0, 2, 0.1], [2, 1, 0.01]]);
    assert.deepEqual(stagePlan({ lr: 0.1 }, 4), [{ start: 0, epochs: 4, lr: 0.1 }]);
  });
});

describe('lr_multipliers and stages in training', () => {
  let tf: TF;
  before(async () => {
    tf = await cpuTf();
  });

  it('scales each parameter\'s SGD step by its factor (0: no update)', () => {
    const params = ['layer1.weight', 'layer2.weight', 'layer3.weight'].map((name) => ({ name, variable: tf.variable(tf.tensor1d([1, 2]), true, name) }));
    const factors: Record<number, number> = { 1: 1, 2: 10, 3: 0 };
    const optimizer = createOptimizer(tf, { optimizer: 'sgd', momentum: 0, nesterov: false, weight_decay: 0 }, params, (name) => factors[Number(name.slice(5, 6))]);
    const grads = Object.fromEntries(params.map((p) => [p.name, tf.tensor1d([0.5, -1])]));
    optimizer.step(grads, 0.1);
    const values = params.map((p) => Array.from(p.variable.dataSync()));
    assert.deepEqual(values[0].map((v) => +v.toFixed(6)), [0.95, 2.1]);
    assert.deepEqual(values[1].map((v) => +v.toFixed(6)), [0.5, 3]);
    assert.deepEqual(values[2], [1, 2]);
    optimizer.dispose();
    params.forEach((p) => p.variable.dispose());
  });

  it('trains only the head in stage 1 and every layer at the stage\'s rate in stage 2', async () => {
    const analysis = analyze(MODEL('  stages:\n    - {epochs: 1, freeze: [features]}\n    - {epochs: 1, unfreeze: all, lr: 0.01}'));
    const model = buildModel(tf, analysis.graph, 5);
    const conv = () => Array.from(model.params[0].variable.dataSync());
    const fc = () => Array.from(model.params.find((p) => p.name === 'layer6.weight')!.variable.dataSync());
    const snapshots: Array<{ conv: number[]; fc: number[]; lr: number }> = [];
    const stages: number[] = [];
    const start = { conv: conv(), fc: fc() };
    const data = { train: quadrantSet(96, 8, 1), validation: quadrantSet(32, 8, 2), test: quadrantSet(32, 8, 3), classes: ['a', 'b', 'c', 'd'] };
    const outcome = await trainModel(tf, model, data, { config: analysis.train, dataWorkers: 0 }, {
      onStage: (index) => void stages.push(index),
      onEpoch: (m) => void snapshots.push({ conv: conv(), fc: fc(), lr: m.lr }),
    });
    assert.equal(outcome.epochsCompleted, 2);
    assert.deepEqual(stages, [0, 1]);
    assert.deepEqual(snapshots.map((s) => s.lr), [0.05, 0.01]);
    assert.deepEqual(snapshots[0].conv, start.conv, 'stage 1 froze the features');
    assert.notDeepEqual(snapshots[0].fc, start.fc, 'stage 1 trained the head');
    assert.notDeepEqual(snapshots[1].conv, snapshots[0].conv, 'stage 2 unfroze the features');
    model.dispose();
  });
});
