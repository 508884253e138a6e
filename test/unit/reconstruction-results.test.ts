/**
 * The results of a reconstruction run in the Training panel: the pure numbers (histogram bins, threshold counts
 * and rates, class bars) against hand-computed cases, the bounded sample of reconstructions a run keeps, the
 * messages host ⇄ webview, the controller with a fake webview API, and a real anomaly-detector run on shapes whose
 * stored images, threshold and ROC the panel reads back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TrainingController } from '../../media/training/controller';
import { classErrorChart, histogramChart, rocChart } from '../../media/training/reconstructionCharts';
import { binOf, binRange, classErrorBars, errorHistogram, fractionOf, histogramEdges, thresholdAt, thresholdStats } from '../../media/training/reconstructionResults';
import { readThemeColors } from '../../media/training/chartOptions';
import type { WebviewApi } from '../../media/webviewApi';
import { TASKS } from '../../src/model';
import type { RunSummary } from '../../src/protocol/runTypes';
import type { ReconstructionResultsView } from '../../src/protocol/webview-reconstruction';
import { parseFromTrainingWebview, parseToTrainingWebview, type ToTrainingWebview, type TrainingWebviewState } from '../../src/protocol/webview-training';
import { deriveSeed } from '../../src/trainer/datasets/random';
import { generateShapes } from '../../src/trainer/datasets/shapes';
import { runTraining } from '../../src/trainer/engine/session';
import { RECONSTRUCTION_IMAGES_FILE, ReconstructionSampler } from '../../src/trainer/runs/reconstructionSamples';
import { RECONSTRUCTIONS_FILE, readErrorRangeSamples, type ReconstructionsIndex } from '../../src/trainer/runs/reconstructions';
import { errorBinSamplesMessage, reconstructionResultsMessage } from '../../src/webviews/training/reconstructionResults';
import { loadRunView } from '../../src/webviews/training/runView';

/** Six test images: classes 0 and 1 trained (normal), class 2 left out (anomalies). */
const VIEW: ReconstructionResultsView = {
  classes: ['a', 'b', 'c'],
  labels: [0, 0, 1, 1, 2, 2],
  errors: [0.01, 0.02, 0.03, 0.05, 0.04, 0.09],
  perClassError: [0.015, 0.04, 0.065],
  includedClasses: [0, 1],
  roc: [[0, 0], [0, 0.5], [0.25, 0.5], [0.25, 1], [1, 1]],
  auroc: 0.875,
  threshold: 0.04,
  stored: 6,
};

describe('reconstruction results: pure numbers', () => {
  it('bins errors into equal-width bins from the smallest to the largest, the last bin closed', () => {
    const edges = histogramEdges(VIEW.errors, 4);
    // (0.09 − 0.01) / 4 = 0.02 per bin.
    assert.deepEqual(edges.map((e) => Number(e.toFixed(4))), [0.01, 0.03, 0.05, 0.07, 0.09]);
    assert.equal(binOf(edges, 0.01), 0);
    assert.equal(binOf(edges, 0.0299), 0);
    assert.equal(binOf(edges, 0.03), 1);
    assert.equal(binOf(edges, 0.09), 3, 'the largest error is in the last bin');
    assert.deepEqual(binRange(edges, 3), { lo: edges[3], hi: 0.09, includeHi: true });
    assert.equal(binRange(edges, 0).includeHi, false);
    assert.deepEqual(histogramEdges([0.2, 0.2], 10), [0.2, 0.2], 'all equal: one bin');
    assert.equal(binOf([0.2, 0.2], 0.2), 0);
  });

  it('counts normal and anomalous images apart, or all together without left-out classes', () => {
    const h = errorHistogram(VIEW, 4);
    assert.deepEqual(h.groups.map((g) => [g.anomalous, g.counts]), [[false, [2, 1, 1, 0]], [true, [0, 1, 0, 1]]]);
    const all = errorHistogram({ ...VIEW, includedClasses: null }, 4);
    assert.deepEqual(all.groups.map((g) => [g.anomalous, g.counts]), [[null, [2, 2, 1, 1]]]);
  });

  it('counts what a threshold flags (error ≥ t), with the rates of the ROC', () => {
    // At the Youden threshold 0.04: anomalies 0.04 and 0.09 flagged (TPR 1); normal 0.05 flagged (FPR 1/4).
    const s = thresholdStats(VIEW, 0.04);
    assert.deepEqual(s, { threshold: 0.04, truePositives: 2, falsePositives: 1, falseNegatives: 0, trueNegatives: 3, truePositiveRate: 1, falsePositiveRate: 0.25 });
    assert.ok(VIEW.roc.some(([x, y]) => x === s?.falsePositiveRate && y === s.truePositiveRate), 'a corner of the ROC');
    const strict = thresholdStats(VIEW, 0.06);
    assert.deepEqual([strict?.truePositives, strict?.falsePositives, strict?.truePositiveRate, strict?.falsePositiveRate], [1, 0, 0.5, 0]);
    assert.equal(thresholdStats({ ...VIEW, includedClasses: null }, 0.04), null, 'no anomalies, no threshold');
  });

  it('maps a drag across the histogram to a threshold and back', () => {
    const edges = [0.01, 0.03, 0.05, 0.07, 0.09];
    assert.ok(Math.abs(thresholdAt(edges, 0.5) - 0.05) < 1e-12);
    assert.equal(thresholdAt(edges, -1), 0.01, 'clamped');
    assert.equal(thresholdAt(edges, 2), 0.09);
    assert.ok(Math.abs(fractionOf(edges, 0.04) - 0.375) < 1e-12);
  });

  it('marks the classes training saw in the per-class bars, and configures the charts', () => {
    assert.deepEqual(classErrorBars(VIEW).map((b) => [b.name, b.included]), [['a', true], ['b', true], ['c', false]]);
    const theme = readThemeColors(() => '');
    const bars = classErrorChart(classErrorBars(VIEW), theme);
    assert.deepEqual(bars.data.datasets[0].backgroundColor, [theme.palette[0], theme.palette[0], theme.palette[3]]);
    const hist = histogramChart(errorHistogram(VIEW, 4), theme);
    assert.deepEqual(hist.data.labels, ['0.0200', '0.0400', '0.0600', '0.0800']);
    assert.ok(hist.data.datasets.every((d) => d.grouped === false), 'the two distributions overlaid');
    const roc = rocChart(VIEW.roc, [0.25, 1], theme);
    assert.deepEqual(roc.data.datasets[0].data[2], { x: 0.25, y: 0.5 });
    assert.deepEqual(roc.data.datasets[2].data, [{ x: 0.25, y: 1 }]);
  });
});

describe('reconstruction results: the sample of reconstructions a run keeps', () => {
  const pixels = (v: number) => () => ({ input: new Uint8Array(4).fill(v), output: new Uint8Array(4).fill(255 - v) });

  it('keeps at most perBin images per fine error bin and group, from everywhere in the range', () => {
    const s = new ReconstructionSampler(4, { perBin: 2 });
    // 100 images at one error, then one each at rarer errors, in two groups.
    for (let i = 0; i < 100; i++) s.offer(i, 0.01, 0, pixels(i));
    s.offer(100, 0.5, 0, pixels(100));
    s.offer(101, 0.01, 1, pixels(101));
    const kept = s.kept();
    assert.equal(kept.filter((k) => k.index < 100).length, 2);
    assert.ok(kept.some((k) => k.index === 100) && kept.some((k) => k.index === 101), 'rare errors and the other group kept');
    assert.deepEqual(kept.map((k) => k.index), [...kept.map((k) => k.index)].sort((a, b) => a - b), 'test-set order');
    assert.ok(kept.filter((k) => k.index < 100).some((k) => k.index >= 2), 'a reservoir, not only the first images');
  });

  it('shrinks the reservoirs to stay within the byte budget', () => {
    const s = new ReconstructionSampler(100, { perBin: 8, budgetBytes: 100 * 2 * 20 });
    for (let i = 0; i < 400; i++) s.offer(i, 0.001 * (1 + (i % 10)), 0, pixels(i % 256));
    const kept = s.kept();
    assert.ok(kept.length * 2 * 100 <= 100 * 2 * 20, `${kept.length} images within the budget`);
    assert.ok(kept.length >= 10, 'every bin keeps at least one');
  });

  it('merges bins when one image per bin is still too much (large images), keeping the range covered', () => {
    const budget = 100 * 2 * 5;
    const s = new ReconstructionSampler(100, { perBin: 4, budgetBytes: budget });
    // 200 images with errors spread over two decades (100 fine bins).
    for (let i = 0; i < 200; i++) s.offer(i, 0.001 * 10 ** (i / 100), 0, pixels(i % 256));
    const kept = s.kept();
    assert.ok(kept.length * 2 * 100 <= budget, `${kept.length} images within the budget`);
    assert.ok(kept.length >= 2, `${kept.length} kept`);
    assert.ok(kept.some((k) => k.index < 100) && kept.some((k) => k.index >= 100), 'low and high errors both kept');
  });
});

describe('reconstruction results: controller and messages (fake webview API)', () => {
  class FakeApi implements WebviewApi<TrainingWebviewState> {
    readonly posted: unknown[] = [];
    state: TrainingWebviewState | undefined;
    postMessage(m: unknown): void {
      this.posted.push(m);
    }
    getState(): TrainingWebviewState | undefined {
      return this.state;
    }
    setState(s: TrainingWebviewState): void {
      this.state = s;
    }
  }
  const calls: string[] = [];
  const bins: Array<Extract<ToTrainingWebview, { type: 'errorBinSamples' }>> = [];
  const renderer = {
    showRun: () => calls.push('showRun'), metricsAdded: () => calls.push('metrics'), summaryChanged: () => calls.push('summary'),
    cellSamples: () => calls.push('cell'), showEmpty: () => calls.push('empty'), samplesChanged: () => calls.push('samples'),
    reconstructionResults: () => calls.push('reconstructions'),
    errorBinSamples: (_r: unknown, m: Extract<ToTrainingWebview, { type: 'errorBinSamples' }>) => bins.push(m),
  };
  const run = {
    runDir: '/runs/ae/1', model: 'ae', timestamp: '1', live: false, summary: null, metrics: [], earlyStopping: null, hasPredictions: false,
    views: TASKS.reconstruction.views, samples: null,
  };

  it('shows the results of the shown run, starts at the Youden threshold, and asks for a clicked bin', () => {
    const api = new FakeApi();
    const c = new TrainingController(api, renderer);
    c.receive({ type: 'run', run });
    c.receive({ type: 'reconstructions', runDir: '/runs/other/2', results: VIEW });
    assert.equal(c.reconstruction.results, null, 'another run’s results are ignored');
    c.receive({ type: 'reconstructions', runDir: run.runDir, results: { ...VIEW, errors: [0.01, 'x'] } });
    assert.equal(c.reconstruction.results, null, 'malformed results are ignored');
    c.receive({ type: 'reconstructions', runDir: run.runDir, results: VIEW });
    assert.deepEqual(calls.slice(-1), ['reconstructions']);
    assert.equal(c.reconstruction.threshold, 0.04);
    assert.equal(c.reconstruction.stats()?.falsePositiveRate, 0.25);
    // Dragging the line to 0.06 flags one anomaly and no normal image.
    assert.deepEqual([c.reconstruction.setThreshold(0.06)?.truePositiveRate, c.reconstruction.stats()?.falsePositiveRate], [0.5, 0]);
    assert.equal(c.reconstruction.resetThreshold()?.threshold, 0.04);
    c.reconstruction.selectBin(0);
    const asked = api.posted.pop() as { type: string; range: { lo: number; hi: number; includeHi: boolean } };
    assert.equal(asked.type, 'showErrorBin');
    assert.deepEqual(parseFromTrainingWebview(asked), asked, 'the host accepts it');
    assert.equal(asked.range.lo, 0.01);
    const sample = { index: 0, label: 0, error: 0.01, width: 2, height: 1, channels: 1, input: 'AAA=', output: 'AAA=' };
    c.receive({ type: 'errorBinSamples', runDir: run.runDir, range: { lo: 0.5, hi: 0.6, includeHi: false }, total: 1, samples: [sample], message: null });
    assert.equal(bins.length, 0, 'the answer for another bin is dropped');
    c.receive({ type: 'errorBinSamples', runDir: run.runDir, range: asked.range, total: 1, samples: [sample], message: null });
    assert.equal(bins.length, 1);
    c.receive({ type: 'run', run: { ...run, runDir: '/runs/ae/3' } });
    assert.equal(c.reconstruction.results, null, 'a new run starts without results');
  });

  it('keeps reconstruction summaries (accuracy null) valid, and gives no confusion matrix for them', () => {
    const api = new FakeApi();
    const c = new TrainingController(api, renderer);
    const test = { loss: 0.02, accuracy: null, perClassAccuracy: [], confusion: [], samples: 6, reconstruction: { mse: 0.04, perClassError: VIEW.perClassError, anomaly: null } };
    const summary = { version: 1, model: 'ae', status: 'done', epochs: 1, epochsCompleted: 1, classes: VIEW.classes, test } as unknown as RunSummary;
    assert.ok(parseToTrainingWebview({ type: 'run', run: { ...run, summary } }));
    c.receive({ type: 'run', run: { ...run, summary } });
    assert.equal(c.run?.summary?.test?.reconstruction?.mse, 0.04);
    assert.equal(c.confusion(), null);
    assert.equal(parseFromTrainingWebview({ type: 'showErrorBin', range: { lo: 2, hi: 1, includeHi: false } }), undefined);
  });
});

describe('reconstruction results: a real anomaly detector on shapes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cnnlab-recon-results-'));
  let runDir = '';
  let summary: RunSummary;
  after(() => rmSync(dir, { recursive: true, force: true }));
  before(async () => {
    const modelText = `name: ae
task: reconstruction
input: [1, 16, 16]
layers:
  - Flatten()
  - Linear(256, 16)
  - ReLU()
  - Linear(16, 256)
  - Sigmoid()
  - Unflatten(1, (1, 16, 16))
data: { dataset: shapes, train_samples: 300, test_samples: 120, include_classes: [circle, square] }
train: { epochs: 1, batch_size: 32, lr: 0.01, seed: 3 }
`;
    ({ runDir, summary } = await runTraining({ modelText, outDir: dir, backend: 'cpu' }));
  });

  it('stores test images with their reconstructions, bounded, and the panel reads a bin back', async () => {
    const index = JSON.parse(readFileSync(join(runDir, RECONSTRUCTIONS_FILE), 'utf8')) as ReconstructionsIndex;
    assert.deepEqual([index.height, index.width, index.channels], [16, 16, 1]);
    const stored = index.stored ?? [];
    assert.ok(stored.length > 10 && stored.length <= 120, `${stored.length} kept`);
    assert.equal(statSync(join(runDir, RECONSTRUCTION_IMAGES_FILE)).size, stored.length * 2 * 256);
    const message = await reconstructionResultsMessage(runDir);
    assert.ok(message && parseToTrainingWebview(message), 'a valid message');
    const results = message.results;
    assert.equal(results.stored, stored.length);
    // The threshold the panel starts at reproduces the summary's rates.
    const anomaly = summary.test?.reconstruction?.anomaly;
    const s = thresholdStats(results, results.threshold ?? NaN);
    assert.ok(anomaly && s);
    assert.deepEqual([s.truePositiveRate, s.falsePositiveRate], [anomaly.truePositiveRate, anomaly.falsePositiveRate]);
    // The bin of the largest errors: its images are the test set's, and their reconstructions give their errors.
    const h = errorHistogram(results, 10);
    const last = h.edges.length - 2;
    const reply = await errorBinSamplesMessage(runDir, binRange(h.edges, last));
    assert.ok(parseToTrainingWebview(reply));
    assert.equal(reply.total, h.groups.reduce((n, g) => n + g.counts[last], 0));
    assert.ok(reply.samples.length >= 1);
    // The shapes test set is generated from train.seed, as the dataset loader does.
    const test = generateShapes(120, 16, 16, 1, deriveSeed(3, 'shapes-test'));
    for (const sample of reply.samples) {
      const input = Buffer.from(sample.input, 'base64');
      const output = Buffer.from(sample.output, 'base64');
      assert.deepEqual(Uint8Array.from(input), test.images.slice(sample.index * 256, (sample.index + 1) * 256));
      const mse = input.reduce((sum, v, j) => sum + ((v - output[j]) / 255) ** 2, 0) / 256;
      assert.ok(Math.abs(mse - sample.error) < 0.01, `error ${sample.error} ≈ ${mse} from the stored bytes`);
    }
    const empty = await readErrorRangeSamples(runDir, 5, 6, false);
    assert.deepEqual([empty?.total, empty?.samples.length], [0, 0]);
    assert.equal((await errorBinSamplesMessage(runDir, { lo: 5, hi: 6, includeHi: false })).message, 'No test image falls in this bin.');
    assert.equal(loadRunView(runDir, false).summary?.task, 'reconstruction');
  });
});
