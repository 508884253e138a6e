/**
 * The FCOS head's coding end to end and its loss: targets assigned from real shapes scenes, turned into a perfect
 * head output, decode back to the scenes' boxes (AP 1); the loss parts equal torchvision's sigmoid_focal_loss,
 * generalized_box_iou_loss and PyTorch's binary_cross_entropy_with_logits on the same numbers.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { evaluateDetections } from '../../src/model/detection/averagePrecision';
import type { Box } from '../../src/model/detection/boxes';
import { assignFcosTargets, type FcosGrid } from '../../src/model/detection/fcosCoding';
import { decodeFcosOutput, fcosChannels } from '../../src/model/detection/fcosDecode';
import { batches } from '../../src/trainer/datasets/batches';
import { objectsOf } from '../../src/trainer/datasets/objectBoxes';
import { generateShapeScenes } from '../../src/trainer/datasets/shapeScenes';
import type { TF } from '../../src/trainer/engine/tf';
import { DetectionPass } from '../../src/trainer/tasks/detectionEvaluation';
import { fcosLoss, fcosTargetChannels, packFcosTargets } from '../../src/trainer/tasks/detectionLosses';
import { python, pythonHas } from '../fixtures/python';
import { perfectOutput } from './detection-fixtures';
import { cpuTf } from './engine-fixtures';

let tf: TF;
before(async () => {
  tf = await cpuTf();
});

const CLASSES = 5;

describe('FCOS coding round trip on shapes scenes', () => {
  it('a head output made from the assigned targets decodes to every scene box, AP 1', () => {
    const set = generateShapeScenes(30, 64, 64, 1, 4);
    const grid: FcosGrid = { height: 8, width: 8, stride: 8 };
    const images = [];
    let objects = 0;
    for (let i = 0; i < set.count; i++) {
      const truth = objectsOf(set.objects!, i);
      objects += truth.length;
      const t = assignFcosTargets(truth.map((o) => o.box), truth.map((o) => o.cls), grid);
      assert.ok(new Set(Array.from(t.boxIndex).filter((b) => b >= 0)).size === truth.length, `image ${i}: every object has a positive location`);
      const output = perfectOutput(truth, grid, CLASSES);
      const detections = decodeFcosOutput(output, 0, grid, CLASSES, { width: 64, height: 64 }, { scoreThreshold: 0.3 });
      assert.equal(detections.length, truth.length, `image ${i}: one detection per object after NMS`);
      for (const o of truth) {
        const found = detections.find((d) => d.cls === o.cls && d.box.every((v, k) => Math.abs(v - o.box[k]) < 1e-9));
        assert.ok(found, `image ${i}: ${o.cls} ${o.box} decoded`);
      }
      images.push({ truth, detections });
    }
    const m = evaluateDetections(images, CLASSES);
    assert.ok(Math.abs((m.map ?? 0) - 1) < 1e-9, `mAP ${m.map}`);
    assert.ok(objects >= 60);
  });

  it('decoding reads negative distances as 0 and clips boxes to the image', () => {
    const channels = fcosChannels(1);
    const output = new Float64Array(channels);
    output.set([5, -3, 1, 9, 2, 5]);
    const [d] = decodeFcosOutput(output, 0, { height: 1, width: 1, stride: 8 }, 1, { width: 8, height: 8 });
    // Location centre (4, 4): l 0 → x1 4, t 8 px → y1 −4 → 0, r 72 px → 8, b 16 px → 8.
    assert.deepEqual(d.box, [4, 0, 8, 8]);
    assert.ok(Math.abs(d.score - 1 / (1 + Math.exp(-5))) < 1e-12);
  });
});

describe('FCOS loss', () => {
  const grid: FcosGrid = { height: 4, width: 4, stride: 8 };
  const boxes: { boxes: Box[]; classes: number[] }[] = [
    { boxes: [[2, 3, 20, 25], [16, 12, 31, 30]], classes: [0, 2] },
    { boxes: [[0, 0, 32, 32]], classes: [1] },
    { boxes: [], classes: [] },
  ];
  const k = 3;
  const n = boxes.length;
  const target = packFcosTargets(boxes, grid, k);
  const output = Array.from({ length: n * 16 * (k + 5) }, (_, i) => Math.sin(1.3 * i + 0.2) * 2);

  const ours = () => tf.tidy(() => {
    const parts = fcosLoss(tf, tf.tensor4d(output, [n, 4, 4, k + 5]), tf.tensor4d(target, [n, 4, 4, fcosTargetChannels(k)]));
    return { classes: parts.classes.dataSync()[0], boxes: parts.boxes.dataSync()[0], centerness: parts.centerness.dataSync()[0], total: parts.total.dataSync()[0] };
  });

  it('packs one-hot classes, distances, centre-ness and the positive flag', () => {
    const positives = Array.from({ length: n * 16 }, (_, p) => target[p * (k + 6) + k + 5]).reduce((a, b) => a + b, 0);
    assert.ok(positives >= 4, `${positives} positives`);
    assert.equal(Array.from(target.subarray(2 * 16 * (k + 6))).some((v) => v !== 0), false, 'the empty image is all background');
  });

  it('a batch without objects has a finite loss (the focal part only)', () => {
    const parts = tf.tidy(() => {
      const p = fcosLoss(tf, tf.tensor4d(output.slice(0, 16 * (k + 5)), [1, 4, 4, k + 5]), tf.zeros([1, 4, 4, k + 6]));
      return [p.classes, p.boxes, p.centerness, p.total].map((s) => s.dataSync()[0]);
    });
    assert.ok(parts.every(Number.isFinite));
    assert.deepEqual(parts.slice(1, 3), [0, 0]);
  });

  it('equals torchvision’s sigmoid_focal_loss, generalized_box_iou_loss and BCE with logits', { skip: !pythonHas('torchvision') && 'needs /usr/bin/python3 with torchvision' }, () => {
    const script = `
import json, torch, torch.nn.functional as F
from torchvision.ops import sigmoid_focal_loss, generalized_box_iou_loss
k = ${k}
out = torch.tensor(${JSON.stringify(output)}, dtype=torch.float64).reshape(-1, k + 5)
tgt = torch.tensor(${JSON.stringify(Array.from(target))}, dtype=torch.float64).reshape(-1, k + 6)
pos = tgt[:, k + 5] > 0
count = max(int(pos.sum()), 1)
cls = sigmoid_focal_loss(out[:, :k], tgt[:, :k], alpha=0.25, gamma=2, reduction='sum') / count
d = F.relu(out[pos, k:k + 4]); g = tgt[pos, k:k + 4]
to_box = lambda v: torch.stack([-v[:, 0], -v[:, 1], v[:, 2], v[:, 3]], 1)
box = generalized_box_iou_loss(to_box(d), to_box(g), reduction='sum') / count
ctr = F.binary_cross_entropy_with_logits(out[pos, k + 4], tgt[pos, k + 4], reduction='sum') / count
print(json.dumps({'classes': cls.item(), 'boxes': box.item(), 'centerness': ctr.item(), 'total': (cls + box + ctr).item()}))
`;
    const ref = JSON.parse(execFileSync(python, ['-c', script], { encoding: 'utf8' })) as Record<string, number>;
    const got = ours();
    for (const key of ['classes', 'boxes', 'centerness', 'total'] as const) {
      assert.ok(Math.abs(got[key] - ref[key]) < 1e-4 * Math.max(1, Math.abs(ref[key])), `${key}: ${got[key]} vs ${ref[key]}`);
    }
    assert.ok(ref.boxes > 0.1 && ref.classes > 0.1, 'the case is not trivial');
  });

  it('its gradient moves a prediction toward its target', () => {
    const x = tf.variable(tf.tensor4d(output, [n, 4, 4, k + 5]));
    const t = tf.tensor4d(target, [n, 4, 4, fcosTargetChannels(k)]);
    const loss = () => fcosLoss(tf, x, t).total;
    const before = loss().dataSync()[0];
    const opt = tf.train.adam(0.1);
    for (let s = 0; s < 60; s++) opt.minimize(loss);
    const after = loss().dataSync()[0];
    assert.ok(after < before * 0.5, `${before} → ${after}`);
  });
});

describe('a detection evaluation pass', () => {
  it('decodes each batch, scores the pass with COCO metrics and finds the images with errors', () => {
    const set = generateShapeScenes(12, 64, 64, 1, 8);
    const grid: FcosGrid = { height: 8, width: 8, stride: 8 };
    const pass = new DetectionPass({ grid, classes: CLASSES });
    let start = 0;
    for (const batch of batches(set, { batchSize: 5, shuffle: false, seed: 1 })) {
      const outputs = new Float64Array(batch.size * 64 * fcosChannels(CLASSES));
      for (let i = 0; i < batch.size; i++) {
        // Scene 7 is predicted as empty: its objects are all missed.
        if (start + i === 7) {
          for (let p = 0; p < 64; p++) outputs.fill(-12, (i * 64 + p) * fcosChannels(CLASSES), (i * 64 + p + 1) * fcosChannels(CLASSES));
          continue;
        }
        outputs.set(perfectOutput(objectsOf(batch.objects!, i), grid, CLASSES), i * 64 * fcosChannels(CLASSES));
      }
      pass.add(batch, start, outputs);
      start += batch.size;
    }
    const m = pass.metrics();
    const missedObjects = objectsOf(set.objects!, 7).length;
    const total = set.objects!.classes.length;
    assert.ok(m.map50 !== null && m.map50 < 1 && m.map50 > 0.6, `mAP@0.5 ${m.map50}`);
    assert.equal(m.perClass.reduce((s, c) => s + c.truths, 0), total);
    assert.deepEqual(pass.worst(5), [7]);
    assert.equal(pass.errors()[7].missed.length, missedObjects);
  });

  it('refuses outputs of the wrong size, naming the head’s', () => {
    const set = generateShapeScenes(2, 32, 32, 1, 1);
    const pass = new DetectionPass({ grid: { height: 4, width: 4, stride: 8 }, classes: CLASSES });
    const [batch] = [...batches(set, { batchSize: 2, shuffle: false, seed: 1 })];
    assert.throws(() => pass.add(batch, 0, new Float32Array(2 * 16 * 4)), /gave 64 values per image, the head needs 160 \(4×4×10\)/);
  });
});
