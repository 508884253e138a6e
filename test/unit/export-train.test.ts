/**
 * The exported train.py under torchrun: two processes (DistributedDataParallel over gloo on this CPU machine) train
 * one short epoch on a tiny `shapes` set and write a CNN Lab run folder that CNN Lab reads back: summary.json with
 * testAccuracy, metrics.jsonl, and best/ weights that our engine evaluates to the same test accuracy; one process
 * keeps the epoch of the best validation accuracy when train.best names it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runEvaluate } from '../../src/cli/evaluate';
import { runExport } from '../../src/cli/export';
import { readRunSummary } from '../../src/trainer/runs/reader';
import { initBackend } from '../../src/trainer/backend';
import { analyze } from './engine-fixtures';
import { HAS_TORCH, PYTHON, torchrunArgs, untrainedRun } from './export-fixtures';

const MODEL = `name: ddp-tiny
input: [1, 16, 16]
layers: [Conv2d(1, 4, 3, padding=1), BatchNorm2d(4), ReLU(), MaxPool2d(2), Flatten(), Linear(256, 5)]
data: {dataset: shapes, train_samples: 240, test_samples: 60, augment: {horizontal_flip: true}, normalize: {mean: [0.5], std: [0.25]}}
train: {epochs: 5, batch_size: 16, optimizer: sgd, lr: 0.05, momentum: 0.9, schedule: {type: step, step_size: 1, gamma: 0.5}, early_stopping: {patience: 2}}
`;

let root: string;
before(() => void (root = mkdtempSync(join(tmpdir(), 'cnnlab-export-train-'))));
after(() => rmSync(root, { recursive: true, force: true }));

describe('exported train.py', { skip: !HAS_TORCH && 'python3 with torch is not installed' }, () => {
  it('torchrun --nproc_per_node=2 train.py --epochs 1 --out OUT writes a run folder CNN Lab reads and evaluates alike', { timeout: 600_000 }, async () => {
    const { tf } = await initBackend('wasm');
    const { runDir, model } = await untrainedRun(tf, analyze(MODEL), MODEL, join(root, 'runs'));
    model.dispose();
    const dir = join(root, 'export');
    assert.equal(await runExport([runDir, '--format', 'pytorch', '--out', dir], { out: () => {}, err: () => {} }), 0);
    const out = join(root, 'torch-runs');
    // `torchrun` is this module, on a free port (see torchrunArgs).
    const r = spawnSync(PYTHON, [...(await torchrunArgs(2)), join(dir, 'train.py'), '--epochs', '1', '--out', out], { encoding: 'utf8', timeout: 540_000 });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const [stamp] = readdirSync(join(out, 'ddp-tiny'));
    const trained = join(out, 'ddp-tiny', stamp);
    const summary = readRunSummary(trained);
    assert.ok(summary, 'summary.json');
    assert.equal(summary.status, 'done');
    assert.equal(summary.epochsCompleted, 1);
    assert.equal(summary.backend, 'pytorch');
    assert.match(summary.backendDescription, /2 process\(es\), DistributedDataParallel over gloo on cpu/);
    const testAccuracy = (summary as unknown as { testAccuracy: number }).testAccuracy;
    assert.equal(typeof testAccuracy, 'number');
    assert.equal(summary.test?.samples, 60);
    const metrics = readFileSync(join(trained, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(metrics.some((m) => m.kind === 'batch' && m.epoch === 1));
    assert.deepEqual(metrics.filter((m) => m.kind === 'epoch').map((m) => [m.epoch, m.best]), [[1, true]]);
    for (const f of ['model.cnn.yaml', 'config.json', 'best/model.json', 'best/weights.bin', 'last/model.json']) assert.ok(existsSync(join(trained, f)), f);
    // Our engine on PyTorch's best/ weights: the same test images give the same accuracy.
    let json = '';
    const status = await runEvaluate([trained, '--json', '--backend', 'wasm'], { out: (t) => void (json += t), err: () => {} });
    assert.equal(status, 0);
    assert.ok(Math.abs(JSON.parse(json.trim().split('\n').pop() as string).testAccuracy - testAccuracy) < 1e-9);
  });

  it('python3 train.py keeps the best validation accuracy when train.best says so, and early-stops on it', { timeout: 600_000 }, async () => {
    const text = MODEL.replace('name: ddp-tiny', 'name: best-accuracy').replace('early_stopping: {patience: 2}', 'early_stopping: {patience: 1}, best: val_accuracy');
    const { tf } = await initBackend('wasm');
    const { runDir, model } = await untrainedRun(tf, analyze(text), text, join(root, 'runs'));
    model.dispose();
    const dir = join(root, 'export-best');
    assert.equal(await runExport([runDir, '--format', 'pytorch', '--out', dir], { out: () => {}, err: () => {} }), 0);
    const out = join(root, 'torch-best');
    const r = spawnSync(PYTHON, [join(dir, 'train.py'), '--epochs', '4', '--out', out], { encoding: 'utf8', timeout: 540_000 });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const [stamp] = readdirSync(join(out, 'best-accuracy'));
    const trained = join(out, 'best-accuracy', stamp);
    const epochs = readFileSync(join(trained, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((m) => m.kind === 'epoch');
    let top = -Infinity;
    let lowest = Infinity;
    let lossWouldDiffer = false;
    for (const e of epochs) {
      assert.equal(e.best, e.valAccuracy > top, `epoch ${e.epoch}: accuracy ${e.valAccuracy}, best so far ${top}`);
      if (e.valLoss < lowest && !e.best) lossWouldDiffer = true;
      top = Math.max(top, e.valAccuracy);
      lowest = Math.min(lowest, e.valLoss);
    }
    // (seed 42, 4 epochs: the loss falls at epoch 4 while the accuracy drops from 0.54 to 0.46)
    assert.ok(lossWouldDiffer, `an epoch that val_loss would have kept: ${JSON.stringify(epochs.map((e) => [e.valLoss, e.valAccuracy]))}`);
    const summary = readRunSummary(trained);
    assert.equal(summary?.bestEpoch, epochs.find((e) => e.valAccuracy === top)?.epoch);
    assert.match(summary?.stopReason ?? '', /^early stopping: validation accuracy did not improve by more than 0 for 1 epoch\(s\)$/);
  });
});
