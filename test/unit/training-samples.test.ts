/**
 * The Training panel of a reconstruction run: the strip of fixed validation images the engine emits after each epoch
 * (a real denoising training on shapes: input | noisy input | output of the same 8 images, outputs that are not
 * copies of the inputs, errors that match the pixels), the run folder keeping the last one for a reopened run, the
 * validation MSE charted instead of accuracy, and the panel's logic choosing what to show from the task's views
 * (fake webview API, recording renderer).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readThemeColors } from '../../media/training/chartOptions';
import { trainingCharts } from '../../media/training/chartSpecs';
import { TrainingController, type TrainingRenderer } from '../../media/training/controller';
import { decodeBase64 } from '../../media/training/confusion';
import type { WebviewApi } from '../../media/webviewApi';
import { TASKS } from '../../src/model/tasks/registry';
import type { SampleStrip } from '../../src/protocol/sampleStrip';
import type { RunResult, TrainerEvent } from '../../src/protocol/trainer';
import { isFromWorker } from '../../src/protocol/validate';
import { parseToTrainingWebview, type TrainingRunView, type TrainingWebviewState } from '../../src/protocol/webview-training';
import { runTraining } from '../../src/trainer/engine/session';
import { RUN_FILES } from '../../src/trainer/runs/store';
import { readSampleStrip } from '../../src/trainer/runs/reader';
import { encodeImage, MAX_STRIP_SIDE, STRIP_IMAGES } from '../../src/trainer/tasks/sampleStrip';
import { loadRunView, startingView } from '../../src/webviews/training/runView';

class FakeWebviewApi implements WebviewApi<TrainingWebviewState> {
  readonly posted: unknown[] = [];
  state: TrainingWebviewState | undefined;
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  getState(): TrainingWebviewState | undefined {
    return this.state;
  }
  setState(state: TrainingWebviewState): void {
    this.state = state;
  }
}

class RecordingRenderer implements TrainingRenderer {
  readonly calls: string[] = [];
  showRun(): void {
    this.calls.push('showRun');
  }
  metricsAdded(): void {
    this.calls.push('metrics');
  }
  summaryChanged(): void {
    this.calls.push('summary');
  }
  samplesChanged(): void {
    this.calls.push('samples');
  }
  cellSamples(): void {
    this.calls.push('cell');
  }
  showEmpty(): void {
    this.calls.push('empty');
  }
  reconstructionResults(): void {
    this.calls.push('reconstructions');
  }
  errorBinSamples(): void {
    this.calls.push('errorBinSamples');
  }
}

const DENOISER = `
name: strip-test
task: reconstruction
input: [1, 16, 16]
layers:
  - Conv2d(1, 8, 3, stride=2, padding=1)
  - ReLU()
  - ConvTranspose2d(8, 1, 3, stride=2, padding=1, output_padding=1)
  - Sigmoid()
data: {dataset: shapes, validation_split: 0.2, train_samples: 120, test_samples: 20, noise: {gaussian: 0.3}}
train: {epochs: 1, batch_size: 16, optimizer: adam, lr: 0.01, seed: 5}
`;

const CLASSIFIER = `
name: strip-classifier
input: [1, 8, 8]
layers:
  - Flatten()
  - Linear(64, 5)
data: {dataset: shapes, validation_split: 0.2, train_samples: 60, test_samples: 10}
train: {epochs: 1, batch_size: 16, seed: 5}
`;

const meanSquaredDifference = (a: Uint8Array, b: Uint8Array): number => a.reduce((sum, v, i) => sum + ((v - b[i]) / 255) ** 2, 0) / a.length;

describe('strip of validation images: the engine', () => {
  let root: string;
  const events: TrainerEvent[] = [];
  let result: RunResult;
  let strip: SampleStrip;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'cnnlab-strip-'));
    result = await runTraining({ modelText: DENOISER, outDir: root, backend: 'wasm', progressIntervalMs: 0 }, { onEvent: (e) => events.push(e) });
    const found = events.find((e) => e.type === 'samples');
    assert.ok(found && found.type === 'samples', `no samples event among ${events.map((e) => e.type).join()}`);
    strip = found.strip;
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('sends input | noisy input | output of the first 8 validation images after the epoch record', () => {
    assert.equal(result.summary.status, 'done');
    const types = events.map((e) => (e.type === 'progress' ? `progress:${e.metrics.kind}` : e.type));
    assert.equal(types.filter((t) => t === 'samples').length, 1, 'one strip per epoch');
    assert.equal(types.indexOf('samples'), types.indexOf('progress:epoch') + 1, types.join());
    assert.equal(strip.epoch, 1);
    assert.deepEqual(strip.columns, ['input', 'noisy input', 'output']);
    assert.deepEqual([strip.width, strip.height, strip.channels, strip.errorName], [16, 16, 1, 'MSE']);
    assert.equal(strip.rows.length, STRIP_IMAGES);
    assert.deepEqual(strip.rows.map((r) => r.index), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.ok(isFromWorker({ ...events.find((e) => e.type === 'samples'), runId: 'r' }), 'the worker protocol carries it');
  });

  it('outputs are the model’s, not copies of the inputs, and each row’s error matches its pixels', () => {
    for (const row of strip.rows) {
      const [input, noisy, output] = row.images.map(decodeBase64);
      for (const image of [input, noisy, output]) assert.equal(image.length, 16 * 16);
      assert.ok(input.some((v) => v !== input[0]), `image ${row.index}: a blank input`);
      assert.notDeepEqual(noisy, input, `image ${row.index}: the noise is missing`);
      assert.notDeepEqual(output, input, `image ${row.index}: the output is the input`);
      // The error is measured on float outputs against the clean image: the uint8 columns agree up to rounding.
      assert.ok(row.error !== null && row.error > 0);
      assert.ok(Math.abs(meanSquaredDifference(output, input) - row.error) < 0.004 + 0.05 * row.error, `image ${row.index}: ${meanSquaredDifference(output, input)} vs ${row.error}`);
    }
  });

  it('the live records and the summary of a reconstruction run (accuracy null) pass the webview’s validation', () => {
    const records = events.flatMap((e) => (e.type === 'progress' ? [e.metrics] : []));
    assert.ok(records.length > 1 && records.every((r) => r.accuracy === null));
    assert.ok(parseToTrainingWebview({ type: 'metrics', runDir: result.runDir, records }));
    assert.ok(parseToTrainingWebview({ type: 'summary', runDir: result.runDir, summary: result.summary, live: false, hasPredictions: false }));
  });

  it('epoch records carry the validation MSE in pixels, which the panel charts instead of accuracy', () => {
    const epochs = events.flatMap((e) => (e.type === 'progress' && e.metrics.kind === 'epoch' ? [e.metrics] : []));
    assert.equal(epochs.length, 1);
    const [{ valMse, valLoss }] = epochs;
    // With loss mse on [0, 1] pixels (no normalisation) the validation MSE is the validation loss, summed in float64.
    assert.ok(typeof valMse === 'number' && valLoss !== null && Math.abs(valMse - valLoss) < 1e-5 * valLoss, `${valMse} vs ${valLoss}`);
    const controller = new TrainingController(new FakeWebviewApi(), new RecordingRenderer());
    controller.receive({ type: 'run', run: loadRunView(result.runDir, false) });
    assert.deepEqual(controller.series.data.valMse, [{ x: 1, y: valMse }]);
    assert.equal(controller.table().rows[0].valMse, valMse);
    const theme = readThemeColors(() => '');
    assert.deepEqual(trainingCharts(controller.series.data, theme, TASKS.reconstruction.views).map((c) => c.id), ['loss', 'mse', 'batchLoss', 'learningRate', 'speed']);
    assert.deepEqual(trainingCharts(controller.series.data, theme, TASKS.classification.views).map((c) => c.id), ['loss', 'accuracy', 'batchLoss', 'learningRate', 'speed']);
  });

  it('keeps the last strip in the run folder, and a reopened run shows it', () => {
    assert.ok(existsSync(join(result.runDir, RUN_FILES.samples)));
    assert.deepEqual(readSampleStrip(result.runDir), strip);
    const view = loadRunView(result.runDir, false);
    assert.deepEqual(view.views, TASKS.reconstruction.views);
    assert.deepEqual(view.samples, strip);
    assert.ok(parseToTrainingWebview({ type: 'run', run: view }), 'the run view passes the webview’s validation');

    const renderer = new RecordingRenderer();
    const controller = new TrainingController(new FakeWebviewApi(), renderer);
    controller.receive({ type: 'run', run: view });
    const shown = controller.samples();
    assert.ok(shown);
    assert.equal(shown.title, '8 fixed validation images after epoch 1');
    assert.deepEqual(shown.columns, ['input', 'noisy input', 'output']);
    assert.equal(shown.items.length, 8);
    assert.match(shown.items[0].caption, /^#0 (circle|square|triangle|cross|ring) · MSE 0\.\d+/);
    assert.ok(shown.items.every((item) => item.images.length === 3 && item.images.every((im) => im.rgba.length === 16 * 16 * 4)));
    // No confusion matrix for reconstruction: the test figures in words instead.
    assert.equal(controller.confusion(), null);
    assert.match(controller.testResult() ?? '', /^test MSE 0\.\d{4}, test loss /);
  });

  it('a classification run sends no strip and has none to reopen', async () => {
    const seen: TrainerEvent[] = [];
    const run = await runTraining({ modelText: CLASSIFIER, outDir: root, backend: 'wasm' }, { onEvent: (e) => seen.push(e) });
    assert.equal(run.summary.status, 'done');
    assert.equal(seen.filter((e) => e.type === 'samples').length, 0);
    const view = loadRunView(run.runDir, false);
    assert.deepEqual([view.views, view.samples], [TASKS.classification.views, null]);
  });
});

describe('strip of validation images: the panel logic', () => {
  const image = (value: number, size = 4): string => Buffer.from(new Uint8Array(size).fill(value)).toString('base64');
  const strip = (epoch: number): SampleStrip => ({
    epoch, columns: ['input', 'output'], width: 2, height: 2, channels: 1, errorName: 'MSE',
    rows: [{ index: 3, label: 1, images: [image(200), image(epoch * 40)], error: 0.25 }],
  });
  const run = (views: TrainingRunView['views']): TrainingRunView => ({
    runDir: '/r', model: 'm', timestamp: 't', live: true, summary: null, metrics: [], earlyStopping: null, hasPredictions: false, views, samples: null,
  });

  it('a reconstruction run shows each new strip; a classification run and other runs ignore them', () => {
    const renderer = new RecordingRenderer();
    const controller = new TrainingController(new FakeWebviewApi(), renderer);
    controller.receive({ type: 'run', run: run(TASKS.reconstruction.views) });
    assert.equal(controller.samples(), null, 'nothing before the first epoch');
    controller.receive({ type: 'samples', runDir: '/r', strip: strip(1) });
    controller.receive({ type: 'samples', runDir: '/other', strip: strip(9) });
    controller.receive({ type: 'samples', runDir: '/r', strip: strip(2) });
    assert.deepEqual(renderer.calls, ['showRun', 'samples', 'samples']);
    const view = controller.samples();
    assert.ok(view);
    assert.equal(view.title, '1 fixed validation image after epoch 2');
    assert.equal(view.items[0].caption, '#3 class 1 · MSE 0.250');
    assert.deepEqual([view.errorName, view.items[0].error], ['MSE', '0.250']);
    controller.receive({ type: 'samples', runDir: '/r', strip: { ...strip(3), rows: [{ ...strip(3).rows[0], error: null }] } });
    assert.deepEqual([controller.samples()?.errorName, controller.samples()?.items[0].caption], [null, '#3 class 1']);
    assert.deepEqual([...view.items[0].images[1].rgba.subarray(0, 4)], [80, 80, 80, 255]);

    const classifier = new RecordingRenderer();
    const other = new TrainingController(new FakeWebviewApi(), classifier);
    other.receive({ type: 'run', run: run(TASKS.classification.views) });
    other.receive({ type: 'samples', runDir: '/r', strip: strip(1) });
    assert.deepEqual(classifier.calls, ['showRun']);
    assert.equal(other.samples(), null);
  });

  it('a starting run already has its task’s views (no accuracy chart while a reconstruction run loads its data)', () => {
    assert.deepEqual(startingView('ae', 'reconstruction').views, TASKS.reconstruction.views);
    assert.deepEqual(startingView('cnn', undefined).views, TASKS.classification.views);
    assert.ok(parseToTrainingWebview({ type: 'run', run: startingView('ae', 'reconstruction') }));
  });

  it('refuses strips whose images do not match their size or columns', () => {
    const warnings: string[] = [];
    const controller = new TrainingController(new FakeWebviewApi(), new RecordingRenderer(), (w) => warnings.push(w));
    const good = strip(1);
    const bad: unknown[] = [
      { ...good, rows: [{ ...good.rows[0], images: [image(1, 3), image(1)] }] },
      { ...good, rows: [{ ...good.rows[0], images: [image(1)] }] },
      { ...good, channels: 4 },
      { ...good, errorName: undefined },
    ];
    for (const s of bad) controller.receive({ type: 'samples', runDir: '/r', strip: s });
    controller.receive({ type: 'run', run: { ...run(TASKS.reconstruction.views), samples: bad[0] } });
    controller.receive({ type: 'run', run: { ...run(TASKS.reconstruction.views), views: { epochChart: 'mse' } } });
    assert.equal(warnings.length, 6);
    assert.ok(parseToTrainingWebview({ type: 'samples', runDir: '/r', strip: good }));
  });

  it('encodes big images downscaled, RGB kept, values clipped to [0, 1]', () => {
    const [w, h, c] = [200, 100, 3];
    const values = new Float32Array(w * h * c).map((_, i) => (i % 3 === 0 ? 1.5 : i % 3 === 1 ? -0.2 : 0.5));
    const encoded = encodeImage({ values, offset: 0, toPixel: (v) => v }, { width: w, height: h, channels: c });
    assert.deepEqual([encoded.width, encoded.height, encoded.channels], [MAX_STRIP_SIDE, MAX_STRIP_SIDE / 2, 3]);
    const bytes = decodeBase64(encoded.pixels);
    assert.equal(bytes.length, MAX_STRIP_SIDE * (MAX_STRIP_SIDE / 2) * 3);
    assert.deepEqual([...bytes.subarray(0, 6)], [255, 0, 128, 255, 0, 128]);
  });
});
