/**
 * The exported train.py reproduces what CNN Lab's engine does with train.freeze, train.lr_multipliers, train.stages
 * and weights: (src/trainer/engine/stagePlan.ts, startingWeights.ts): training starts from the weights file, frozen
 * layers keep their weights and their BatchNorm statistics, a multiplier of 0 stops a layer's updates, each stage
 * trains at its learning rate with its own frozen layers (under torchrun too, where DistributedDataParallel is
 * rebuilt for each stage), the run folder records the base learning rate as the engine does, the schedules scale
 * min_lr with each group's multiplier as the engine does, and classifiers train with element-wise losses too.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pytorchFormat } from '../../src/export/pytorch/format';
import { modelFileSource, readCheckpointWeights, type ExportWeight } from '../../src/export/source';
import type { EpochMetrics } from '../../src/protocol/runTypes';
import type { LossName } from '../../src/model/types';
import { initBackend } from '../../src/trainer/backend';
import { Random } from '../../src/trainer/datasets/random';
import { computeLoss } from '../../src/trainer/engine/losses';
import { createSchedule } from '../../src/trainer/engine/schedules';
import { stagePlan } from '../../src/trainer/engine/stagePlan';
import { analyze } from './engine-fixtures';
import { HAS_TORCH, PYTHON, runTrainPy, torchrunArgs, untrainedRun } from './export-fixtures';

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

/** Exports the model file as "Train with PyTorch" does; returns the export folder. */
async function exportModel(text: string): Promise<string> {
  const analysis = analyze(text);
  assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error'), []);
  const modelPath = join(root, `${analysis.name}.cnn.yaml`);
  writeFileSync(modelPath, text);
  const dir = join(root, `export-${analysis.name}`);
  await pytorchFormat.write(modelFileSource(text, modelPath), dir);
  return dir;
}

/** Runs a Python script with the export folder `dir` on its path; its stdout as JSON. */
function pythonJson<T>(dir: string, script: string): T {
  const r = spawnSync(PYTHON, ['-c', `import json, sys\nsys.path.insert(0, ${JSON.stringify(dir)})\n${script}`], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

/** Exports the model file as "Train with PyTorch" does, runs train.py and returns its last weights, epoch records and output. */
async function train(text: string, epochCount: number, launcher: string[] = []): Promise<{ last: ExportWeight[]; epochs: EpochMetrics[]; stdout: string }> {
  const dir = await exportModel(text);
  const { run, stdout } = runTrainPy(dir, analyze(text).name, epochCount, join(root, 'torch-runs'), launcher);
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

  it("schedules min_lr with lr_multipliers as the engine does: each group's rate per epoch is the engine's × its factor", { timeout: 120_000 }, async () => {
    // A validation loss that improves, then stalls long enough for plateau to reach min_lr.
    const losses = [1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9];
    const epochCount = losses.length;
    for (const schedule of ['{type: cosine, min_lr: 0.002}', '{type: plateau, patience: 1, factor: 0.5, min_lr: 0.003}', '{type: step, step_size: 3, gamma: 0.5}']) {
      const text = withRecipe('tiny-min-lr', startRun, `{epochs: ${epochCount}, optimizer: sgd, lr: 0.01, lr_multipliers: {fc: 10, conv1: 0.5}, schedule: ${schedule}}`);
      const dir = await exportModel(text);
      // train.py's own functions, stepped as its loop steps them (ReduceLROnPlateau with the validation loss).
      const groups = pythonJson<Array<Record<string, number>>>(dir, `
import torch, train
r = train.RECIPE
model = train.Model()
optimizer = train.make_optimizer(train.parameter_groups(model, r, r["lr"]), r)
schedule = train.make_schedule(optimizer, r, ${epochCount}, r["lr"])
rows = []
for loss in ${JSON.stringify(losses)}:
    rows.append({str(g["scale"]): g["lr"] for g in optimizer.param_groups})
    schedule.step(loss) if isinstance(schedule, torch.optim.lr_scheduler.ReduceLROnPlateau) else schedule.step()
print(json.dumps(rows))
`);
      const engine = createSchedule(0.01, epochCount, analyze(text).train.schedule);
      losses.forEach((loss, epoch) => {
        const lr = engine.lr(epoch);
        assert.deepEqual(Object.keys(groups[epoch]).map(Number).sort((a, b) => a - b), [0.5, 1, 10]);
        for (const [scale, value] of Object.entries(groups[epoch])) {
          const expected = lr * Number(scale);
          assert.ok(Math.abs(value - expected) <= 1e-12 * expected, `${schedule} epoch ${epoch} group ×${scale}: train.py ${value}, engine ${expected}`);
        }
        engine.epochEnd(loss);
      });
      // Where torch's own eta_min / min_lr would have given every group one floor, the rates differ from that.
      const minLr = Number(/min_lr: ([\d.]+)/.exec(schedule)?.[1] ?? 0);
      if (schedule.includes('cosine')) {
        const oneFloor = (epoch: number) => minLr + (0.1 - minLr) * (1 + Math.cos((Math.PI * epoch) / epochCount)) / 2;
        assert.ok(groups.some((g, epoch) => Math.abs(g['10'] - oneFloor(epoch)) > 1e-5));
      }
      if (schedule.includes('plateau')) assert.ok(Math.abs(groups[epochCount - 1]['10'] - 10 * minLr) < 1e-12, 'plateau reached the floor × 10');
    }
  });

  it('trains classifiers with the element-wise losses (mse, bce on one-hot targets) as the engine computes them', { timeout: 300_000 }, async () => {
    const text = (loss: LossName) => withRecipe(`tiny-${loss}`, startRun, `{epochs: 1, batch_size: 8, optimizer: adam, lr: 0.01, loss: ${loss}}`);
    const dir = await exportModel(text('mse'));
    const [n, k] = [6, 5];
    const rng = new Random(4);
    // Probabilities (bce's input, after a Sigmoid).
    const outputs = Array.from({ length: n * k }, () => 0.01 + 0.98 * rng.next());
    const labels = Array.from({ length: n }, () => rng.int(k));
    const { tf } = await initBackend('wasm');
    const losses: LossName[] = ['cross_entropy', 'nll', 'mse', 'bce'];
    const engine = losses.map((loss) => tf.tidy(() => computeLoss(tf, loss, tf.tensor2d(outputs, [n, k]), tf.tensor1d(labels, 'int32')).dataSync()[0]));
    const torch = pythonJson<number[]>(dir, `
import torch
from task import Task
output, target = torch.tensor(${JSON.stringify(outputs)}).reshape(${n}, ${k}), torch.tensor(${JSON.stringify(labels)})
print(json.dumps([Task({"classes": list("abcde"), "loss": loss}).loss(output, target).item() for loss in ${JSON.stringify(losses)}]))
`);
    losses.forEach((loss, i) => assert.ok(Math.abs(torch[i] - engine[i]) < 1e-5 * Math.max(1, Math.abs(engine[i])), `${loss}: torch ${torch[i]}, engine ${engine[i]}`));
    for (const loss of ['mse', 'bce'] as const) {
      const text2 = text(loss).replace('- fc: Linear(4, 5)', '- fc: Linear(4, 5)\n  - Sigmoid()');
      const { epochs, last } = await train(text2, 1);
      assert.equal(epochs.length, 1);
      assert.ok(Number.isFinite(epochs[0].loss) && Number.isFinite(epochs[0].valLoss as number), `${loss}: ${JSON.stringify(epochs[0])}`);
      assert.ok(unchanged(last).length === 0, `${loss}: every layer trained`);
    }
  });
});
