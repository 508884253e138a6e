/**
 * The detection loss's parts per epoch (classes: focal, boxes: GIoU, centerness: BCE): recorded by the training loop
 * for training and validation through the task interface, adding up to the loss, charted by the Training panel and
 * printed on cnnlab train's epoch line.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readThemeColors } from '../../media/training/chartOptions';
import { TrainingSeries } from '../../media/training/chartSeries';
import { trainingCharts } from '../../media/training/chartSpecs';
import { epochLine } from '../../src/cli/train';
import { TASKS } from '../../src/model';
import type { EpochMetrics } from '../../src/protocol/runTypes';
import { isMetricRecord } from '../../src/protocol/webview-training';
import { runTraining } from '../../src/trainer/engine/session';
import { TINY_DETECTOR } from './detection-fixtures';

const PARTS = ['classes', 'boxes', 'centerness'];

const sum = (parts: Record<string, number>) => Object.values(parts).reduce((s, v) => s + v, 0);

describe('detection loss parts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cnnlab-det-parts-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('each epoch records the training and validation parts, which add up to the losses (weights 1)', async () => {
    assert.deepEqual(TASKS.detection.views.lossParts, PARTS);
    const epochs: EpochMetrics[] = [];
    const { runDir, summary } = await runTraining({ modelText: TINY_DETECTOR, outDir: dir, backend: 'wasm' }, {
      onEvent: (e) => {
        if (e.type === 'progress' && e.metrics.kind === 'epoch') epochs.push(e.metrics);
      },
    });
    assert.equal(summary.status, 'done');
    assert.equal(epochs.length, 2);
    for (const e of epochs) {
      assert.deepEqual(Object.keys(e.lossParts ?? {}), PARTS);
      assert.deepEqual(Object.keys(e.valLossParts ?? {}), PARTS);
      assert.ok(Math.abs(sum(e.lossParts!) - e.loss) < 1e-4 * Math.max(1, e.loss), `train ${JSON.stringify(e.lossParts)} vs ${e.loss}`);
      assert.ok(Math.abs(sum(e.valLossParts!) - (e.valLoss ?? NaN)) < 1e-4 * Math.max(1, e.valLoss ?? 1), `val ${JSON.stringify(e.valLossParts)} vs ${e.valLoss}`);
      assert.ok(Object.values(e.lossParts!).every((v) => v >= 0));
    }
    const written = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.kind === 'epoch');
    assert.deepEqual(written.map((r) => Object.keys(r.lossParts)), [PARTS, PARTS], 'metrics.jsonl keeps them');
    assert.ok(written.every(isMetricRecord));
    assert.deepEqual(Object.keys(summary.test?.lossParts ?? {}), PARTS, 'the test pass has them too');
  });

  it('the Training panel charts them for detection runs: training solid, validation dashed', () => {
    const series = new TrainingSeries();
    const charts = trainingCharts(series.data, readThemeColors(() => ''), TASKS.detection.views);
    assert.deepEqual(charts.map((c) => c.id).slice(0, 2), ['loss', 'lossParts']);
    assert.ok(!trainingCharts(series.data, readThemeColors(() => ''), TASKS.classification.views).some((c) => c.id === 'lossParts'));
    const lines = charts[1].spec.lines;
    assert.deepEqual(lines.map((l) => [l.label, Boolean(l.dashed)]), PARTS.flatMap((p) => [[`train ${p}`, false], [`validation ${p}`, true]]));
    const record = (epoch: number, k: number): EpochMetrics => ({
      kind: 'epoch', epoch, loss: 3 * k, accuracy: null, valLoss: 3 * k, valAccuracy: null, valMap50: 0.1, valMap: 0.05,
      lossParts: { classes: k, boxes: k, centerness: k }, valLossParts: { classes: k + 0.5, boxes: k, centerness: k }, lr: 0.001, seconds: 1, samplesPerSecond: 10, best: true, time: '',
    });
    series.add([record(1, 1), record(2, 0.5)]);
    assert.deepEqual(lines[0].data, [{ x: 1, y: 1 }, { x: 2, y: 0.5 }], 'the chart holds the series arrays, filled as records arrive');
    assert.deepEqual(lines[1].data, [{ x: 1, y: 1.5 }, { x: 2, y: 1 }]);
    series.reset();
    assert.equal(lines[0].data.length, 0, 'another run: emptied in place');
    assert.equal(series.data.lossParts.classes.train, lines[0].data);
  });

  it('cnnlab train prints them after each loss; metric records with non-numeric parts are refused', () => {
    const e: EpochMetrics = {
      kind: 'epoch', epoch: 3, loss: 1.2345, accuracy: null, valLoss: 1.5, valAccuracy: null, valMap50: 0.5, valMap: 0.25,
      lossParts: { classes: 0.4, boxes: 0.5, centerness: 0.3345 }, valLossParts: { classes: 0.5, boxes: 0.6, centerness: 0.4 }, lr: 0.001, seconds: 2, samplesPerSecond: 100, best: false, time: '',
    };
    assert.equal(epochLine(e), 'epoch 3: loss 1.2345 (classes 0.400 boxes 0.500 centerness 0.335) val_loss 1.5000 (classes 0.500 boxes 0.600 centerness 0.400) val_map50 0.500 val_map 0.250 100 samples/s 2.0s');
    const { lossParts: _, valLossParts: __, ...plain } = e;
    assert.equal(epochLine(plain), 'epoch 3: loss 1.2345 val_loss 1.5000 val_map50 0.500 val_map 0.250 100 samples/s 2.0s');
    assert.ok(isMetricRecord(e));
    assert.equal(isMetricRecord({ ...e, lossParts: { classes: '0.4' } }), false);
    assert.equal(isMetricRecord({ ...e, valLossParts: [0.4] }), false);
  });
});
