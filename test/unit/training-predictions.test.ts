/**
 * Test predictions in a run folder: the recorder on a generated shapes test set, reading a confusion cell's
 * images back (pixels identical to the set's), the panel's cellSamples message, and damaged files.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { analyzeModel } from '../../src/model/analyze';
import { loadDataset } from '../../src/trainer/datasets';
import { runTraining } from '../../src/trainer/engine/session';
import { tinyShapesModel } from './engine-fixtures';
import { decodeBase64 } from '../../media/training/confusion';
import { parseToTrainingWebview } from '../../src/protocol/webview-training';
import { Random } from '../../src/trainer/datasets/random';
import { generateShapes, SHAPE_CLASSES } from '../../src/trainer/datasets/shapes';
import { PREDICTION_FILES, PredictionRecorder, readCellSamples, readPredictions, toProbabilities } from '../../src/trainer/runs/predictions';
import { cellSamplesMessage, hasPredictions } from '../../src/webviews/training/runView';

const k = SHAPE_CLASSES.length;
const set = generateShapes(90, 12, 12, 1, 5);
const size = 12 * 12;

/** Logits that favour the true class for 2 samples in 3, another class otherwise (seeded). */
function logits(seed: number): Float32Array {
  const rng = new Random(seed);
  const out = new Float32Array(set.count * k);
  for (let i = 0; i < set.count; i++) {
    const target = rng.next() < 2 / 3 ? set.labels[i] : rng.int(k);
    for (let c = 0; c < k; c++) out[i * k + c] = rng.next() + (c === target ? 3 : 0);
  }
  return out;
}

describe('test predictions', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'cnnlab-pred-'));
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('records every sample, keeps at most perCellLimit images per cell, and reads cells back', async () => {
    const outputs = logits(1);
    const recorder = new PredictionRecorder(SHAPE_CLASSES, 'cross_entropy', 3);
    for (let start = 0; start < set.count; start += 32) {
      const n = Math.min(32, set.count - start);
      recorder.addBatch(set, start, set.labels.subarray(start, start + n), outputs.subarray(start * k, (start + n) * k));
    }
    assert.equal(recorder.count, set.count);
    const dir = tempDir();
    recorder.write(dir);
    assert.ok(hasPredictions(dir));
    const index = await readPredictions(dir);
    assert.ok(index);
    // Confusion counts from the arg-max of the logits, computed independently here.
    const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let i = 0; i < set.count; i++) {
      const row = Array.from(outputs.subarray(i * k, (i + 1) * k));
      confusion[set.labels[i]][row.indexOf(Math.max(...row))] += 1;
    }
    for (let t = 0; t < k; t++) {
      for (let p = 0; p < k; p++) {
        const cell = await readCellSamples(dir, t, p);
        assert.ok(cell);
        assert.equal(cell.total, confusion[t][p]);
        assert.equal(cell.samples.length, Math.min(3, confusion[t][p]));
        for (const s of cell.samples) {
          assert.equal(set.labels[s.index], t);
          assert.deepEqual(s.pixels, set.images.subarray(s.index * size, (s.index + 1) * size));
          const probs = toProbabilities(Array.from(outputs.subarray(s.index * k, (s.index + 1) * k)), 'cross_entropy');
          assert.ok(Math.abs(s.confidence - probs[p]) < 1e-4);
          assert.equal(Math.max(...probs), probs[p]);
        }
      }
    }
  });

  it('turns a cell into a validated webview message with base64 pixels', async () => {
    const dir = tempDir();
    const recorder = new PredictionRecorder(SHAPE_CLASSES, 'cross_entropy');
    recorder.addBatch(set, 0, set.labels, logits(2));
    recorder.write(dir);
    const truth = set.labels[0];
    const index = await readPredictions(dir);
    const predicted = index?.predicted[0] ?? 0;
    const message = await cellSamplesMessage(dir, truth, predicted);
    assert.deepEqual(parseToTrainingWebview(message), message);
    assert.ok(message.samples.length > 0);
    const first = message.samples.find((s) => s.index === 0);
    assert.ok(first);
    assert.deepEqual(decodeBase64(first.pixels), set.images.subarray(0, size));
    assert.equal(first.width, 12);
  });

  it('says so when a run has no predictions, and survives a truncated or corrupt file', async () => {
    const none = await cellSamplesMessage(tempDir(), 0, 0);
    assert.equal(none.samples.length, 0);
    assert.match(none.message ?? '', /no stored test predictions/);

    const dir = tempDir();
    const recorder = new PredictionRecorder(SHAPE_CLASSES, 'nll', 2);
    const logProbs = Float32Array.from(logits(3), (v) => Math.log(Math.max(v, 1e-3) / 10));
    recorder.addBatch(set, 0, set.labels, logProbs);
    recorder.write(dir);
    truncateSync(join(dir, PREDICTION_FILES.images), size + 5);
    let whole = 0;
    for (let t = 0; t < k; t++) for (let p = 0; p < k; p++) whole += (await readCellSamples(dir, t, p))?.samples.length ?? 0;
    assert.equal(whole, 1, 'only the first stored image is whole');

    writeFileSync(join(dir, PREDICTION_FILES.index), '{"version": 1, "truth": [');
    assert.equal(await readPredictions(dir), null);
    assert.equal(await readCellSamples(dir, 0, 0), null);
  });

  it('a real run writes the predictions of its test pass: cell totals equal its confusion matrix', async () => {
    const model = tinyShapesModel('pred-test', 120, 50, 2);
    const result = await runTraining({ modelText: model, outDir: tempDir(), backend: 'wasm' });
    const test = result.summary.test;
    assert.ok(test);
    const index = await readPredictions(result.runDir);
    assert.ok(index, 'runTraining wrote predictions.json');
    assert.equal(index.truth.length, test.samples);
    assert.deepEqual(index.classes, [...SHAPE_CLASSES]);
    // The dataset regenerated from the seed: stored pixels are the test images at their indices.
    const analysis = analyzeModel(model);
    const dataset = await loadDataset({ input: analysis.input as [number, number, number], data: analysis.data, seed: analysis.train.seed });
    const pixels = 16 * 16;
    for (let t = 0; t < k; t++) {
      for (let p = 0; p < k; p++) {
        const cell = await readCellSamples(result.runDir, t, p);
        assert.equal(cell?.total, test.confusion[t][p], `cell ${t},${p}`);
        for (const s of cell?.samples ?? []) {
          assert.equal(dataset.test.labels[s.index], t);
          assert.deepEqual(s.pixels, dataset.test.images.subarray(s.index * pixels, (s.index + 1) * pixels));
        }
      }
    }
  });

  it('converts outputs to probabilities by loss', () => {
    const soft = toProbabilities([1, 2, 3], 'cross_entropy');
    assert.ok(Math.abs(soft.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    assert.ok(soft[2] > soft[1] && soft[1] > soft[0]);
    assert.deepEqual(toProbabilities([Math.log(0.25), Math.log(0.75)], 'nll').map((v) => Math.round(v * 100) / 100), [0.25, 0.75]);
    assert.deepEqual(toProbabilities([-0.2, 0.4, 1.3], 'mse'), [0, 0.4, 1]);
  });
});
