/**
 * The Training panel's logic without VS Code: a real (tiny) training run's events flowing through the host's
 * metrics buffer into the webview controller (fake webview API, recording renderer), the chart series and their
 * decimation config, the epoch table with the best epoch and early stopping, the header, the confusion matrix,
 * state that survives a reload, and malformed messages being ignored.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { lineChartConfig, readThemeColors, withAlpha, DECIMATION_THRESHOLD } from '../../media/training/chartOptions';
import { intervalLoss, TrainingSeries, globalStep } from '../../media/training/chartSeries';
import { trainingCharts } from '../../media/training/chartSpecs';
import { confusionView, decodeBase64, toRgba } from '../../media/training/confusion';
import { TrainingController, type TrainingRenderer } from '../../media/training/controller';
import { earlyStoppingState, epochTable } from '../../media/training/epochTable';
import { headerView } from '../../media/training/header';
import type { WebviewApi } from '../../media/webviewApi';
import type { BatchMetrics, EpochMetrics, MetricRecord, RunSummary } from '../../src/protocol/runTypes';
import type { RunResult, TrainerEvent } from '../../src/protocol/trainer';
import { isFromTrainingWebview, parseCompareState, parseFromCompareWebview, parseTrainingState, parseToTrainingWebview, type ToTrainingWebview, type TrainingWebviewState } from '../../src/protocol/webview-training';
import { SHAPE_CLASSES } from '../../src/trainer/datasets/shapes';
import { runTraining } from '../../src/trainer/engine/session';
import { readMetrics } from '../../src/trainer/runs/reader';
import { MetricsBuffer } from '../../src/webviews/training/metricsBuffer';
import type { Timers } from '../../src/training/rateLimit';
import { earlyStoppingFromConfig, loadRunView } from '../../src/webviews/training/runView';
import { TASKS } from '../../src/model/tasks/registry';

const CLASSIFICATION_VIEWS = TASKS.classification.views;

/** A fake `acquireVsCodeApi()`: records posts, keeps state like VS Code does across a reload. */
class FakeWebviewApi implements WebviewApi<TrainingWebviewState> {
  readonly posted: unknown[] = [];
  constructor(public state: TrainingWebviewState | undefined = undefined) {}
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  getState(): TrainingWebviewState | undefined {
    return this.state;
  }
  setState(state: TrainingWebviewState): void {
    this.state = JSON.parse(JSON.stringify(state)) as TrainingWebviewState;
  }
}

/** Records what the controller asks the DOM view to redraw. */
class RecordingRenderer implements TrainingRenderer {
  readonly calls: string[] = [];
  readonly cells: Array<Extract<ToTrainingWebview, { type: 'cellSamples' }>> = [];
  showRun(): void {
    this.calls.push('showRun');
  }
  metricsAdded(_c: TrainingController, change: { epoch: boolean; batch: boolean }): void {
    this.calls.push(`metrics:${change.epoch ? 'E' : ''}${change.batch ? 'B' : ''}`);
  }
  summaryChanged(): void {
    this.calls.push('summary');
  }
  cellSamples(_c: TrainingController, m: Extract<ToTrainingWebview, { type: 'cellSamples' }>): void {
    this.cells.push(m);
  }
  samplesChanged(): void {
    this.calls.push('samples');
  }
  showEmpty(message: string): void {
    this.calls.push(`empty:${message}`);
  }
  reconstructionResults(): void {
    this.calls.push('reconstructions');
  }
  errorBinSamples(): void {
    this.calls.push('errorBinSamples');
  }
}

/** Manual timers: the test decides when the buffer's interval elapses. */
class ManualTimers implements Timers {
  private pending: Array<() => void> = [];
  /** The clock stands still: after the first message, every record waits for a fire(). */
  now(): number {
    return 0;
  }
  set(callback: () => void): unknown {
    this.pending.push(callback);
    return callback;
  }
  clear(handle: unknown): void {
    this.pending = this.pending.filter((c) => c !== handle);
  }
  fire(): void {
    const due = this.pending;
    this.pending = [];
    due.forEach((c) => c());
  }
}

const MODEL = `
name: panel-test
input: [1, 16, 16]
layers:
  - Conv2d(1, 4, 3, padding=1)
  - ReLU()
  - MaxPool2d(2)
  - Flatten()
  - Linear(256, ${SHAPE_CLASSES.length})
data: {dataset: shapes, validation_split: 0.2, train_samples: 160, test_samples: 60}
train: {epochs: 3, batch_size: 16, optimizer: adam, lr: 0.01, seed: 3, early_stopping: {patience: 5}}
`;

describe('training panel: a real run through the host buffer into the webview controller', () => {
  let root: string;
  const events: TrainerEvent[] = [];
  let result: RunResult;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'cnnlab-panel-'));
    result = await runTraining(
      { modelText: MODEL, outDir: root, backend: 'wasm', progressIntervalMs: 0, metricsEveryBatches: 2 },
      { onEvent: (e) => events.push(e) },
    );
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('turns live progress events into chart points, the epoch table and the header', () => {
    const started = events.find((e) => e.type === 'started');
    assert.ok(started && started.type === 'started');
    const api = new FakeWebviewApi();
    const renderer = new RecordingRenderer();
    const controller = new TrainingController(api, renderer);
    controller.start();
    assert.deepEqual(api.posted, [{ type: 'ready' }]);

    // The host shows the run as it was when training started, then streams coalesced metrics.
    const timers = new ManualTimers();
    const sent: MetricRecord[][] = [];
    const buffer = new MetricsBuffer((records) => {
      sent.push(records);
      controller.receive({ type: 'metrics', runDir: started.runDir, records });
    }, 250, timers);
    controller.receive({ type: 'run', run: { runDir: started.runDir, model: 'panel-test', timestamp: 't', live: true, summary: null, metrics: [], earlyStopping: { patience: 5, minDelta: 0 }, hasPredictions: false, views: CLASSIFICATION_VIEWS, samples: null } });
    const progress = events.filter((e): e is Extract<TrainerEvent, { type: 'progress' }> => e.type === 'progress').map((e) => e.metrics);
    for (const m of progress) {
      buffer.push(m);
      if (m.kind === 'batch' && m.batch % 3 === 0) timers.fire();
    }
    buffer.flush();

    const batches = progress.filter((m): m is BatchMetrics => m.kind === 'batch');
    const epochs = progress.filter((m): m is EpochMetrics => m.kind === 'epoch');
    assert.equal(epochs.length, 3);
    // Records are coalesced into fewer messages than events, none lost or reordered.
    assert.ok(sent.length < progress.length, `${sent.length} messages for ${progress.length} events`);
    assert.deepEqual(sent.flat(), progress);

    const data = controller.series.data;
    assert.deepEqual(data.trainLoss.map((p) => p.x), [1, 2, 3]);
    assert.deepEqual(data.valLoss.map((p) => p.y), epochs.map((e) => e.valLoss));
    assert.deepEqual(data.valAccuracy.map((p) => p.y), epochs.map((e) => e.valAccuracy));
    assert.deepEqual(data.batchLossRaw.map((p) => p.x), batches.map(globalStep));
    assert.deepEqual(data.learningRate.map((p) => p.y), batches.map((b) => b.lr));
    assert.equal(data.samplesPerSecond.length, batches.length);
    // Interval means recombine into the epoch's running mean: sum over an epoch of raw × width = L_last × n.
    const first = batches.filter((b) => b.epoch === 1);
    let weighted = 0;
    first.forEach((b, i) => (weighted += data.batchLossRaw[i].y * (b.batch - (first[i - 1]?.batch ?? 0))));
    const last = first[first.length - 1];
    assert.ok(Math.abs(weighted - last.loss * last.batch) < 1e-6 * last.batch);

    const table = controller.table();
    assert.deepEqual(table.rows.map((r) => r.epoch), [1, 2, 3]);
    const marked = epochs.filter((e) => e.best).map((e) => e.epoch);
    assert.deepEqual(table.rows.filter((r) => r.best).map((r) => r.epoch), [marked[marked.length - 1]]);
    assert.equal(table.earlyStopping.kind, 'waiting');
    assert.equal(table.earlyStopping.patience, 5);

    const header = controller.header(Date.now());
    assert.equal(header.canStop, true);
    assert.equal(renderer.calls.filter((c) => c.startsWith('metrics:E')).length, 3, renderer.calls.join());
    assert.ok(renderer.calls.some((c) => c.startsWith('metrics:') && c.includes('B')));

    // The end of the run: the summary arrives, the header says done, and the test results are there.
    controller.receive({ type: 'summary', runDir: started.runDir, summary: result.summary, live: false, hasPredictions: false });
    const done = controller.header(Date.now());
    assert.equal(done.status, 'done');
    assert.equal(done.progress, 1);
    assert.equal(done.canStop, false);
    assert.equal(done.epochText, 'epoch 3/3');
    const confusion = controller.confusion();
    assert.ok(confusion);
    assert.deepEqual(confusion.classes, SHAPE_CLASSES);
    assert.equal(confusion.rows.reduce((n, r) => n + r.total, 0), result.summary.test?.samples);
  });

  it('reopens the finished run from its folder with the same curves as the live stream', () => {
    const view = loadRunView(result.runDir, false);
    assert.equal(view.summary?.status, 'done');
    assert.deepEqual(view.earlyStopping, { patience: 5, minDelta: 0 });
    const controller = new TrainingController(new FakeWebviewApi(), new RecordingRenderer());
    controller.receive({ type: 'run', run: view });
    const epochs = readMetrics(join(result.runDir, 'metrics.jsonl')).filter((m) => m.kind === 'epoch');
    assert.deepEqual(controller.series.data.valLoss.map((p) => p.y), epochs.map((e) => (e as EpochMetrics).valLoss));
    assert.equal(controller.header(Date.now()).status, 'done');
    assert.ok(controller.confusion());
  });
});

describe('training panel: webview controller', () => {
  it('ignores malformed messages and messages for another run', () => {
    const warnings: string[] = [];
    const renderer = new RecordingRenderer();
    const controller = new TrainingController(new FakeWebviewApi(), renderer, (w) => warnings.push(w));
    controller.receive({ type: 'metrics', runDir: '/r', records: [{ kind: 'batch', epoch: 'one' }] });
    controller.receive({ type: 'run', run: { runDir: '/r' } });
    controller.receive('hello');
    assert.equal(warnings.length, 3);
    assert.deepEqual(renderer.calls, []);
    controller.receive({ type: 'run', run: { runDir: '/r', model: 'm', timestamp: 't', live: true, summary: null, metrics: [], earlyStopping: null, hasPredictions: false, views: CLASSIFICATION_VIEWS, samples: null } });
    controller.receive({ type: 'metrics', runDir: '/other', records: [batch(1, 1, 10, 1)] });
    assert.equal(controller.series.pointCount, 0);
    assert.deepEqual(renderer.calls, ['showRun']);
  });

  it('persists the run and the selected cell, and asks for the cell again after a reload', () => {
    const api = new FakeWebviewApi();
    const run = { runDir: '/runs/m/1', model: 'm', timestamp: '1', live: false, summary: null, metrics: [], earlyStopping: null, hasPredictions: true, views: CLASSIFICATION_VIEWS, samples: null };
    const first = new TrainingController(api, new RecordingRenderer());
    first.receive({ type: 'run', run });
    first.selectCell(2, 1);
    assert.deepEqual(api.state, { runDir: '/runs/m/1', cell: { truth: 2, predicted: 1 } });
    assert.deepEqual(api.posted.at(-1), { type: 'showCell', truth: 2, predicted: 1 });

    // A reload: a new page with the saved state; the host sends the run with its test results.
    const reloaded = new FakeWebviewApi(api.state);
    const second = new TrainingController(reloaded, new RecordingRenderer());
    assert.deepEqual(second.selectedCell, { truth: 2, predicted: 1 });
    second.start();
    const test = { loss: 1, accuracy: 0.5, perClassAccuracy: [0.5, 0.5, 0.5], confusion: [[1, 1, 0], [0, 1, 1], [0, 1, 1]], samples: 6 };
    const summary = { version: 1, model: 'm', status: 'done', classes: ['a', 'b', 'c'], epochs: 1, epochsCompleted: 1, test } as const;
    second.receive({ type: 'run', run: { ...run, summary } });
    assert.deepEqual(reloaded.posted, [{ type: 'ready' }, { type: 'showCell', truth: 2, predicted: 1 }]);
    // Another run forgets the cell.
    second.receive({ type: 'run', run: { ...run, runDir: '/runs/m/2' } });
    assert.deepEqual(reloaded.state, { runDir: '/runs/m/2' });
  });

  it('validates what the webviews send and the state they restore', () => {
    assert.ok(isFromTrainingWebview({ type: 'showCell', truth: 1, predicted: 0 }));
    for (const bad of [{ type: 'showCell', truth: -1, predicted: 0 }, { type: 'showCell', truth: 1.5, predicted: 0 }, { type: 'delete' }, null, 'stop']) {
      assert.equal(isFromTrainingWebview(bad), false, JSON.stringify(bad));
    }
    assert.deepEqual(parseTrainingState({ runDir: '/r', cell: { truth: 'x' } }), { runDir: '/r', cell: undefined });
    assert.deepEqual(parseTrainingState({ runDir: 42 }), { runDir: undefined, cell: undefined });
    assert.deepEqual(parseCompareState({ runDirs: ['/a', 3, '/b'] }), { runDirs: ['/a', '/b'] });
    assert.equal(parseFromCompareWebview({ type: 'openRun' }), undefined);
  });

  it('sends stop only for a live run', () => {
    const api = new FakeWebviewApi();
    const controller = new TrainingController(api, new RecordingRenderer());
    const run = { runDir: '/r', model: 'm', timestamp: 't', live: false, summary: null, metrics: [], earlyStopping: null, hasPredictions: false, views: CLASSIFICATION_VIEWS, samples: null };
    controller.receive({ type: 'run', run });
    controller.stop();
    assert.deepEqual(api.posted, []);
    controller.receive({ type: 'run', run: { ...run, live: true } });
    controller.stop();
    assert.deepEqual(api.posted, [{ type: 'stop' }]);
  });

  it('says which evaluation pass runs while a live run validates or tests, until training resumes', () => {
    const controller = new TrainingController(new FakeWebviewApi(), new RecordingRenderer());
    const run = { runDir: '/r', model: 'm', timestamp: 't', live: true, summary: null, metrics: [], earlyStopping: null, hasPredictions: false, views: CLASSIFICATION_VIEWS, samples: null };
    controller.receive({ type: 'run', run });
    controller.receive({ type: 'phase', runDir: '/r', phase: { phase: 'validation', epoch: 2, samples: 600 } });
    assert.equal(controller.header(Date.now()).statusText, 'validation of epoch 2 on 600 samples…');
    assert.equal(controller.header(Date.now()).canStop, true);
    controller.receive({ type: 'metrics', runDir: '/r', records: [batch(3, 1, 10, 0.5)] });
    assert.equal(controller.header(Date.now()).statusText, 'starting…');
    controller.receive({ type: 'phase', runDir: '/r', phase: { phase: 'test', epoch: 3, samples: 1000 } });
    assert.equal(controller.header(Date.now()).statusText, 'test pass on 1000 samples…');
    controller.receive({ type: 'phase', runDir: '/other', phase: { phase: 'validation', epoch: 1, samples: 1 } });
    assert.equal(controller.header(Date.now()).statusText, 'test pass on 1000 samples…');
    assert.equal(parseToTrainingWebview({ type: 'phase', runDir: '/r', phase: { phase: 'train', epoch: 1, samples: 1 } }), undefined);
  });
});

function batch(epoch: number, index: number, batches: number, loss: number): BatchMetrics {
  return { kind: 'batch', epoch, batch: index, batches, loss, accuracy: 0.5, lr: 0.01, samplesPerSecond: 100, etaSeconds: 1, time: '2026-01-01T00:00:00Z' };
}

describe('training panel: chart series and configuration', () => {
  it('derives interval losses from running means and smooths them', () => {
    // Batch losses 4, 2, 6, 0 → running means 4, 3, 4, 3; records at batches 1, 3 and 4.
    const records = [batch(1, 1, 4, 4), batch(1, 3, 4, 4), batch(1, 4, 4, 3)];
    assert.equal(intervalLoss(undefined, records[0]), 4);
    assert.equal(intervalLoss(records[0], records[1]), (4 * 3 - 4 * 1) / 2);
    assert.equal(intervalLoss(records[1], records[2]), 3 * 4 - 4 * 3);
    const series = new TrainingSeries(0.5);
    series.add(records);
    assert.deepEqual(series.data.batchLossRaw.map((p) => p.y), [4, 4, 0]);
    // Debiased EMA: the first smoothed value equals the first raw value.
    assert.equal(series.data.batchLossSmoothed[0].y, 4);
    assert.ok(series.data.batchLossSmoothed[2].y > 0 && series.data.batchLossSmoothed[2].y < 4);
    // Duplicates (disk, then live) are ignored.
    assert.deepEqual(series.add(records), { epoch: false, batch: false });
    assert.equal(series.pointCount, 3);
  });

  it('takes 100,000 batch records and configures LTTB decimation without parsing or animation', () => {
    const series = new TrainingSeries();
    const records: MetricRecord[] = [];
    for (let i = 1; i <= 100_000; i++) records.push(batch(Math.ceil(i / 1000), ((i - 1) % 1000) + 1, 1000, 2 / Math.sqrt(i)));
    // Its speed is measured by bench/training-chart.ts (a wall-clock bound here failed under load).
    series.add(records);
    assert.equal(series.pointCount, 100_000);
    const xs = series.data.batchLossRaw.map((p) => p.x);
    assert.ok(xs.every((x, i) => i === 0 || x > xs[i - 1]), 'decimation needs strictly increasing x');

    const theme = readThemeColors((name) => ({ '--vscode-charts-blue': '#0078d4', '--vscode-foreground': '#333333', '--vscode-font-size': '12px' })[name] ?? '');
    assert.equal(theme.palette[0], 'rgba(0, 120, 212, 1)');
    assert.equal(readThemeColors((n) => (n === '--vscode-charts-orange' ? '#d1861680' : '')).palette[1], 'rgba(209, 134, 22, 1)');
    assert.equal(theme.fontSize, 12);
    const charts = trainingCharts(series.data, theme, CLASSIFICATION_VIEWS);
    assert.deepEqual(charts.map((c) => c.id), ['loss', 'accuracy', 'batchLoss', 'learningRate', 'speed']);
    const batchChart = charts.find((c) => c.id === 'batchLoss');
    assert.ok(batchChart);
    const config = lineChartConfig(batchChart.spec, theme);
    assert.equal(config.options.parsing, false);
    assert.equal(config.options.animation, false);
    assert.equal(config.options.scales.x.type, 'linear');
    assert.deepEqual(config.options.plugins.decimation, { enabled: true, algorithm: 'lttb', threshold: DECIMATION_THRESHOLD });
    // The series arrays are shared with the chart (new points appear on update), the raw line is faint.
    assert.equal(config.data.datasets[0].data, series.data.batchLossRaw);
    assert.equal(config.data.datasets[0].borderColor, 'rgba(0, 120, 212, 0.3)');
    assert.equal(config.data.datasets[1].borderColor, 'rgba(0, 120, 212, 1)');
    assert.equal(withAlpha('#abc', 0.5), 'rgba(170, 187, 204, 0.5)');
    assert.equal(withAlpha('rgb(1, 2, 3)', 0.1), 'rgba(1, 2, 3, 0.1)');
  });
});

function epoch(n: number, valLoss: number | null, best: boolean): EpochMetrics {
  return { kind: 'epoch', epoch: n, loss: 1 / n, accuracy: 0.5, valLoss, valAccuracy: valLoss === null ? null : 1 - valLoss, lr: 0.1, seconds: 2, samplesPerSecond: 50, best, time: '2026-01-01T00:00:00Z' };
}

describe('training panel: epoch table, header and confusion matrix', () => {
  it('marks the best epoch and replays early stopping with min_delta', () => {
    const epochs = [epoch(1, 0.5, true), epoch(2, 0.4, true), epoch(3, 0.395, true), epoch(4, 0.45, false)];
    const table = epochTable(epochs, null, { patience: 3, minDelta: 0.01 });
    assert.deepEqual(table.rows.map((r) => r.best), [false, false, true, false]);
    // 0.395 is an improvement for best/ (lower) but not by min_delta: early stopping counts it as a miss.
    assert.equal(table.earlyStopping.wait, 2);
    assert.equal(table.earlyStopping.kind, 'waiting');
    const stopped = earlyStoppingState([...epochs, epoch(5, 0.5, false)], null, { patience: 3, minDelta: 0.01 });
    assert.equal(stopped.kind, 'stopped');
    assert.equal(earlyStoppingState(epochs, null, null).kind, 'off');
    assert.match(earlyStoppingState([epoch(1, null, true)], null, { patience: 2, minDelta: 0 }).text, /training loss/);
  });

  it('reads the run config for early stopping', () => {
    assert.deepEqual(earlyStoppingFromConfig({ train: { early_stopping: { patience: 4, min_delta: 0.001 } } }), { patience: 4, minDelta: 0.001 });
    assert.equal(earlyStoppingFromConfig({ train: {} }), null);
    assert.equal(earlyStoppingFromConfig('junk'), null);
  });

  it('describes a run that says running but is not trained here', () => {
    const summary = { version: 1, model: 'm', status: 'running', backend: 'wasm', backendDescription: '', dataset: 'shapes', datasetSource: 'generated', classes: ['a'], epochs: 4, epochsCompleted: 1, trainSamples: 10, validationSamples: 2, testSamples: 2, batchSize: 2, samplesPerSecond: 0, trainSeconds: 0, totalSeconds: 0, bestEpoch: 1, bestValLoss: 1, test: null, startedAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:01:00Z', finishedAt: null, stopReason: null, error: null } satisfies RunSummary;
    const h = headerView('m', summary, [], false, Date.parse('2026-01-01T05:00:00Z'));
    assert.equal(h.canStop, false);
    assert.match(h.statusText, /interrupted/);
    assert.equal(h.progress, 0.25);
    assert.equal(h.elapsedSeconds, 60);
    assert.equal(h.etaSeconds, null);
    // A run this window is starting (no summary.json yet) can already be stopped.
    const starting = headerView('m', null, [], true, Date.now());
    assert.equal(starting.statusText, 'starting…');
    assert.equal(starting.canStop, true);
    assert.equal(h.warning, null);
  });

  it('warns in the header when the loss diverged', () => {
    const summary = { version: 1, model: 'm', status: 'done', backend: 'wasm', backendDescription: '', dataset: 'shapes', datasetSource: 'generated', classes: ['a'], epochs: 2, epochsCompleted: 2, trainSamples: 10, validationSamples: 2, testSamples: 2, batchSize: 2, samplesPerSecond: 0, trainSeconds: 0, totalSeconds: 0, bestEpoch: 1, bestValLoss: 1, test: null, startedAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:01:00Z', finishedAt: '2026-01-01T00:01:00Z', stopReason: null, error: null, divergence: { epoch: 1, loss: 2617.2, firstLoss: 1.61, factor: 100 } } satisfies RunSummary;
    const h = headerView('m', summary, [], false, Date.now());
    assert.equal(h.statusText, 'done');
    assert.match(h.warning ?? '', /^training diverged: the loss reached 2\.62e\+3 at epoch 1, over 100× its first value \(1\.61\); lower the learning rate$/);
  });

  it('builds the confusion heatmap per true class and decodes thumbnails', () => {
    const view = confusionView({ loss: 0.3, accuracy: 0.7, perClassAccuracy: [0.75, null, 0.5], confusion: [[3, 1, 0], [0, 0, 0], [1, 0, 1]], samples: 6 }, ['cat', 'dog']);
    assert.deepEqual(view.classes, ['cat', 'dog', 'class 2']);
    assert.deepEqual(view.rows.map((r) => r.total), [4, 0, 2]);
    assert.equal(view.rows[0].cells[0].intensity, 0.75);
    assert.equal(view.rows[2].cells[0].rowFraction, 0.5);
    assert.equal(view.rows[1].cells[1].intensity, 0);
    assert.equal(view.rows[0].cells[0].diagonal, true);
    const gray = toRgba(decodeBase64(Buffer.from([0, 128, 255]).toString('base64')), 1);
    assert.deepEqual([...gray], [0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255]);
    assert.deepEqual([...toRgba(Uint8Array.from([1, 2, 3]), 3)], [1, 2, 3, 255]);
  });
});
