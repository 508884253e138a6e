/**
 * task: reconstruction: core diagnostics (output = input with worked shapes, losses, bce without Sigmoid,
 * include_classes), the ROC analysis against a hand-computed case, seeded input noise that leaves the target clean,
 * pixel-unit errors whatever the normalisation, and a short training on shapes that lowers the loss and records
 * the anomaly figures.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyzeModel } from '../../src/model';
import type { TransformStep } from '../../src/model/types';
import { batches } from '../../src/trainer/datasets/batches';
import type { TF } from '../../src/trainer/engine/tf';
import { runTraining } from '../../src/trainer/engine/session';
import { RECONSTRUCTIONS_FILE, type ReconstructionsIndex } from '../../src/trainer/runs/reconstructions';
import { createTask } from '../../src/trainer/tasks/registry';
import { imageErrors, outputToPixel } from '../../src/trainer/tasks/reconstructionErrors';
import { rocAnalysis } from '../../src/trainer/tasks/roc';
import { cpuTf, quadrantSet } from './engine-fixtures';

let tf: TF;
before(async () => {
  tf = await cpuTf();
});

const AE = (last: string, train = '{ epochs: 1 }', data = '{ dataset: shapes }') => `task: reconstruction
input: [1, 8, 8]
layers:
  - Flatten()
  - Linear(64, 16)
  - ReLU()
  - Linear(16, 64)
  - Unflatten(1, (1, 8, 8))
${last}
data: ${data}
train: ${train}
`;
const diag = (text: string) => analyzeModel(text).diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.severity} ${d.code}`);

describe('reconstruction in the model file', () => {
  it('a matching autoencoder has no problems and defaults to mse', () => {
    const a = analyzeModel(AE('  - Sigmoid()'));
    assert.deepEqual(diag(AE('  - Sigmoid()')), []);
    assert.equal(a.train.loss, 'mse');
  });

  it('an output that is not the input shape is an error with both shapes', () => {
    const text = AE('  - MaxPool2d(2)');
    const d = analyzeModel(text).diagnostics.find((x) => x.code === 'output-not-input');
    assert.ok(d && d.severity === 'error');
    assert.match(d.message, /outputs \[1, 4, 4\].*input is \[1, 8, 8\]/);
    assert.equal(d.range.start.line, 8, 'points at the last layer');
  });

  it('refuses classification losses and warns about bce without Sigmoid', () => {
    assert.deepEqual(diag(AE('  - Sigmoid()', '{ loss: cross_entropy }')), ['error loss-not-for-task']);
    assert.deepEqual(diag(AE('  - ReLU()', '{ loss: bce }')), ['warning bce-needs-sigmoid']);
    assert.deepEqual(diag(AE('  - ReLU()', '{ loss: bce_with_logits }')), []);
    assert.deepEqual(diag(AE('  - Sigmoid()', '{ loss: l1 }')), []);
  });

  it('classification refuses the reconstruction-only losses', () => {
    const text = 'input: [1, 8, 8]\nlayers:\n  - Flatten()\n  - Linear(64, 5)\ndata: { dataset: shapes }\ntrain: { loss: l1 }\n';
    assert.deepEqual(diag(text), ['error loss-not-for-task']);
  });

  it('include_classes takes names or indices of the dataset and names a wrong one', () => {
    assert.deepEqual(diag(AE('  - Sigmoid()', '{ epochs: 1 }', '{ dataset: shapes, include_classes: [circle, 2] }')), []);
    const text = AE('  - Sigmoid()', '{ epochs: 1 }', '{ dataset: shapes, include_classes: [circel] }');
    const d = analyzeModel(text).diagnostics.find((x) => x.code === 'unknown-class');
    assert.ok(d);
    assert.match(d.message, /"circel" is not one of the 5 classes \(circle, /);
  });
});

describe('ROC analysis', () => {
  it('matches a hand-computed case with a tie', () => {
    // scores 0.9 (+), 0.8 (−), 0.7 (+), 0.7 (−), 0.2 (−): pairs (+ above −): 0.9 beats 3, 0.7 beats 0.2 and ties 0.7
    // → (3 + 1 + 0.5) / (2·3) = 0.75. Youden's J: threshold 0.9 gives TPR 1/2, FPR 0 → J = 0.5 (the best; 0.7 gives 1 − 2/3).
    const r = rocAnalysis([0.9, 0.8, 0.7, 0.7, 0.2], [true, false, true, false, false]);
    assert.ok(r);
    assert.equal(r.auroc, 0.75);
    assert.equal(r.threshold, 0.9);
    assert.deepEqual([r.truePositiveRate, r.falsePositiveRate], [0.5, 0]);
    assert.deepEqual(r.points, [[0, 0], [0, 0.5], [1 / 3, 0.5], [2 / 3, 1], [1, 1]]);
  });

  it('perfect separation, inverted scores, and an undefined curve', () => {
    assert.equal(rocAnalysis([3, 2, 1, 0], [true, true, false, false])?.auroc, 1);
    assert.equal(rocAnalysis([0, 1], [true, false])?.auroc, 0);
    assert.equal(rocAnalysis([1, 2], [false, false]), null);
  });
});

describe('input noise and pixel errors', () => {
  const set = quadrantSet(8, 8, 1);
  const noisy = (seed: number) => [...batches(set, { batchSize: 8, shuffle: false, seed, noise: { gaussian: 0.3, salt_and_pepper: 0.1, random_erasing: 1 } })][0];

  it('noise corrupts x only, the clean target is the plain image, and it repeats with the seed', () => {
    const plain = [...batches(set, { batchSize: 8, shuffle: false, seed: 5 })][0];
    const a = noisy(5);
    assert.deepEqual(a.clean, plain.x);
    assert.notDeepEqual(a.x, plain.x);
    assert.deepEqual(noisy(5).x, a.x);
    assert.notDeepEqual(noisy(6).x, a.x);
    assert.ok(a.x.every((v) => v >= 0 && v <= 1));
  });

  it('with a pipeline, noise goes after its transforms and before its trailing Normalize', () => {
    const transforms: TransformStep[] = [
      { type: 'RandomHorizontalFlip', args: { p: 1 } },
      { type: 'Normalize', args: { mean: [0.5], std: [0.25], inplace: false } },
    ];
    const options = { batchSize: 8, shuffle: false, seed: 5, transforms };
    const plain = [...batches(set, options)][0];
    const a = [...batches(set, { ...options, noise: { gaussian: 0.3 } })][0];
    assert.deepEqual(a.clean, plain.x);
    assert.notDeepEqual(a.x, plain.x);
    // Noise clipped to [0, 1] pixels, then normalised: (p − 0.5) / 0.25 lies in [−2, 2].
    assert.ok(a.x.every((v) => v >= -2 - 1e-6 && v <= 2 + 1e-6));
    assert.ok(a.x.some((v) => v < -1.99) && a.x.some((v) => v > 1.99));
    // The flip came before the noise: the clean target is the mirrored image.
    assert.ok(Math.abs((a.clean?.[0] ?? NaN) - (set.images[7] / 255 - 0.5) / 0.25) < 1e-6);
  });

  it('the reconstruction target is the clean batch', () => {
    const task = createTask('reconstruction', { loss: 'mse', classes: ['a', 'b', 'c', 'd'] });
    const batch = noisy(5);
    const clean = tf.tidy(() => Array.from(task.tensors(tf, batch, set).target.dataSync()));
    assert.deepEqual(clean, Array.from(batch.clean ?? []));
  });

  it('errors are in [0, 1] pixel units whatever the normalisation', () => {
    const normalize = { mean: [0.5], std: [0.25] };
    const one = { ...set, count: 1 };
    const pixels = Array.from(one.images.slice(0, 64), (v) => v / 255);
    // An output 0.1 above every pixel, in normalised units: (x + 0.1 − 0.5) / 0.25.
    const outputs = pixels.map((p) => (p + 0.1 - 0.5) / 0.25);
    const [e] = imageErrors(one, 0, 1, outputs, outputToPixel('mse', normalize));
    assert.ok(Math.abs(e - 0.01) < 1e-9, String(e));
    const logits = pixels.map((p) => Math.log((p + 1e-9) / (1 - p + 1e-9)));
    assert.ok(imageErrors(one, 0, 1, logits, outputToPixel('bce_with_logits', undefined))[0] < 1e-12);
  });
});

describe('reconstruction training', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cnnlab-recon-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lowers the loss on shapes and records errors, per-class means and the anomaly ROC', async () => {
    const modelText = `name: ae
task: reconstruction
input: [1, 16, 16]
layers:
  - Conv2d(1, 8, 3, stride=2, padding=1)
  - ReLU()
  - ConvTranspose2d(8, 1, 2, stride=2)
  - Sigmoid()
data: { dataset: shapes, train_samples: 400, test_samples: 100, include_classes: [circle, square] }
train: { epochs: 3, batch_size: 32, lr: 0.01, seed: 3 }
`;
    const { runDir, summary } = await runTraining({ modelText, outDir: dir, backend: 'cpu' });
    assert.equal(summary.status, 'done');
    assert.equal(summary.task, 'reconstruction');
    const epochs = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((m) => m.kind === 'epoch');
    assert.ok(epochs[2].loss < epochs[0].loss * 0.9, `loss ${epochs[0].loss} → ${epochs[2].loss}`);
    assert.equal(epochs[0].accuracy, null);
    const test = summary.test;
    assert.ok(test?.reconstruction && test.accuracy === null);
    const saved = JSON.parse(readFileSync(join(runDir, RECONSTRUCTIONS_FILE), 'utf8')) as ReconstructionsIndex;
    assert.equal(saved.errors.length, 100);
    assert.ok(Math.abs(saved.errors.reduce((a, b) => a + b, 0) / 100 - test.reconstruction.mse) < 1e-5);
    // The train and validation sets held circles and squares only (labels 0 and 1); the test set all five classes.
    assert.deepEqual(test.reconstruction.anomaly?.includedClasses, [0, 1]);
    assert.ok(new Set(saved.labels).size === 5);
    const auroc = rocAnalysis(saved.errors, saved.labels.map((l) => l > 1))?.auroc ?? NaN;
    assert.ok(Math.abs(auroc - (test.reconstruction.anomaly?.auroc ?? NaN)) < 1e-3);
    assert.equal(summary.trainSamples + summary.validationSamples < 400 * 0.6, true, 'only two of five classes trained');
  });
});
