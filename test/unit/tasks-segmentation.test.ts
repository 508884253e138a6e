/**
 * task: segmentation: core diagnostics (output [classes, H, W], classes with background, class_weights, losses),
 * pixel metrics against hand-computed matrices, the losses against PyTorch 1.13 (cross-entropy with class weights
 * and an ignore index, soft Dice written in torch), the shapes scenes (deterministic by seed, classification images
 * unchanged), the strip's masks, and a short training on shapes that raises the mIoU and writes the worst images.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyzeModel } from '../../src/model';
import { isSampleStrip, type SegmentationWorst } from '../../src/protocol/sampleStrip';
import { generateShapeScenes } from '../../src/trainer/datasets/shapeScenes';
import { generateShapes } from '../../src/trainer/datasets/shapes';
import type { Batch } from '../../src/trainer/datasets/types';
import type { TF } from '../../src/trainer/engine/tf';
import { runTraining } from '../../src/trainer/engine/session';
import { readSegmentationWorst } from '../../src/trainer/runs/reader';
import { createTask } from '../../src/trainer/tasks/registry';
import { segmentationLoss } from '../../src/trainer/tasks/segmentationLosses';
import { PixelConfusion, segmentationMetrics } from '../../src/trainer/tasks/segmentationMetrics';
import { SEGMENTATION_WORST_FILE } from '../../src/trainer/tasks/segmentationWorst';
import { python, pythonHas } from '../fixtures/python';
import { cpuTf } from './engine-fixtures';

let tf: TF;
before(async () => {
  tf = await cpuTf();
});

const SEG = (last: string, train = '{ epochs: 1 }', extra = '') => `task: segmentation
input: [1, 16, 16]
${extra}layers:
  - Conv2d(1, 8, 3, padding=1)
  - ReLU()
${last}
data: { dataset: shapes }
train: ${train}
`;
const diag = (text: string) => analyzeModel(text).diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.severity} ${d.code}`);

describe('segmentation in the model file', () => {
  it('shapes has background + 5 classes; a matching model has no problems and defaults to per-pixel cross_entropy', () => {
    const a = analyzeModel(SEG('  - Conv2d(8, 6, 1)'));
    assert.deepEqual(a.classes, ['background', 'circle', 'square', 'triangle', 'cross', 'ring']);
    assert.deepEqual(diag(SEG('  - Conv2d(8, 6, 1)')), []);
    assert.equal(a.train.loss, 'cross_entropy');
    assert.equal(a.train.ignore_index, 255);
  });

  it('an output that is not [classes, H, W] at the input size is an error naming both', () => {
    const text = SEG('  - MaxPool2d(2)\n  - Conv2d(8, 6, 1)');
    const d = analyzeModel(text).diagnostics.find((x) => x.code === 'output-not-mask');
    assert.ok(d && d.severity === 'error');
    assert.match(d.message, /outputs \[6, 8, 8\].*needs \[classes, 16, 16\]/);
    assert.equal(d.range.start.line, 6, 'points at the last layer');
    assert.ok(diag(SEG('  - Flatten()\n  - Linear(2048, 6)')).includes('error output-not-mask'));
  });

  it('a wrong number of score maps is a warning with a fix to out_channels', () => {
    const d = analyzeModel(SEG('  - Conv2d(8, 5, 1)')).diagnostics.find((x) => x.code === 'classes-mismatch');
    assert.ok(d && d.severity === 'warning');
    assert.match(d.message, /5 score maps but shapes has 6 classes \(background, circle/);
    assert.equal(d.fixes?.[0].newText, '6');
  });

  it('losses, class_weights and ignore_index are checked', () => {
    assert.deepEqual(diag(SEG('  - Conv2d(8, 6, 1)', '{ loss: mse }')), ['error loss-not-for-task']);
    assert.deepEqual(diag(SEG('  - Conv2d(8, 6, 1)', '{ loss: dice }')), []);
    assert.deepEqual(diag(SEG('  - Conv2d(8, 6, 1)', '{ loss: cross_entropy_dice, class_weights: [0.5, 1, 1, 1, 1, 1], ignore_index: 0 }')), []);
    assert.deepEqual(diag(SEG('  - Conv2d(8, 6, 1)', '{ class_weights: [1, 2] }')), ['error class-weights']);
    assert.deepEqual(diag(SEG('  - Conv2d(8, 6, 1)', '{ loss: dice, class_weights: [1, 1, 1, 1, 1, 1] }')), ['warning unused-setting']);
    assert.deepEqual(diag(SEG('  - Conv2d(8, 6, 1)', '{ ignore_index: 256 }')), ['error bad-value']);
    assert.deepEqual(diag(SEG('  - Conv2d(8, 6, 1)\n  - Softmax(dim=1)', '{ loss: dice }')), ['warning double-softmax']);
    const classification = 'input: [1, 16, 16]\nlayers:\n  - Flatten()\n  - Linear(256, 5)\ntrain: { ignore_index: 0 }\n';
    assert.deepEqual(diag(classification), ['warning unused-setting']);
  });

  it('named classes: the output must have one map per listed class', () => {
    assert.deepEqual(diag(SEG('  - Conv2d(8, 3, 1)', '{ epochs: 1 }', 'classes: [background, cat, dog]\n')), []);
    assert.deepEqual(diag(SEG('  - Conv2d(8, 4, 1)', '{ epochs: 1 }', 'classes: [background, cat, dog]\n')), ['warning classes-mismatch']);
  });
});

describe('pixel metrics', () => {
  it('match a hand-computed 3-class case, ignored pixels left out', () => {
    // 2 images of 2×2 pixels, K = 3; scores one-hot on the predicted class.
    const truth = [0, 0, 1, 2, /* image 2 */ 1, 1, 255, 2];
    const predicted = [0, 1, 1, 2, /* image 2 */ 1, 0, 2, 0];
    const outputs = predicted.flatMap((c) => [0, 1, 2].map((k) => (k === c ? 5 : -1)));
    const confusion = new PixelConfusion(3);
    confusion.add(truth, 0, outputs, 0, 8);
    // confusion[t][p]: t0: p0 1, p1 1 | t1: p0 1, p1 2 | t2: p0 1, p2 1; the 255 pixel ignored.
    assert.deepEqual(confusion.rows(), [[1, 1, 0], [1, 2, 0], [1, 0, 1]]);
    const m = segmentationMetrics(confusion, 255);
    assert.equal(m.ignoredPixels, 1);
    assert.equal(m.pixels, 7);
    assert.equal(m.pixelAccuracy, 4 / 7);
    // IoU: class 0: 1 / (2 + 3 − 1) = 1/4; class 1: 2 / (3 + 3 − 2) = 1/2; class 2: 1 / (2 + 1 − 1) = 1/2.
    assert.deepEqual(m.perClassIou, [1 / 4, 1 / 2, 1 / 2]);
    assert.ok(Math.abs(m.meanIou - 5 / 12) < 1e-12);
    // Dice: 2·1/(2+3) = 0.4; 2·2/(3+3) = 2/3; 2·1/(2+1) = 2/3.
    assert.deepEqual(m.perClassDice, [0.4, 2 / 3, 2 / 3]);
  });

  it('a class absent from truth and prediction is null and left out of the means', () => {
    const confusion = new PixelConfusion(3);
    confusion.add([0, 1], 0, [9, 0, 0, 0, 9, 0], 0, 2);
    const m = segmentationMetrics(confusion, 255);
    assert.deepEqual(m.perClassIou, [1, 1, null]);
    assert.equal(m.meanIou, 1);
  });
});

const hasTorch = pythonHas('torch');

describe('segmentation losses match PyTorch', { skip: !hasTorch && 'needs /usr/bin/python3 with torch' }, () => {
  // N=2, H=2, W=3, K=3, logits NCHW in torch; CNN Lab runs NHWC.
  const [n, h, w, k] = [2, 2, 3, 3];
  const nchw = Array.from({ length: n * k * h * w }, (_, i) => Math.sin(1.7 * i + 0.3) * 2);
  const target = [0, 1, 2, 255, 1, 1, /* image 2 */ 2, 2, 0, 1, 255, 0];
  const weights = [0.2, 1.5, 0.7];
  const torchScript = `
import json, sys, torch
import torch.nn.functional as F
n, k, h, w = ${n}, ${k}, ${h}, ${w}
x = torch.tensor(${JSON.stringify(nchw)}, dtype=torch.float64).reshape(n, k, h, w)
t = torch.tensor(${JSON.stringify(target)}).reshape(n, h, w)
wt = torch.tensor(${JSON.stringify(weights)}, dtype=torch.float64)
def dice(x, t, ignore=255, smooth=1.0):
    valid = (t != ignore)
    safe = torch.where(valid, t, torch.zeros_like(t))
    p = F.softmax(x, 1) * valid.unsqueeze(1)
    g = F.one_hot(safe, k).permute(0, 3, 1, 2).double() * valid.unsqueeze(1)
    inter = (p * g).sum((0, 2, 3))
    total = p.sum((0, 2, 3)) + g.sum((0, 2, 3))
    return 1 - ((2 * inter + smooth) / (total + smooth)).mean()
ce = F.cross_entropy(x, t, ignore_index=255)
cew = F.cross_entropy(x, t, weight=wt, ignore_index=255)
print(json.dumps({'ce': ce.item(), 'ce_weighted': cew.item(), 'dice': dice(x, t).item(), 'sum': (ce + dice(x, t)).item()}))
`;
  const expected = hasTorch ? (JSON.parse(execFileSync(python, ['-c', torchScript], { encoding: 'utf8' })) as Record<string, number>) : {};
  const ours = (name: 'cross_entropy' | 'dice' | 'cross_entropy_dice', classWeights?: number[]) =>
    tf.tidy(() => {
      const logits = tf.transpose(tf.tensor4d(nchw, [n, k, h, w]), [0, 2, 3, 1]);
      return segmentationLoss(tf, name, logits, tf.tensor3d(target, [n, h, w], 'int32'), { classWeights, ignoreIndex: 255 }).dataSync()[0];
    });

  it('cross_entropy with ignore_index 255', () => assert.ok(Math.abs(ours('cross_entropy') - expected.ce) < 1e-5, `${ours('cross_entropy')} vs ${expected.ce}`));
  it('cross_entropy with class weights (weighted mean)', () => assert.ok(Math.abs(ours('cross_entropy', weights) - expected.ce_weighted) < 1e-5));
  it('dice (soft, smoothing 1, mean over classes)', () => assert.ok(Math.abs(ours('dice') - expected.dice) < 1e-5, `${ours('dice')} vs ${expected.dice}`));
  it('cross_entropy_dice is their sum', () => assert.ok(Math.abs(ours('cross_entropy_dice') - expected.sum) < 1e-5));
});

const digest = (...arrays: Uint8Array[]) => {
  const hash = createHash('sha256');
  for (const a of arrays) hash.update(a);
  return hash.digest('hex').slice(0, 16);
};

describe('shapes for segmentation', () => {
  it('the classification images, labels, masks and boxes of existing seeds are unchanged', () => {
    // Digests of the generator before segmentation scenes existed (commit 0583b40).
    const a = generateShapes(50, 32, 32, 1, 7);
    assert.equal(digest(a.images, a.labels, a.masks as Uint8Array, new Uint8Array((a.boxes as Float32Array).buffer)), 'c404bb159c686abf');
    const b = generateShapes(40, 24, 20, 3, 11);
    assert.equal(digest(b.images, b.labels, b.masks as Uint8Array, new Uint8Array((b.boxes as Float32Array).buffer)), '8ad35f3e1636bb3e');
  });

  it('scenes are deterministic by seed, hold several shapes, and their labels are the largest shape', () => {
    const a = generateShapeScenes(30, 32, 32, 1, 5);
    const b = generateShapeScenes(30, 32, 32, 1, 5);
    assert.equal(digest(a.images, a.masks as Uint8Array, a.labels), digest(b.images, b.masks as Uint8Array, b.labels));
    assert.notEqual(digest(generateShapeScenes(30, 32, 32, 1, 6).images), digest(a.images));
    const masks = a.masks as Uint8Array;
    let multi = 0;
    for (let i = 0; i < a.count; i++) {
      const counts = new Array<number>(6).fill(0);
      for (const v of masks.subarray(i * 1024, (i + 1) * 1024)) counts[v] += 1;
      assert.ok(counts[0] > 0, 'background is class 0');
      if (counts.slice(1).filter((c) => c > 0).length >= 2) multi += 1;
      const largest = counts.indexOf(Math.max(...counts.slice(1)), 1);
      assert.equal(a.labels[i], largest);
    }
    assert.ok(multi >= 15, `${multi} of 30 scenes show two classes or more`);
  });
});

describe('the segmentation task in the engine', () => {
  it('the validation strip carries the input and the true and predicted masks', () => {
    const task = createTask('segmentation', { loss: 'cross_entropy', classes: ['background', 'a', 'b'] });
    const set = generateShapeScenes(3, 8, 8, 1, 1);
    const evaluation = task.evaluation(set);
    const masks = Uint8Array.from(set.masks as Uint8Array, (v) => Math.min(v, 2));
    const batch: Batch = { x: new Float32Array(3 * 64), y: new Int32Array(3), size: 3, height: 8, width: 8, channels: 1, masks };
    const outputs = new Float32Array(3 * 64 * 3);
    for (let p = 0; p < 3 * 64; p++) outputs[p * 3 + masks[p]] = 1; // a perfect prediction
    evaluation.add(batch, 0, outputs, 0.5);
    const strip = evaluation.samples(1);
    assert.ok(isSampleStrip(strip), 'a valid strip');
    assert.deepEqual(strip?.maskColumns, ['truth', 'prediction']);
    assert.deepEqual(strip?.classes, ['background', 'a', 'b']);
    assert.equal(strip?.rows.length, 3);
    for (const row of strip?.rows ?? []) assert.equal(row.masks?.[0], row.masks?.[1], 'perfect: prediction = truth');
    const result = evaluation.result();
    assert.equal(result.accuracy, 1);
    assert.equal(result.segmentation?.meanIou, 1);
  });
});

describe('training a segmentation model', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cnnlab-seg-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('raises the mIoU on shapes scenes, records it per epoch and writes the worst images per class', async () => {
    const model = `name: tiny-seg
task: segmentation
input: [1, 24, 24]
layers:
  - Conv2d(1, 12, 3, padding=1)
  - BatchNorm2d(12)
  - ReLU()
  - d1 = Conv2d(12, 12, 3, padding=1)
  - MaxPool2d(2)
  - Conv2d(12, 16, 3, padding=1)
  - BatchNorm2d(16)
  - ReLU()
  - up = ConvTranspose2d(16, 12, 2, stride=2)
  - concat(up, d1)
  - Conv2d(24, 6, 1)
data: { dataset: shapes, train_samples: 600, test_samples: 60 }
train: { epochs: 3, batch_size: 16, lr: 0.01, seed: 3 }
`;
    const epochs: number[] = [];
    const { runDir, summary } = await runTraining({ modelText: model, outDir: dir, backend: 'wasm' }, {
      onEvent: (e) => {
        if (e.type === 'progress' && e.metrics.kind === 'epoch') epochs.push(e.metrics.valMeanIou ?? NaN);
      },
    });
    assert.equal(summary.status, 'done');
    assert.equal(epochs.length, 3);
    const seg = summary.test?.segmentation;
    assert.ok(seg, 'test metrics carry the segmentation figures');
    assert.equal(summary.test?.accuracy, seg.pixelAccuracy);
    assert.ok(epochs[2] > epochs[0], `val mIoU rises: ${epochs.map((x) => x.toFixed(3)).join(' → ')}`);
    // Predicting background everywhere scores 0.76 / 6 ≈ 0.13.
    assert.ok(seg.meanIou > 0.15, `test mIoU ${seg.meanIou}`);
    assert.equal(seg.perClassIou.length, 6);
    assert.equal(summary.test?.confusion.length, 6);
    const worstFile = join(runDir, SEGMENTATION_WORST_FILE);
    assert.ok(existsSync(worstFile));
    const worst = JSON.parse(readFileSync(worstFile, 'utf8')) as SegmentationWorst;
    assert.ok(isSampleStrip(worst.strip));
    assert.deepEqual(readSegmentationWorst(runDir), worst, 'the reader accepts it');
    assert.equal(worst.perClass.length, 6);
    const rows = new Set(worst.strip.rows.map((r) => r.index));
    for (const [c, list] of worst.perClass.entries()) {
      assert.ok(list.length <= 8);
      for (const index of list) assert.ok(rows.has(index), `class ${c}'s image ${index} has a row`);
      assert.deepEqual([...worst.perClassIou[c]].sort((a, b) => a - b), worst.perClassIou[c], 'worst first');
    }
  });
});
