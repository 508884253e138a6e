/**
 * The Training panel of a detection run, on hand-made data: mAP charted and tabled per epoch, the strip's boxes
 * at a score threshold with the image's missed and false detections, per-class AP and PR curves, the worst images
 * (all or a class's), the host reading detection-worst.json, and the runs view and compare panel showing mAP.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compareCharts } from '../../media/compare/controller';
import { boxCaption, boxesAt } from '../../media/training/boxOverlay';
import { readThemeColors } from '../../media/training/chartOptions';
import { TrainingSeries } from '../../media/training/chartSeries';
import { trainingCharts } from '../../media/training/chartSpecs';
import { TrainingController, type TrainingRenderer } from '../../media/training/controller';
import { detectionResultsView, detectionWorstOf } from '../../media/training/detectionResults';
import { epochTable } from '../../media/training/epochTable';
import { stripView } from '../../media/training/sampleStrip';
import type { WebviewApi } from '../../media/webviewApi';
import { CLASS_PALETTE } from '../../src/protocol/classPalette';
import { evaluateDetections } from '../../src/model/detection/averagePrecision';
import type { TaskViews } from '../../src/model/tasks/types';
import type { EpochMetrics, RunSummary, TestMetrics } from '../../src/protocol/runTypes';
import type { DetectionWorst } from '../../src/protocol/detectionWorst';
import type { SampleStrip } from '../../src/protocol/sampleStrip';
import { parseToTrainingWebview, type TrainingWebviewState } from '../../src/protocol/webview-training';
import type { RunRecord } from '../../src/trainer/runs/reader';
import { compareView } from '../../src/webviews/runs/compareModel';
import { groupRuns } from '../../src/webviews/runs/runTree';
import { worstImagesMessage } from '../../src/webviews/training/worstImages';

const VIEWS: TaskViews = { epochChart: 'map', results: 'detection', epochSamples: true };
const CLASSES = ['circle', 'square'];
const b64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');
const grey = (v: number) => b64(new Array(16).fill(v));

/** 4×4 grey images. Image 3: a circle found (0.9), a square missed, a false circle (0.6) and a weak square (0.2) on the missed square. */
const STRIP: SampleStrip = {
  epoch: 2, columns: ['input'], width: 4, height: 4, channels: 1, errorName: 'errors', classes: CLASSES, shownScore: 0.3,
  rows: [
    { index: 3, label: 0, images: [grey(40)], error: null, boxes: {
      truth: [{ cls: 0, x1: 0, y1: 0, x2: 2, y2: 2 }, { cls: 1, x1: 2, y1: 2, x2: 4, y2: 4 }],
      predicted: [{ cls: 0, x1: 0, y1: 0, x2: 2, y2: 2, score: 0.9 }, { cls: 0, x1: 2, y1: 0, x2: 4, y2: 1, score: 0.6 }, { cls: 1, x1: 2, y1: 2, x2: 4, y2: 4, score: 0.2 }],
    } },
    { index: 5, label: 1, images: [grey(90)], error: null, boxes: { truth: [{ cls: 1, x1: 1, y1: 1, x2: 3, y2: 3 }], predicted: [] } },
  ],
};

const epoch = (n: number, valMap50: number, valMap: number): EpochMetrics => ({
  kind: 'epoch', epoch: n, loss: 2 / n, accuracy: null, valLoss: 2.2 / n, valAccuracy: null, valMap50, valMap, lr: 0.001, seconds: 2, samplesPerSecond: 50, best: true, time: '2026-12-07T00:00:00Z',
});

// Circle: 2 objects, found at 0.9 and a false one at 0.6 before the second at 0.5 → AP@0.5 = (51 + 50·(2/3)) / 101; square: 1 object, never found.
const METRICS = evaluateDetections([
  { truth: [{ cls: 0, box: [0, 0, 10, 10] }, { cls: 1, box: [20, 20, 30, 30] }], detections: [{ cls: 0, score: 0.9, box: [0, 0, 10, 10] }, { cls: 0, score: 0.6, box: [40, 40, 50, 50] }] },
  { truth: [{ cls: 0, box: [5, 5, 15, 15] }], detections: [{ cls: 0, score: 0.5, box: [5, 5, 15, 15] }] },
], 2);
const TEST: TestMetrics = { loss: 1.5, accuracy: null, perClassAccuracy: [], confusion: [], samples: 2, detection: METRICS };

/** The worst images as the test pass writes them: boxes in the test images' pixels (8×8, twice the strip's). */
const WORST: DetectionWorst = {
  classes: CLASSES, shownScore: 0.3, imageWidth: 8, imageHeight: 8,
  images: [
    { index: 3, truth: [{ cls: 0, box: [0, 0, 4, 4] }, { cls: 1, box: [4, 4, 8, 8] }], detections: [{ cls: 0, score: 0.9, box: [0, 0, 4, 4] }, { cls: 0, score: 0.6, box: [4, 0, 8, 2] }], missed: [1], falseDetections: [1] },
    { index: 5, truth: [{ cls: 1, box: [2, 2, 6, 6] }], detections: [], missed: [0], falseDetections: [] },
  ],
  strip: { ...STRIP, epoch: 0, rows: STRIP.rows.map(({ boxes: _, ...row }) => row) },
};

describe('detection in the Training panel', () => {
  it('charts and tables the validation mAP@0.5 and mAP per epoch instead of accuracy', () => {
    const ids = trainingCharts(new TrainingSeries().data, readThemeColors(() => ''), VIEWS).map((c) => c.id);
    assert.ok(ids.includes('map') && !ids.includes('accuracy') && !ids.includes('miou'), ids.join());
    const series = new TrainingSeries();
    series.add([epoch(1, 0.41, 0.2), epoch(2, 0.83, 0.5)]);
    assert.deepEqual(series.data.valMap50, [{ x: 1, y: 0.41 }, { x: 2, y: 0.83 }]);
    assert.deepEqual(series.data.valMap, [{ x: 1, y: 0.2 }, { x: 2, y: 0.5 }]);
    assert.deepEqual(series.data.valAccuracy, [], 'no accuracy');
    assert.deepEqual(epochTable([epoch(1, 0.41, 0.2)], null, null).rows.map((r) => [r.valMap50, r.valMap]), [[0.41, 0.2]]);
  });

  it("draws the strip's boxes at the slider's score: truth dashed, detections from the threshold, errors flagged", () => {
    const view = stripView(STRIP, CLASSES);
    assert.deepEqual(view.boxes, { legend: [{ name: 'circle', css: CLASS_PALETTE[0] }, { name: 'square', css: CLASS_PALETTE[1] }], shownScore: 0.3 });
    const row = view.items[0].boxes!;
    const at = boxesAt(row, view.boxes!.legend, 0.3, 10);
    assert.deepEqual(at.boxes.map((b) => [b.truth, b.error, b.label, b.x, b.y, b.width, b.height]), [
      [true, false, '', 0, 0, 20, 20],
      [true, true, 'square (missed)', 20, 20, 20, 20],
      [false, false, 'circle 0.90', 0, 0, 20, 20],
      [false, true, 'circle 0.60', 20, 0, 20, 10],
    ]);
    assert.equal(boxCaption(row, at), '2 objects · 2 shown · 1 missed · 1 false');
    // Lower the slider: the weak square finds the missed one.
    const low = boxesAt(row, view.boxes!.legend, 0.15, 1);
    assert.equal(boxCaption(row, low), '2 objects · 3 shown · 1 false');
    assert.equal(boxCaption(row, boxesAt(row, view.boxes!.legend, 0.95, 1)), '2 objects · 0 shown · 2 missed');
    assert.equal(boxCaption({ truth: [], predicted: [] }, boxesAt({ truth: [], predicted: [] }, [], 0.3, 1)), '0 objects · 0 shown · all found');
  });

  it('shows per-class AP and the precision/recall curves up to the recall each class reached', () => {
    const view = detectionResultsView(TEST, CLASSES, WORST);
    assert.ok(view);
    const ap50 = (51 + 50 * (2 / 3)) / 101;
    assert.equal(view.summary, `Test mAP@0.5 ${(ap50 / 2).toFixed(3)} · mAP@[.5:.95] ${METRICS.map!.toFixed(3)} · 3 objects in 2 test images`);
    assert.deepEqual(view.rows.map((r) => [r.name, r.ap50?.toFixed(4), r.truths, r.detections, r.recall50, r.worst]), [['circle', ap50.toFixed(4), 2, 3, 1, 1], ['square', '0.0000', 1, 0, 0, 2]]);
    const [circle, square] = view.precisionRecall.lines;
    assert.equal(circle.label, 'circle');
    assert.equal(circle.color, CLASS_PALETTE[0]);
    assert.equal(circle.data.length, 101);
    assert.deepEqual([circle.data[50], circle.data[51], circle.data[100]].map((p) => [p.x, Number(p.y.toFixed(4))]), [[0.5, 1], [0.51, 0.6667], [1, 0.6667]]);
    assert.deepEqual(square.data, [{ x: 0, y: 0 }], 'a class never found stops at recall 0');
    assert.deepEqual([view.precisionRecall.xMin, view.precisionRecall.xMax], [0, 1]);
    assert.equal(detectionResultsView({ ...TEST, detection: undefined }, CLASSES, null), null);
  });

  it('lists the worst images of all classes or of a clicked class, most errors first', () => {
    const all = detectionWorstOf(WORST, null);
    assert.ok(all);
    assert.equal(all.title, 'Worst test images, all classes: most missed and false detections first at score ≥ 0.30 (2)');
    assert.deepEqual(all.view.items.map((i) => i.error), ['2.00', '1.00']);
    const circle = detectionWorstOf(WORST, 0);
    assert.deepEqual(circle?.view.items.map((i) => i.caption), ['#3 circle · errors 2.00']);
    assert.equal(circle?.view.boxes?.shownScore, 0.3);
    // Boxes scaled to the strip's 4×4 pictures: the missed square and the false circle flagged as in the strip.
    const row = circle!.view.items[0].boxes!;
    assert.deepEqual(row.truth[1], { cls: 1, x1: 2, y1: 2, x2: 4, y2: 4 });
    assert.equal(boxCaption(row, boxesAt(row, circle!.view.boxes!.legend, 0.3, 1)), '2 objects · 2 shown · 1 missed · 1 false');
    assert.equal(detectionWorstOf({ ...WORST, images: [WORST.images[1]], strip: { ...WORST.strip, rows: [WORST.strip.rows[1]] } }, 0), null, 'no image with a circle error');
  });

  it('the controller keeps the worst images of the shown run only', () => {
    const calls: string[] = [];
    const renderer = new Proxy({} as TrainingRenderer, { get: (_, name) => () => calls.push(String(name)) });
    const api: WebviewApi<TrainingWebviewState> = { postMessage: () => undefined, getState: () => undefined, setState: () => undefined };
    const c = new TrainingController(api, renderer);
    const summary = { version: 1, model: 'det', task: 'detection', status: 'done', epochs: 2, epochsCompleted: 2, classes: CLASSES, test: TEST } as unknown as RunSummary;
    const run = { runDir: '/r/1', model: 'det', timestamp: 't', live: false, summary, metrics: [], earlyStopping: null, hasPredictions: false, views: VIEWS, samples: STRIP };
    c.receive({ type: 'run', run });
    assert.equal(c.detection()?.rows[1].worst, 0);
    assert.ok(c.samples()?.boxes);
    c.receive({ type: 'detectionWorst', runDir: '/r/2', worst: WORST });
    assert.equal(c.detectionWorstImages(null), null, 'another run’s worst images are ignored');
    c.receive({ type: 'detectionWorst', runDir: '/r/1', worst: WORST });
    assert.equal(c.detection()?.rows[1].worst, 2);
    assert.equal(c.detectionWorstImages(1)?.view.items.length, 2);
    assert.equal(c.confusion(), null);
    assert.equal(c.segmentation(), null);
    c.receive({ type: 'run', run: { ...run, runDir: '/r/2' } });
    assert.equal(c.detectionWorstImages(null), null);
    assert.ok(calls.includes('summaryChanged'));
  });

  it('the host sends detection-worst.json; a damaged one is named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnlab-detworst-'));
    try {
      assert.equal(await worstImagesMessage(dir, 'detection'), null);
      writeFileSync(join(dir, 'detection-worst.json'), JSON.stringify(WORST));
      const message = await worstImagesMessage(dir, 'detection');
      assert.equal(message?.type, 'detectionWorst');
      assert.deepEqual(parseToTrainingWebview(JSON.parse(JSON.stringify(message))), message);
      assert.equal(await worstImagesMessage(dir, 'confusion'), null, 'classification runs have no worst-images file');
      writeFileSync(join(dir, 'detection-worst.json'), JSON.stringify({ ...WORST, images: [{ ...WORST.images[0], missed: [5] }, WORST.images[1]] }));
      await assert.rejects(worstImagesMessage(dir, 'detection'), /detection-worst\.json is not a detection-worst file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the runs view and the compare panel show mAP', () => {
    const summary = { version: 1, model: 'det', task: 'detection', status: 'done', epochs: 2, epochsCompleted: 2, bestEpoch: 2, classes: CLASSES, test: TEST, updatedAt: '2026-12-07T00:00:00Z' } as unknown as RunSummary;
    const [group] = groupRuns([{ dir: '/r/det/1', model: 'det', timestamp: '2026-12-07_10-00-00', summary, problem: null, bestValAccuracy: null, bestValMap50: 0.83 } as never], new Set());
    const item = group.runs[0];
    assert.ok(item.description.includes(`val mAP@0.5 0.830 · test mAP@0.5 ${METRICS.map50!.toFixed(3)}, mAP@[.5:.95] ${METRICS.map!.toFixed(3)}`), item.description);
    assert.match(item.tooltip, /best validation mAP@0\.5 0\.830 \(epoch 2\)/);
    const record = { dir: '/r/det/1', model: 'det', timestamp: '2026-12-07_10-00-00', summary, config: {}, metrics: [epoch(1, 0.41, 0.2), epoch(2, 0.83, 0.5)], modelText: null, hasBest: true, hasLast: true } as unknown as RunRecord;
    const view = compareView([record]);
    const results = Object.fromEntries(view.results.map((r) => [r.key, r.values]));
    assert.deepEqual([results['best validation mAP@0.5'], results['test mAP@0.5'], results['test mAP@[.5:.95]']], [['0.830'], [METRICS.map50!.toFixed(3)], [METRICS.map!.toFixed(3)]]);
    const chart = compareCharts(view, readThemeColors(() => '')).find((c) => c.id === 'valMap50');
    assert.deepEqual(chart?.spec.lines[0].data, [{ x: 1, y: 0.41 }, { x: 2, y: 0.83 }]);
  });
});
