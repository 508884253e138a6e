/**
 * The exported train.py for every task: a tiny reconstruction (denoising anomaly detector), segmentation on shapes
 * scenes (under torchrun, 2 processes, masks augmented with their pictures, RandAugment and TrivialAugmentWide
 * included) and segmentation on a mask folder each
 * train one epoch and write a run folder our reader takes: the task's keys in metrics.jsonl's epoch lines (valMse,
 * valMeanIou) and in summary.json (testMse, testMeanIou, testMeanDice, testAccuracy), as our engine writes them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { trainPyUnsupported } from '../../src/export/pytorch/tasks/registry';
import { runExport } from '../../src/cli/export';
import { isMetricRecord } from '../../src/protocol/webview-training';
import type { EpochMetrics, RunSummary } from '../../src/protocol/runTypes';
import { initBackend } from '../../src/trainer/backend';
import type { readRun } from '../../src/trainer/runs/reader';
import { segmentationLoss } from '../../src/trainer/tasks/segmentationLosses';
import { Random } from '../../src/trainer/datasets/random';
import { augmentationSpace, GEOMETRIC_OPS, type OpChoice } from '../../src/trainer/transforms/augmentOps';
import { trivialAugmentWide } from '../../src/trainer/transforms/autoAugment';
import { analyze } from './engine-fixtures';
import { HAS_TORCH, PYTHON, runTrainPy, torchrunArgs, untrainedRun } from './export-fixtures';

const RECONSTRUCTION = `name: tiny-denoiser
task: reconstruction
input: [1, 16, 16]
layers: [Conv2d(1, 4, 3, padding=1), ReLU(), Conv2d(4, 1, 3, padding=1), Sigmoid()]
data: {dataset: shapes, train_samples: 60, test_samples: 30, include_classes: [circle, square], noise: {gaussian: 0.2, salt_and_pepper: 0.05, random_erasing: 0.5}}
train: {epochs: 3, batch_size: 8, optimizer: adam, lr: 0.01, loss: mse, early_stopping: {patience: 1}}
`;

const SCENES = `name: tiny-scenes
task: segmentation
input: [1, 16, 16]
layers: [Conv2d(1, 6, 3, padding=1)]
data:
  dataset: shapes
  train_samples: 48
  test_samples: 16
  transforms:
    train: [RandomHorizontalFlip(), RandomRotation(15), ColorJitter(brightness=0.2), RandAugment(num_ops=2), TrivialAugmentWide(), ToTensor(), Normalize((0.5,), (0.25,))]
    test: [ToTensor(), Normalize((0.5,), (0.25,))]
train: {epochs: 2, batch_size: 8, optimizer: sgd, lr: 0.05, loss: cross_entropy_dice, class_weights: [0.5, 1, 1, 1, 1, 1]}
`;

const maskFolderModel = (path: string) => `name: tiny-masks
task: segmentation
input: [3, 8, 8]
classes: [background, thing]
layers: [Conv2d(3, 2, 3, padding=1)]
data: {dataset: maskfolder, path: ${JSON.stringify(path)}, validation_split: 0.25}
train: {epochs: 2, batch_size: 4, optimizer: adam, lr: 0.01, loss: dice, ignore_index: 255}
`;

let root: string;
before(() => void (root = mkdtempSync(join(tmpdir(), 'cnnlab-export-tasks-'))));
after(() => rmSync(root, { recursive: true, force: true }));

/** Exports an untrained run of `text` as pytorch, runs its train.py (`launcher` args before it) and reads the run back. */
async function exportAndTrain(text: string, launcher: string[] = [], epochCount = 1): Promise<ReturnType<typeof readRun>> {
  const analysis = analyze(text);
  const { tf } = await initBackend('wasm');
  const { runDir, model } = await untrainedRun(tf, analysis, text, join(root, 'runs'));
  model.dispose();
  const dir = join(root, `export-${analysis.name}`);
  let errors = '';
  assert.equal(await runExport([runDir, '--format', 'pytorch', '--out', dir], { out: () => {}, err: (t) => void (errors += t) }), 0, errors);
  const { run } = runTrainPy(dir, analysis.name, epochCount, join(root, 'torch-runs'), launcher);
  assert.equal(run.summary?.task, analysis.task);
  for (const m of readFileSync(join(run.dir, 'metrics.jsonl'), 'utf8').trim().split('\n')) assert.ok(isMetricRecord(JSON.parse(m)), m);
  assert.ok(run.hasBest && run.hasLast);
  return run;
}

const epochs = (run: ReturnType<typeof readRun>) => run.metrics.filter((m): m is EpochMetrics => m.kind === 'epoch');
const figures = (summary: RunSummary | null) => summary as unknown as Record<string, unknown>;

describe('exported train.py for every task', { skip: !HAS_TORCH && 'python3 with torch is not installed' }, () => {
  it('reconstruction: a denoising anomaly detector writes valMse, testMse, the anomaly AUROC and per-class errors', { timeout: 300_000 }, async () => {
    const run = await exportAndTrain(RECONSTRUCTION);
    const [epoch] = epochs(run);
    assert.equal(epoch.accuracy, null);
    assert.ok(typeof epoch.valMse === 'number' && epoch.valMse > 0 && epoch.valMse < 1);
    const s = figures(run.summary);
    assert.ok(typeof s.testMse === 'number' && s.testMse > 0 && s.testMse < 1);
    assert.ok(typeof s.anomalyAuroc === 'number' && s.anomalyAuroc >= 0 && s.anomalyAuroc <= 1);
    const r = run.summary?.test?.reconstruction;
    assert.equal(r?.mse, s.testMse);
    assert.deepEqual(r?.anomaly?.includedClasses, [0, 1]);
    assert.equal(r?.perClassError.length, 5);
    // Only circles and squares train: the training set is a subset of the 54 non-validation images.
    assert.ok((run.summary?.trainSamples ?? 99) < 54);
    assert.equal(run.summary?.test?.samples, 30);
  });

  it('segmentation on shapes scenes under torchrun (2 processes): valMeanIou, testMeanIou, testMeanDice, pixel accuracy', { timeout: 300_000 }, async () => {
    const run = await exportAndTrain(SCENES, await torchrunArgs(2));
    assert.match(run.summary?.backendDescription ?? '', /2 process\(es\)/);
    const [epoch] = epochs(run);
    assert.ok(typeof epoch.valMeanIou === 'number' && epoch.valMeanIou >= 0 && epoch.valMeanIou <= 1);
    assert.ok(typeof epoch.accuracy === 'number' && epoch.accuracy >= 0 && epoch.accuracy <= 1);
    const s = figures(run.summary);
    const seg = run.summary?.test?.segmentation;
    assert.equal(s.testMeanIou, seg?.meanIou);
    assert.equal(s.testMeanDice, seg?.meanDice);
    assert.equal(s.testAccuracy, seg?.pixelAccuracy);
    assert.equal(seg?.perClassIou.length, 6);
    assert.equal(seg?.pixels, 16 * 16 * 16);
    assert.equal(run.summary?.test?.confusion.flat().reduce((a, b) => a + b, 0), 16 * 16 * 16);
  });

  it("task.py's segmentation losses equal the engine's, and its pipeline moves masks exactly with their pictures", { timeout: 120_000 }, async () => {
    const dir = join(root, 'export-tiny-scenes'); // the scenes test's export (tests of a describe run in order)
    const [n, h, w, k] = [2, 4, 5, 3];
    const rng = new Random(11);
    const logits = Array.from({ length: n * h * w * k }, () => 4 * rng.next() - 2);
    const target = Array.from({ length: n * h * w }, (_, i) => (i % 7 === 0 ? 255 : rng.int(k)));
    const { tf } = await initBackend('wasm');
    const engine: Record<string, number> = {};
    for (const loss of ['cross_entropy', 'dice', 'cross_entropy_dice'] as const) {
      engine[loss] = tf.tidy(() => segmentationLoss(tf, loss, tf.tensor4d(logits, [n, h, w, k]), tf.tensor3d(target, [n, h, w], 'int32'), { classWeights: [0.5, 2, 1], ignoreIndex: 255 }).dataSync()[0]);
    }
    // Pictures whose pixel values are their mask's classes × 40: after the joint pipeline (flips, rotation and a
    // padded crop, all nearest) every pixel must still read as its mask's class.
    const script = `
import json, sys, torch
from torchvision import transforms as T
sys.path.insert(0, ${JSON.stringify(dir)})
import numpy as np
from task import JointPipeline, Task
logits = torch.tensor(${JSON.stringify(logits)}).reshape(${n}, ${h}, ${w}, ${k}).permute(0, 3, 1, 2)
target = torch.tensor(${JSON.stringify(target)}).reshape(${n}, ${h}, ${w})
losses = {}
for loss in ("cross_entropy", "dice", "cross_entropy_dice"):
    task = Task({"classes": ["a", "b", "c"], "ignore_index": 255, "loss": loss, "class_weights": [0.5, 2, 1]})
    losses[loss] = task.loss(logits, target).item()
torch.manual_seed(0)
joint = JointPipeline(T.Compose([T.ToTensor(), T.RandomHorizontalFlip(), T.RandomVerticalFlip(), T.RandomRotation(40), T.RandomCrop(12, padding=3)]))
moved = 0
for i in range(20):
    mask = np.random.default_rng(i).integers(0, 6, (16, 16)).astype(np.uint8)
    from imageset import to_pil
    image, out = joint(to_pil((mask * 40)[:, :, None]), torch.as_tensor(mask, dtype=torch.float32)[None])
    assert torch.equal((image[0] * 255 / 40).round(), out[0]), i
    moved += int(not torch.equal(out[0, :12, :12], torch.as_tensor(mask[:12, :12], dtype=torch.float32)))
print(json.dumps({"losses": losses, "moved": moved}))
`;
    const r = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { losses: Record<string, number>; moved: number };
    for (const [loss, value] of Object.entries(engine)) assert.ok(Math.abs(result.losses[loss] - value) < 1e-5, `${loss}: torch ${result.losses[loss]}, engine ${value}`);
    assert.ok(result.moved > 10, 'the pipeline moved the pictures');
  });

  it('RandAugment and TrivialAugmentWide draw as torchvision does, and move masks exactly as the engine does', { timeout: 120_000 }, async () => {
    const dir = join(root, 'export-tiny-scenes'); // the scenes test's export
    // Every operation that moves pixels, both signs, at the magnitudes the two draw (RandAugment's default bin 9 of
    // 31, TrivialAugmentWide's bins), on a 20×24 mask; then a chain mixing colour and geometry.
    const [h, w] = [20, 24];
    const rng = new Random(5);
    const mask = Float32Array.from({ length: h * w }, () => rng.int(6));
    const rand = augmentationSpace(31, h, w, false);
    const wide = augmentationSpace(31, h, w, true);
    const cases: OpChoice[][] = [];
    for (const op of GEOMETRIC_OPS) {
      for (const sign of [1, -1]) {
        cases.push([{ op, magnitude: sign * rand[op].magnitudes[9] }]);
        for (const bin of [3, 13, 22, 30]) cases.push([{ op, magnitude: sign * wide[op].magnitudes[bin] }]);
      }
    }
    cases.push([{ op: 'Brightness', magnitude: 0.5 }, { op: 'Rotate', magnitude: 13.5 }, { op: 'Posterize', magnitude: 4 }, { op: 'TranslateX', magnitude: -3.2 }]);
    const engine = cases.map((ops) => Array.from(trivialAugmentWide.applyMask!({ data: mask, height: h, width: w, channels: 1 }, {}, ops).data));
    const script = `
import json, sys, torch
from torchvision import transforms as T
sys.path.insert(0, ${JSON.stringify(dir)})
from task import MOVING_OPS, MaskedAugment, move_mask
mask = torch.tensor(${JSON.stringify(Array.from(mask))}).reshape(1, ${h}, ${w})
moved = [move_mask(mask, [(c["op"], c["magnitude"]) for c in ops]).flatten().tolist() for ops in ${JSON.stringify(cases)}]
# The picture goes through the same operations as torchvision's own forward() with the same random stream.
drawn = {}
for step in (T.RandAugment(num_ops=3), T.TrivialAugmentWide(), T.RandAugment(num_ops=2, magnitude=20, fill=[40, 80, 120])):
    masked = MaskedAugment(step)
    for seed in range(60):
        image = torch.randint(0, 256, (3, ${h}, ${w}), dtype=torch.uint8, generator=torch.Generator().manual_seed(seed))
        torch.manual_seed(seed)
        expected = step(image)
        torch.manual_seed(seed)
        ops = masked.draw(${h}, ${w})
        torch.manual_seed(seed)
        got, got_mask = masked(image, mask)
        assert torch.equal(expected, got), (type(step).__name__, seed)
        assert torch.equal(got_mask, move_mask(mask, ops)), seed
        for name, _ in ops:
            drawn[name] = drawn.get(name, 0) + 1
print(json.dumps({"moved": moved, "drawn": drawn, "moving": list(MOVING_OPS)}))
`;
    const r = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { moved: number[][]; drawn: Record<string, number>; moving: string[] };
    assert.deepEqual(result.moving.sort(), [...GEOMETRIC_OPS].sort());
    cases.forEach((ops, i) => {
      assert.deepEqual(result.moved[i], engine[i], JSON.stringify(ops));
      assert.ok(engine[i].some((v, j) => v !== mask[j]), `${JSON.stringify(ops)} moved the mask`);
    });
    for (const op of GEOMETRIC_OPS) assert.ok(result.drawn[op] > 0, `${op} was drawn: ${JSON.stringify(result.drawn)}`);
  });

  it('a recipe train.py cannot reproduce still exports the model; train.py and the export notes say why', { timeout: 120_000 }, async () => {
    const text = SCENES.replace('name: tiny-scenes', 'name: tiny-missing-start\nweights: /nonexistent/start.pth');
    const analysis = analyze(text);
    const { tf } = await initBackend('wasm');
    const { runDir, model } = await untrainedRun(tf, analysis, text, join(root, 'runs'));
    model.dispose();
    const dir = join(root, 'export-tiny-missing-start');
    let said = '';
    assert.equal(await runExport([runDir, '--format', 'pytorch', '--out', dir], { out: (t) => void (said += t), err: (t) => void (said += t) }), 0);
    assert.match(said, /train\.py cannot start from weights: .*nonexistent/);
    const r = spawnSync(PYTHON, [join(dir, 'train.py'), '--epochs', '1', '--out', join(root, 'never')], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cannot start from weights: .*nonexistent/);
  });

  it('segmentation on a mask folder: masks read as class indices, ignore_index pixels left out of the metrics', { timeout: 300_000 }, async () => {
    const data = join(root, 'masks-data');
    for (const sub of ['images', 'masks']) mkdirSync(join(data, sub), { recursive: true });
    for (let i = 0; i < 12; i++) {
      const image = new PNG({ width: 8, height: 8 });
      const mask = new PNG({ width: 8, height: 8, colorType: 0, inputColorType: 0 });
      for (let p = 0; p < 64; p++) {
        const inside = (p % 8) + Math.floor(p / 8) < 4 + (i % 5);
        image.data.set(inside ? [220, 40, 40, 255] : [30, 30, 90, 255], p * 4);
        mask.data[p] = p === 63 ? 255 : inside ? 1 : 0;
      }
      writeFileSync(join(data, 'images', `${i}.png`), PNG.sync.write(image));
      writeFileSync(join(data, 'masks', `${i}.png`), PNG.sync.write(mask, { colorType: 0, inputColorType: 0 }));
    }
    const run = await exportAndTrain(maskFolderModel(data));
    const seg = run.summary?.test?.segmentation;
    // 12 pictures: 20 % (2) held out as the test set, each with one ignored pixel.
    assert.equal(run.summary?.test?.samples, 2);
    assert.equal(seg?.ignoredPixels, 2);
    assert.equal(seg?.pixels, 2 * 63);
    assert.ok(typeof figures(run.summary).testMeanIou === 'number');
    // train.best: val_miou (to maximise): an epoch is best exactly when its validation mIoU beats every earlier one.
    const bestByIou = await exportAndTrain(maskFolderModel(data).replace('name: tiny-masks', 'name: tiny-masks-miou').replace('ignore_index: 255}', 'ignore_index: 255, best: val_miou}'), [], 4);
    let highest = -Infinity;
    for (const e of epochs(bestByIou)) {
      assert.equal(e.best, (e.valMeanIou as number) > highest, `epoch ${e.epoch}: valMeanIou ${e.valMeanIou}, best so far ${highest}`);
      highest = Math.max(highest, e.valMeanIou as number);
    }
  });
});

describe('what train.py refuses to reproduce', () => {
  it("names the task's gaps only: freezing, stages and the like train (export-train-recipe.test.ts)", () => {
    const plain = analyze(SCENES);
    assert.equal(trainPyUnsupported(plain), null);
    const frozen = analyze(SCENES.replace('loss: cross_entropy_dice,', `loss: cross_entropy_dice, freeze: [${plain.layers[0].module}],`));
    assert.deepEqual(frozen.diagnostics.filter((d) => d.severity === 'error'), []);
    const staged = analyze(SCENES.replace('epochs: 2,', `epochs: 2, stages: [{epochs: 1, freeze: [${plain.layers[0].module}]}, {epochs: 1, unfreeze: all, lr: 0.01}],`));
    assert.deepEqual(staged.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.equal(trainPyUnsupported(frozen), null);
    assert.equal(trainPyUnsupported(staged), null);
    // RandAugment and TrivialAugmentWide move masks (SCENES has both); classifiers train with every loss they accept.
    assert.match(SCENES, /RandAugment\(num_ops=2\), TrivialAugmentWide\(\)/);
    for (const loss of ['cross_entropy', 'nll', 'mse', 'bce']) {
      const classifier = analyze(`name: c\ninput: [1, 8, 8]\nlayers: [Flatten(), Linear(64, 5)]\ndata: {dataset: shapes}\ntrain: {loss: ${loss}}\n`);
      assert.deepEqual(classifier.diagnostics.filter((d) => d.severity === 'error'), []);
      assert.equal(trainPyUnsupported(classifier), null, loss);
    }
  });
});
