/**
 * The exported train.py reproduces what CNN Lab's engine does with train.freeze, train.lr_multipliers, train.stages
 * and weights: (src/trainer/engine/stagePlan.ts, startingWeights.ts): training starts from the weights file, frozen
 * layers keep their weights and their BatchNorm statistics, a multiplier of 0 stops a layer's updates, each stage
 * trains at its learning rate with its own frozen layers (under torchrun too, where DistributedDataParallel is
 * rebuilt for each stage), and the run folder records the base learning rate as the engine does.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pytorchFormat } from '../../src/export/pytorch/format';
import { modelFileSource, readCheckpointWeights, type ExportWeight } from '../../src/export/source';
import type { EpochMetrics } from '../../src/protocol/runTypes';
import { initBackend } from '../../src/trainer/backend';
import { stagePlan } from '../../src/trainer/engine/stagePlan';
import { analyze } from './engine-fixtures';
import { HAS_TORCH, runTrainPy, torchrunArgs, untrainedRun } from './export-fixtures';

const LAYERS = `layers:
  - conv1: Conv2d(1, 4, 3, padding=1)
  - bn1: BatchNorm2d(4)
  - ReLU()
  - conv2: Conv2d(4, 4, 3, padding=1)
  - AdaptiveAvgPool2d(1)
  - Flatten()
  - fc: Linear(4, 5)
data: {dataset: shapes, train_samples: 48, test_samples: 16}`;
const PLAIN = `name: tiny-transfer\ninput: [1, 16, 16]\n${LAYERS}\n`;
const withRecipe = (name: string, weights: string, train: string) => `name: ${name}\ninput: [1, 16, 16]\nweights: ${JSON.stringify(weights)}\n${LAYERS}\ntrain: ${train}\n`;

let root: string;
let start: ExportWeight[];
let startRun: string;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'cnnlab-export-recipe-'));
  const { tf } = await initBackend('wasm');
  const { runDir, model } = await untrainedRun(tf, analyze(PLAIN), PLAIN, join(root, 'start'), 11);
  model.dispose();
  startRun = runDir;
  start = await readCheckpointWeights(join(runDir, 'best'));
});
after(() => rmSync(root, { recursive: true, force: true }));

/** Exports the model file as "Train with PyTorch" does, runs train.py and returns its last weights, epoch records and output. */
async function train(text: string, epochCount: number, launcher: string[] = []): Promise<{ last: ExportWeight[]; epochs: EpochMetrics[]; stdout: string }> {
  const analysis = analyze(text);
  assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error'), []);
  const modelPath = join(root, `${analysis.name}.cnn.yaml`);
  writeFileSync(modelPath, text);
  const dir = join(root, `export-${analysis.name}`);
  await pytorchFormat.write(modelFileSource(text, modelPath), dir);
  const { run, stdout } = runTrainPy(dir, analysis.name, epochCount, join(root, 'torch-runs'), launcher);
  return { last: await readCheckpointWeights(join(run.dir, 'last')), epochs: run.metrics.filter((m): m is EpochMetrics => m.kind === 'epoch'), stdout };
}

/** The names of the variables whose values are those of the starting weights (engine names: layer<N>.<entry>). */
function unchanged(last: ExportWeight[]): string[] {
  const before = new Map(start.map((w) => [w.name, w.values]));
  return last.filter((w) => {
    const values = before.get(w.name);
    return values !== undefined && w.values.every((v, i) => v === values[i]);
  }).map((w) => w.name).sort();
}

// Layers 1 conv1, 2 bn1, 4 conv2 and 7 fc have weights.
const CONV1_BN1 = ['layer1.bias', 'layer1.weight', 'layer2.bias', 'layer2.num_batches_tracked', 'layer2.running_mean', 'layer2.running_var', 'layer2.weight'];
const CONV2 = ['layer4.bias', 'layer4.weight'];

describe('exported train.py: freezing, learning rates per layer, stages and starting weights', { skip: !HAS_TORCH && 'python3 with torch is not installed' }, () => {
  it('starts from weights:, keeps frozen layers (BatchNorm statistics included) and those at lr × 0, trains the others', { timeout: 300_000 }, async () => {
    const { last, epochs, stdout } = await train(withRecipe('tiny-frozen', startRun, '{epochs: 2, batch_size: 8, optimizer: sgd, momentum: 0.9, lr: 0.05, freeze: [conv1, bn1], lr_multipliers: {conv2: 0, fc: 2}}'), 2);
    assert.match(stdout, /starting from start\.pth: 11 tensors loaded/);
    // Untouched since loaded: so the file was loaded (torch's initialisation differs), and nothing else is.
    assert.deepEqual(unchanged(last), [...CONV1_BN1, ...CONV2].sort());
    assert.deepEqual(epochs.map((e) => e.lr), [0.05, 0.05]);
  });

  it('trains stage by stage: each its learning rate and frozen layers, under torchrun (2 processes)', { timeout: 300_000 }, async () => {
    const recipe = '{epochs: 2, batch_size: 8, optimizer: adam, lr: 0.01, stages: [{epochs: 1, freeze: [conv1, bn1, conv2]}, {epochs: 1, unfreeze: all, lr: 0.002}]}';
    const first = await train(withRecipe('tiny-stage-one', startRun, recipe), 1);
    assert.match(first.stdout, /stage 1\/1: 1 epoch\(s\) at lr 0\.01, 3 layers frozen, 25 parameters train/);
    assert.deepEqual(unchanged(first.last), [...CONV1_BN1, ...CONV2].sort());
    const text = withRecipe('tiny-stages', startRun, recipe);
    const both = await train(text, 2, await torchrunArgs(2));
    assert.deepEqual(both.epochs.map((e) => e.lr), stagePlan(analyze(text).train, 2).map((s) => s.lr));
    assert.deepEqual(both.epochs.map((e) => e.lr), [0.01, 0.002]);
    // The second stage trains everything.
    assert.deepEqual(unchanged(both.last), []);
  });
});
