/**
 * A complete run through `runTraining` on the embedded wasm engine with the generated shapes dataset: it writes a
 * valid run folder that the reader reads back, learns (above chance), and a stop mid-epoch keeps checkpoints
 * and metrics. The best checkpoint on disk reproduces the reported test loss.
 */
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { EpochMetrics } from '../../src/protocol/runTypes';
import type { TrainerEvent } from '../../src/protocol/trainer';
import { initBackend } from '../../src/trainer/backend';
import { loadDataset } from '../../src/trainer/datasets';
import { SHAPE_CLASSES } from '../../src/trainer/datasets/shapes';
import { loadCheckpoint } from '../../src/trainer/engine/checkpoint';
import { evaluate } from '../../src/trainer/engine/evaluate';
import { createTask } from '../../src/trainer/tasks/registry';
import { buildModel } from '../../src/trainer/engine/model';
import { ModelFileError, runTraining } from '../../src/trainer/engine/session';
import { listRuns, readRun } from '../../src/trainer/runs/reader';
import { RunFolder } from '../../src/trainer/runs/store';
import { writeIdxSet } from '../fixtures/datasets/generate';
import { analyze } from './engine-fixtures';

const root = mkdtempSync(join(tmpdir(), 'cnnlab-runs-'));
after(() => rmSync(root, { recursive: true, force: true }));

const SHAPES_MODEL = `
name: tiny shapes
input: [1, 16, 16]
layers:
  - Conv2d(1, 8, 3, padding=1)
  - ReLU()
  - MaxPool2d(2)
  - Conv2d(8, 16, 3, padding=1)
  - ReLU()
  - MaxPool2d(2)
  - Flatten()
  - Linear(256, 32)
  - ReLU()
  - Linear(32, ${SHAPE_CLASSES.length})
data: { dataset: shapes, train_samples: 1500, test_samples: 200 }
train: { epochs: 3, batch_size: 32, lr: 0.003, seed: 42 }
`;

describe('run folder reader', () => {
  it('skips torn metrics lines and folders that are not runs', () => {
    const base = join(root, 'reader');
    const folder = RunFolder.create(base, 'my model/v2', new Date(2026, 0, 2, 3, 4, 5));
    assert.match(folder.dir, /my-model-v2[\\/]2026-01-02_03-04-05$/);
    const again = RunFolder.create(base, 'my model/v2', new Date(2026, 0, 2, 3, 4, 5));
    assert.match(again.dir, /2026-01-02_03-04-05-2$/);
    folder.appendMetrics({ kind: 'epoch', epoch: 1, loss: 1, accuracy: 0.5, valLoss: null, valAccuracy: null, lr: 0.1, seconds: 1, samplesPerSecond: 10, best: true, time: '' });
    appendFileSync(join(folder.dir, 'metrics.jsonl'), '{"kind":"batch","epo');
    writeFileSync(join(folder.dir, 'summary.json'), '{"status": "runn');
    mkdirSync(join(base, 'not-a-run', 'empty'), { recursive: true });
    const run = readRun(folder.dir);
    assert.equal(run.metrics.length, 1);
    assert.equal(run.summary, null);
    assert.match(run.problem ?? '', /summary\.json/);
    assert.deepEqual(listRuns(base).map((r) => r.dir), [folder.dir]);
    assert.deepEqual(readdirSync(folder.dir).filter((f) => f.endsWith('.tmp')), []);
  });
});

describe('runTraining on shapes (wasm)', () => {
  it('writes a complete run folder and learns above chance', async () => {
    const events: TrainerEvent[] = [];
    const { runDir, summary } = await runTraining({ modelText: SHAPES_MODEL, outDir: root, backend: 'wasm', metricsEveryBatches: 10 }, { onEvent: (e) => events.push(e) });
    assert.equal(summary.status, 'done');
    assert.equal(summary.backend, 'wasm');
    assert.equal(summary.epochsCompleted, 3);
    assert.ok(summary.test && (summary.test.accuracy ?? 0) > 2 / SHAPE_CLASSES.length, `test accuracy ${summary.test?.accuracy}`);
    assert.deepEqual(summary.classes, SHAPE_CLASSES);
    assert.equal(summary.test?.confusion.length, SHAPE_CLASSES.length);
    assert.ok(summary.samplesPerSecond > 0 && summary.bestValLoss !== null);
    assert.match(runDir, /tiny-shapes[\\/]\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d$/);

    const run = readRun(runDir);
    assert.equal(run.modelText, SHAPES_MODEL);
    assert.deepEqual(run.summary, summary);
    assert.ok(run.hasBest && run.hasLast);
    const epochs = run.metrics.filter((m): m is EpochMetrics => m.kind === 'epoch');
    assert.deepEqual(epochs.map((m) => m.epoch), [1, 2, 3]);
    assert.ok(run.metrics.some((m) => m.kind === 'batch'));
    const manifest = JSON.parse(readFileSync(join(runDir, 'best', 'model.json'), 'utf8'));
    assert.deepEqual(manifest.weightsManifest[0].paths, ['weights.bin']);
    assert.equal(listRuns(root)[0].dir, runDir);

    assert.equal(events[0].type, 'log');
    assert.ok(events.some((e) => e.type === 'started' && e.runDir === runDir));
    assert.ok(events.some((e) => e.type === 'progress' && e.metrics.kind === 'batch'));

    // The best checkpoint, loaded into a fresh model, gives the test loss the summary reports.
    const { tf } = await initBackend('wasm');
    const analysis = analyze(SHAPES_MODEL);
    const model = buildModel(tf, analysis.graph, 1);
    await loadCheckpoint(tf, model, join(runDir, 'best'));
    const data = await loadDataset({ input: [1, 16, 16], data: analysis.data, seed: analysis.train.seed });
    const test = await evaluate(tf, model, data.test, { batchSize: 64, task: createTask('classification', { loss: 'cross_entropy', classes: [...SHAPE_CLASSES] }) });
    assert.ok(Math.abs((test?.loss ?? NaN) - (summary.test?.loss ?? NaN)) < 1e-4, `${test?.loss} vs ${summary.test?.loss}`);

    // A truncated weights file is reported, naming the file, instead of loading garbage.
    const damaged = join(root, 'damaged');
    cpSync(join(runDir, 'best'), damaged, { recursive: true });
    truncateSync(join(damaged, 'weights.bin'), 100);
    await assert.rejects(loadCheckpoint(tf, model, damaged), /weights\.bin has 100 bytes.*damaged/);
    model.dispose();
  });

  it('stops mid-epoch, keeping best/, last/ and the metrics so far, and leaks no tensors', async () => {
    const { tf } = await initBackend('wasm');
    const tensorsBefore = tf.memory().numTensors;
    let batches = 0;
    const { runDir, summary } = await runTraining(
      { modelText: SHAPES_MODEL, outDir: root, backend: 'wasm', progressIntervalMs: 0, metricsEveryBatches: 1 },
      {
        onEvent: (e) => {
          if (e.type === 'progress' && e.metrics.kind === 'batch' && e.metrics.epoch === 2) batches += 1;
        },
        shouldStop: () => batches >= 5,
      },
    );
    assert.equal(summary.status, 'stopped');
    assert.equal(summary.epochsCompleted, 1);
    assert.match(summary.stopReason ?? '', /stopped at epoch 2 batch 6/);
    assert.equal(summary.test, null);
    const run = readRun(runDir);
    assert.equal(run.summary?.status, 'stopped');
    assert.ok(run.hasBest && run.hasLast);
    assert.equal(run.metrics.filter((m) => m.kind === 'batch' && m.epoch === 2).length, 5);
    const last = JSON.parse(readFileSync(join(runDir, 'last', 'model.json'), 'utf8'));
    assert.equal(last.userDefinedMetadata.stopped, true);
    assert.equal(tf.memory().numTensors, tensorsBefore);
  });

  it("resolves a relative data.path against the model file's folder, not the working directory", async () => {
    const project = join(root, 'project');
    writeIdxSet(join(project, 'my-data'), { gzip: true, train: 40, test: 10, h: 28, w: 28 });
    const modelText = `
name: relative path
input: [1, 28, 28]
layers:
  - Flatten()
  - Linear(784, 10)
data: {dataset: mnist, path: my-data, validation_split: 0.25}
train: {epochs: 1, batch_size: 10}
`;
    assert.ok(!existsSync(join(process.cwd(), 'my-data')));
    const { summary } = await runTraining({ modelText, modelPath: join(project, 'model.cnn.yaml'), outDir: join(root, 'relative'), backend: 'wasm' });
    assert.equal(summary.status, 'done');
    assert.deepEqual([summary.trainSamples, summary.validationSamples, summary.testSamples], [30, 10, 10]);
  });

  it('refuses a model file with errors before creating anything', async () => {
    const bad = SHAPES_MODEL.replace('Linear(256, 32)', 'Linear(100, 32)');
    await assert.rejects(runTraining({ modelText: bad, outDir: join(root, 'bad'), backend: 'wasm' }), ModelFileError);
    assert.ok(!existsSync(join(root, 'bad')));
  });
});
