/**
 * The Training panel of a segmentation run, on hand-made data: mIoU charted and tabled per epoch, the strip's masks
 * decoded and drawn over their image, per-class IoU and the pixel confusion matrix, a class's worst images in IoU
 * order, the host reading segmentation-worst.json, and the protocol refusing a damaged one.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readThemeColors } from '../../media/training/chartOptions';
import { TrainingSeries } from '../../media/training/chartSeries';
import { trainingCharts } from '../../media/training/chartSpecs';
import { TrainingController, type TrainingRenderer } from '../../media/training/controller';
import { epochTable } from '../../media/training/epochTable';
import { maskOverlays, stripView } from '../../media/training/sampleStrip';
import { segmentationResultsView, worstImagesOf } from '../../media/training/segmentationResults';
import type { WebviewApi } from '../../media/webviewApi';
import { TASKS } from '../../src/model/tasks/registry';
import type { EpochMetrics, RunSummary, TestMetrics } from '../../src/protocol/runTypes';
import type { SampleStrip, SegmentationWorst } from '../../src/protocol/sampleStrip';
import { parseToTrainingWebview, type TrainingWebviewState } from '../../src/protocol/webview-training';
import type { RunRecord } from '../../src/trainer/runs/reader';
import { compareView } from '../../src/webviews/runs/compareModel';
import { groupRuns } from '../../src/webviews/runs/runTree';
import { worstImagesMessage } from '../../src/webviews/training/worstImages';
import { compareCharts } from '../../media/compare/controller';

const b64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');
const CLASSES = ['background', 'circle', 'square'];

/** 2×2 grey images; masks as class indices (row-major). */
function strip(rows: Array<{ index: number; grey: number; truth: number[]; prediction: number[]; error: number }>): SampleStrip {
  return {
    epoch: 3, columns: ['input'], width: 2, height: 2, channels: 1, errorName: 'mIoU', maskColumns: ['truth', 'prediction'], classes: CLASSES,
    rows: rows.map((r) => ({ index: r.index, label: 1, images: [b64([r.grey, r.grey, r.grey, r.grey])], error: r.error, masks: [b64(r.truth), b64(r.prediction)] })),
  };
}

const epoch = (n: number, valMeanIou: number): EpochMetrics => ({
  kind: 'epoch', epoch: n, epochs: 3, loss: 1 / n, accuracy: 0.8, valLoss: 1.1 / n, valAccuracy: 0.82, valMeanIou, lr: 0.001, seconds: 2, samplesPerSecond: 100, best: true, time: '2026-12-06T00:00:00Z',
} as EpochMetrics);

// 3 classes; pixels: background 10 right + 2 as circle; circle 6 right + 2 as background; square 4 all as circle.
const TEST: TestMetrics = {
  loss: 0.3, accuracy: 16 / 24, perClassAccuracy: [10 / 12, 6 / 8, 0], confusion: [[10, 2, 0], [2, 6, 0], [0, 4, 0]], samples: 4,
  segmentation: { pixelAccuracy: 16 / 24, meanIou: (10 / 14 + 6 / 14 + 0) / 3, perClassIou: [10 / 14, 6 / 14, 0], meanDice: 0.5, perClassDice: [20 / 24, 12 / 20, 0], pixels: 24, ignoredPixels: 3, ignoreIndex: 255 },
};

const WORST: SegmentationWorst = {
  classes: CLASSES,
  perClass: [[7], [7, 2], []],
  perClassIou: [[0.4], [0.1, 0.6], []],
  strip: strip([
    { index: 2, grey: 50, truth: [0, 1, 1, 0], prediction: [0, 1, 0, 0], error: 0.7 },
    { index: 7, grey: 90, truth: [1, 1, 0, 255], prediction: [0, 0, 0, 0], error: 0.2 },
  ]),
};

describe('segmentation in the Training panel', () => {
  it('charts and tables the validation mIoU per epoch instead of accuracy or MSE', () => {
    const ids = trainingCharts(new TrainingSeries().data, readThemeColors(() => ''), TASKS.segmentation.views).map((c) => c.id);
    assert.ok(ids.includes('miou') && !ids.includes('accuracy') && !ids.includes('mse'), ids.join());
    assert.ok(!trainingCharts(new TrainingSeries().data, readThemeColors(() => ''), TASKS.classification.views).some((c) => c.id === 'miou'));
    const series = new TrainingSeries();
    series.add([epoch(1, 0.41), epoch(2, 0.73)]);
    assert.deepEqual(series.data.valMeanIou, [{ x: 1, y: 0.41 }, { x: 2, y: 0.73 }]);
    assert.deepEqual(epochTable([epoch(1, 0.41)], null, null).rows.map((r) => r.valMeanIou), [0.41]);
  });

  it("decodes the strip's truth and prediction masks and draws them over the image at the chosen opacity", () => {
    const view = stripView(WORST.strip, CLASSES);
    assert.deepEqual(view.masks?.columns, ['truth', 'prediction']);
    assert.deepEqual(view.masks?.legend.map((c) => [c.name, c.rgb]), [['background', null], ['circle', [128, 0, 0]], ['square', [0, 128, 0]]]);
    assert.deepEqual([...(view.items[0].masks?.[0] ?? [])], [0, 1, 1, 0]);
    const [truth, prediction] = maskOverlays(view.items[0], view.masks!, 0.5);
    // Pixel 1 is circle in both: grey 50 → (50 + 128) / 2 = 89 red, 25 green; pixel 2 is circle only in the truth.
    assert.deepEqual([...truth.rgba.subarray(4, 8)], [89, 25, 25, 255]);
    assert.deepEqual([...truth.rgba.subarray(8, 12)], [89, 25, 25, 255]);
    assert.deepEqual([...prediction.rgba.subarray(8, 12)], [50, 50, 50, 255]);
    assert.deepEqual([...truth.rgba.subarray(0, 4)], [50, 50, 50, 255], 'background is not drawn');
    assert.equal(view.errorName, 'mIoU');
  });

  it('shows per-class IoU, Dice and pixel recall, and the pixel confusion matrix', () => {
    const view = segmentationResultsView(TEST, CLASSES, WORST);
    assert.ok(view);
    assert.equal(view.summary, 'Test mIoU 0.381 · mean Dice 0.500 · pixel accuracy 66.67% · 4 test images · 3 pixels ignored (mask value 255)');
    assert.deepEqual(view.rows.map((r) => [r.name, r.iou?.toFixed(3), r.recall?.toFixed(3), r.worst]), [['background', '0.714', '0.833', 1], ['circle', '0.429', '0.750', 2], ['square', '0.000', '0.000', 0]]);
    assert.deepEqual(view.confusion.rows.map((r) => r.total), [12, 8, 4]);
    assert.equal(segmentationResultsView({ ...TEST, segmentation: undefined }, CLASSES, null), null);
  });

  it("a class's worst images come lowest IoU first, captioned with that class's IoU", () => {
    const worst = worstImagesOf(WORST, 1);
    assert.ok(worst);
    assert.equal(worst.title, 'Worst test images for circle: lowest circle IoU first (2)');
    assert.deepEqual(worst.view.items.map((i) => i.error), ['0.100', '0.600']);
    assert.match(worst.view.items[0].caption, /^#7 circle · IoU of circle 0\.100$/);
    assert.equal(worstImagesOf(WORST, 2), null, 'square has none stored');
  });

  it('the controller keeps the worst images of the shown run only, and forgets them for another run', () => {
    const calls: string[] = [];
    const renderer = new Proxy({} as TrainingRenderer, { get: (_, name) => () => calls.push(String(name)) });
    const api: WebviewApi<TrainingWebviewState> = { postMessage: () => undefined, getState: () => undefined, setState: () => undefined };
    const c = new TrainingController(api, renderer);
    const summary = { version: 1, model: 'unet', task: 'segmentation', status: 'done', epochs: 3, epochsCompleted: 3, classes: CLASSES, test: TEST } as unknown as RunSummary;
    const run = { runDir: '/r/1', model: 'unet', timestamp: 't', live: false, summary, metrics: [], earlyStopping: null, hasPredictions: false, views: TASKS.segmentation.views, samples: null };
    c.receive({ type: 'run', run });
    c.receive({ type: 'segmentationWorst', runDir: '/r/other', worst: WORST });
    assert.deepEqual(c.segmentation()?.rows.map((r) => r.worst), [0, 0, 0]);
    c.receive({ type: 'segmentationWorst', runDir: '/r/1', worst: WORST });
    assert.deepEqual(c.segmentation()?.rows.map((r) => r.worst), [1, 2, 0]);
    assert.equal(c.worstImages(1)?.view.items.length, 2);
    assert.equal(c.confusion(), null, 'the classification matrix (clickable cells of test images) is not shown');
    c.receive({ type: 'run', run: { ...run, runDir: '/r/2' } });
    assert.equal(c.worstImages(1), null);
    assert.ok(calls.includes('summaryChanged'));
  });

  it('the host sends segmentation-worst.json; the protocol refuses one listing an image its strip lacks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnlab-segworst-'));
    try {
      assert.equal(await worstImagesMessage(dir, 'segmentation'), null);
      writeFileSync(join(dir, 'segmentation-worst.json'), JSON.stringify(WORST));
      const message = await worstImagesMessage(dir, 'segmentation');
      assert.deepEqual(parseToTrainingWebview(JSON.parse(JSON.stringify(message))), message);
      writeFileSync(join(dir, 'segmentation-worst.json'), JSON.stringify({ ...WORST, perClass: [[7], [7, 3], []] }));
      await assert.rejects(worstImagesMessage(dir, 'segmentation'), /segmentation-worst\.json is not a segmentation-worst file/);
      assert.equal(parseToTrainingWebview({ type: 'segmentationWorst', runDir: dir, worst: { ...WORST, perClassIou: [[0.4], [0.1], []] } }), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the runs view and the compare panel show mIoU where they show accuracy', () => {
    const summary = { version: 1, model: 'unet', task: 'segmentation', status: 'done', epochs: 2, epochsCompleted: 2, bestEpoch: 2, classes: CLASSES, test: TEST, updatedAt: '2026-12-06T00:00:00Z' } as unknown as RunSummary;
    const [group] = groupRuns([{ dir: '/r/unet/1', model: 'unet', timestamp: '2026-12-06_10-00-00', summary, problem: null, bestValAccuracy: 0.82, bestValMeanIou: 0.73 } as never], new Set());
    const item = group.runs[0];
    assert.match(item.description, /val mIoU 0\.730 · test mIoU 0\.381/);
    assert.match(item.tooltip, /best validation mIoU 0\.730 \(epoch 2\)\nbest validation pixel accuracy 82\.0% \(epoch 2\)/);
    const record = { dir: '/r/unet/1', model: 'unet', timestamp: '2026-12-06_10-00-00', summary, config: {}, metrics: [epoch(1, 0.41), { ...epoch(2, 0.73), best: true }], modelText: null, hasBest: true, hasLast: true } as unknown as RunRecord;
    const view = compareView([record]);
    const results = Object.fromEntries(view.results.map((r) => [r.key, r.values]));
    assert.deepEqual([results['best validation mIoU'], results['test mIoU']], [['0.730'], ['0.381']]);
    const chart = compareCharts(view, readThemeColors(() => '')).find((c) => c.id === 'valMeanIou');
    assert.deepEqual(chart?.spec.lines[0].data, [{ x: 1, y: 0.41 }, { x: 2, y: 0.73 }]);
    const classification = compareView([{ ...record, summary: { ...summary, test: { ...TEST, segmentation: undefined } }, metrics: [{ ...epoch(1, 0), valMeanIou: undefined }] } as unknown as RunRecord]);
    assert.ok(!classification.results.some((r) => r.key.includes('mIoU')) && !compareCharts(classification, readThemeColors(() => '')).some((c) => c.id === 'valMeanIou'));
  });
});
