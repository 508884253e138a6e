/**
 * What a detection run gives the panels: the strip of validation images with true and predicted boxes, and the
 * protocol's checks of it and of the detection figures.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateDetections } from '../../src/model/detection/averagePrecision';
import type { FcosGrid } from '../../src/model/detection/fcosCoding';
import { fcosChannels } from '../../src/model/detection/fcosDecode';
import { monitoredValue } from '../../src/protocol/monitoredMetric';
import type { EpochMetrics, TestMetrics } from '../../src/protocol/runTypes';
import { isSampleStrip, type SampleStrip } from '../../src/protocol/sampleStrip';
import { formatTestResult } from '../../src/protocol/testResult';
import { isDetectionMetrics, isMetricRecord, isRunSummary } from '../../src/protocol/webview-training';
import { batches } from '../../src/trainer/datasets/batches';
import { objectsOf } from '../../src/trainer/datasets/objectBoxes';
import { generateShapeScenes } from '../../src/trainer/datasets/shapeScenes';
import type { ImageSet } from '../../src/trainer/datasets/types';
import { SHOWN_SCORE } from '../../src/model/detection/postprocess';
import { DetectionPass } from '../../src/trainer/tasks/detectionEvaluation';
import { DetectionStrip, STRIP_DETECTIONS } from '../../src/trainer/tasks/detectionStrip';
import { perfectOutput } from './detection-fixtures';

const CLASSES = ['circle', 'square', 'triangle', 'cross', 'ring'];
const K = CLASSES.length;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** Head outputs of a perfect model for images start … start + n − 1, except `missed` images, predicted empty. */
function outputsFor(set: ImageSet, start: number, n: number, grid: FcosGrid, missed: ReadonlySet<number>): Float64Array {
  const per = grid.height * grid.width * fcosChannels(K);
  const outputs = new Float64Array(n * per).fill(-12);
  for (let i = 0; i < n; i++) if (!missed.has(start + i)) outputs.set(perfectOutput(objectsOf(set.objects!, start + i), grid, K), i * per);
  return outputs;
}

/** A validation pass of a perfect model (but for `missed`) with its strip. */
function stripOf(set: ImageSet, grid: FcosGrid, missed: ReadonlySet<number> = new Set()): { strip: SampleStrip | null; pass: DetectionPass } {
  const pass = new DetectionPass({ grid, classes: K });
  const strip = new DetectionStrip(CLASSES, (v) => v / 255);
  let start = 0;
  for (const batch of batches(set, { batchSize: 5, shuffle: false, seed: 1 })) {
    strip.add(batch, start, pass.add(batch, start, outputsFor(set, start, batch.size, grid, missed)));
    start += batch.size;
  }
  return { strip: strip.samples(3), pass };
}

describe('the detection strip of validation images', () => {
  it('holds the first 8 images with their true boxes and the detections, best score first', () => {
    const set = generateShapeScenes(12, 64, 64, 1, 3);
    const { strip } = stripOf(set, { height: 8, width: 8, stride: 8 }, new Set([2]));
    assert.ok(strip && isSampleStrip(strip));
    assert.equal(strip.epoch, 3);
    assert.deepEqual(strip.classes, CLASSES);
    assert.equal(strip.shownScore, SHOWN_SCORE);
    assert.deepEqual(strip.rows.map((r) => r.index), [0, 1, 2, 3, 4, 5, 6, 7]);
    for (const row of strip.rows) {
      const truth = objectsOf(set.objects!, row.index);
      assert.deepEqual(row.boxes?.truth, truth.map((o) => ({ cls: o.cls, x1: o.box[0], y1: o.box[1], x2: o.box[2], y2: o.box[3] })));
      const predicted = row.boxes?.predicted ?? [];
      if (row.index === 2) assert.deepEqual(predicted, [], 'an image predicted empty has no detections');
      else {
        assert.equal(predicted.length, truth.length);
        assert.ok(predicted.every((p, i) => i === 0 || predicted[i - 1].score >= p.score));
        for (const t of row.boxes!.truth) assert.ok(predicted.some((p) => p.cls === t.cls && Math.abs(p.x1 - t.x1) + Math.abs(p.y2 - t.y2) < 1e-6));
      }
    }
  });

  it('keeps the best STRIP_DETECTIONS detections of an image (an untrained head keeps 100)', () => {
    const set = generateShapeScenes(1, 64, 64, 1, 8);
    const grid = { height: 8, width: 8, stride: 8 };
    const [batch] = [...batches(set, { batchSize: 1, shuffle: false, seed: 1 })];
    const pass = new DetectionPass({ grid, classes: K });
    const strip = new DetectionStrip(CLASSES, (v) => v / 255);
    // Every logit 0: score √(½·½) = 0.5 for every location and class, zero-size boxes that NMS never merges.
    const images = pass.add(batch, 0, new Float64Array(64 * fcosChannels(K)));
    assert.equal(images[0].detections.length, 100);
    strip.add(batch, 0, images);
    assert.equal(strip.samples(1)?.rows[0].boxes?.predicted.length, STRIP_DETECTIONS);
  });

  it('scales boxes with images larger than the strip (128 px → 96 px)', () => {
    const set = generateShapeScenes(3, 128, 128, 3, 5);
    const { strip } = stripOf(set, { height: 16, width: 16, stride: 8 });
    assert.ok(strip && isSampleStrip(strip));
    assert.equal(strip.width, 96);
    const truth = objectsOf(set.objects!, 1);
    assert.deepEqual(strip.rows[1].boxes?.truth.map((b) => [b.x1, b.y1, b.x2, b.y2]), truth.map((o) => o.box.map((v) => v * 0.75)));
  });

  it('the protocol refuses boxes of unknown classes, predictions without a score, and boxes without classes', () => {
    const set = generateShapeScenes(2, 32, 32, 1, 1);
    const { strip } = stripOf(set, { height: 4, width: 4, stride: 8 });
    assert.ok(strip && isSampleStrip(strip));
    const row = strip.rows[0];
    const withRow = (boxes: unknown, extra: object = {}) => ({ ...strip, ...extra, rows: [{ ...row, boxes }] });
    assert.equal(isSampleStrip(withRow({ truth: [{ cls: 5, x1: 0, y1: 0, x2: 1, y2: 1 }], predicted: [] })), false);
    assert.equal(isSampleStrip(withRow({ truth: [], predicted: [{ cls: 0, x1: 0, y1: 0, x2: 1, y2: 1 }] })), false);
    assert.equal(isSampleStrip(withRow({ truth: [], predicted: [{ cls: 0, x1: 0, y1: 0, x2: 1, y2: NaN, score: 0.5 }] })), false);
    assert.equal(isSampleStrip(withRow(row.boxes, { classes: undefined })), false);
    assert.equal(isSampleStrip(withRow(row.boxes, { shownScore: 2 })), false);
    assert.equal(isSampleStrip(withRow({ truth: [], predicted: [{ cls: 1, x1: 0, y1: 0, x2: 1, y2: 1, score: 0.5 }] })), true);
  });
});

describe('detection figures in the protocol', () => {
  const metrics = evaluateDetections([{ truth: [{ cls: 0, box: [0, 0, 10, 10] }], detections: [{ cls: 0, score: 0.9, box: [0, 0, 10, 10] }, { cls: 1, score: 0.4, box: [5, 5, 9, 9] }] }], 2);
  const test: TestMetrics = { loss: 0.5, accuracy: null, perClassAccuracy: [], confusion: [], samples: 1, detection: metrics };

  it('accepts evaluateDetections’s output and refuses a PR curve of mismatched lengths', () => {
    assert.ok(isDetectionMetrics(metrics));
    const broken = { ...metrics, perClass: [{ ...metrics.perClass[0], pr50: { recall: [0, 1], precision: [1] } }] };
    assert.equal(isDetectionMetrics(broken), false);
    const summary = { model: 'd', status: 'done', epochs: 1, epochsCompleted: 1, classes: ['a', 'b'], test };
    assert.ok(isRunSummary(summary));
    assert.equal(isRunSummary({ ...summary, test: { ...test, detection: broken } }), false);
  });

  it('epoch records carry mAP@0.5 and mAP, which train.best can pick (higher is better)', () => {
    const epoch: EpochMetrics = { kind: 'epoch', epoch: 2, loss: 1, accuracy: null, valLoss: 1.1, valAccuracy: null, valMap50: 0.8, valMap: 0.5, lr: 0.001, seconds: 3, samplesPerSecond: 10, best: true, time: '' };
    assert.ok(isMetricRecord(epoch));
    assert.equal(isMetricRecord({ ...epoch, valMap50: 'high' }), false);
    assert.equal(monitoredValue(epoch, 'val_map50'), -0.8);
    assert.equal(monitoredValue(epoch, 'val_map'), -0.5);
    assert.equal(monitoredValue({ ...epoch, valMap: null }, 'val_map'), Infinity);
  });

  it('says a test pass in words with its mAPs', () => {
    assert.equal(formatTestResult(test, pct), 'test mAP@0.5 1.000, mAP@[.5:.95] 1.000, test loss 0.5000');
    assert.equal(formatTestResult(test, pct, true), 'test mAP@0.5 1.000, mAP@[.5:.95] 1.000');
  });
});
