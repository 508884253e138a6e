/**
 * The runs view and the Compare panel on real run folders (written with the engine's RunFolder writer into a
 * temp dir, including a crashed run and a folder without summary.json): grouping by model, statuses, best
 * validation and test accuracy, and the table of hyperparameters that differ.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EpochMetrics, RunStatus, RunSummary } from '../../src/protocol/runTypes';
import { readRun } from '../../src/trainer/runs/reader';
import { RunFolder } from '../../src/trainer/runs/store';
import { CompareController, compareCharts } from '../../media/compare/controller';
import { readThemeColors } from '../../media/training/chartOptions';
import type { CompareWebviewState } from '../../src/protocol/webview-training';
import { compareView, differingParams, flattenConfig, modelFileLetters } from '../../src/webviews/runs/compareModel';
import { RunIndex } from '../../src/webviews/runs/runIndex';
import { groupRuns, timestampLabel, treeStatus } from '../../src/webviews/runs/runTree';

interface RunSpec {
  model: string;
  at: string;
  status: RunStatus;
  valLosses: number[];
  lr: number;
  modelText: string;
  test?: number;
}

/** Writes a run folder the way the engine does: snapshot, config, metrics lines, summary. */
function writeRun(root: string, spec: RunSpec): string {
  const folder = RunFolder.create(root, spec.model, new Date(spec.at));
  folder.writeModel(spec.modelText);
  folder.writeConfig({ model: spec.model, input: [1, 16, 16], train: { lr: spec.lr, epochs: 5, optimizer: 'adam' }, data: { dataset: 'shapes' }, request: { outDir: root, modelPath: '/w/m.cnn.yaml' } });
  let best = Infinity;
  let bestEpoch: number | null = null;
  spec.valLosses.forEach((valLoss, i) => {
    folder.appendMetrics({ kind: 'batch', epoch: i + 1, batch: 2, batches: 4, loss: valLoss + 0.1, accuracy: 0.5, lr: spec.lr, samplesPerSecond: 500, etaSeconds: 3, time: spec.at });
    const improved = valLoss < best;
    if (improved) [best, bestEpoch] = [valLoss, i + 1];
    const record: EpochMetrics = { kind: 'epoch', epoch: i + 1, loss: valLoss + 0.05, accuracy: 0.6, valLoss, valAccuracy: 1 - valLoss, lr: spec.lr, seconds: 1, samplesPerSecond: 500, best: improved, time: spec.at };
    folder.appendMetrics(record);
  });
  const summary: RunSummary = {
    version: 1, model: spec.model, status: spec.status, backend: 'wasm', backendDescription: 'wasm', dataset: 'shapes', datasetSource: 'generated',
    classes: ['a', 'b'], epochs: 5, epochsCompleted: spec.valLosses.length, trainSamples: 64, validationSamples: 16, testSamples: 16, batchSize: 16,
    samplesPerSecond: 500, trainSeconds: 2, totalSeconds: 3, bestEpoch, bestValLoss: bestEpoch === null ? null : best,
    test: spec.test === undefined ? null : { loss: 0.4, accuracy: spec.test, perClassAccuracy: [spec.test, spec.test], confusion: [[8, 0], [0, 8]], samples: 16 },
    startedAt: spec.at, updatedAt: spec.at, finishedAt: spec.status === 'running' ? null : spec.at, stopReason: null, error: spec.status === 'failed' ? 'loss became NaN' : null,
  };
  folder.writeSummary(summary);
  return folder.dir;
}

const MODEL_A = 'name: cnn\ninput: [1, 16, 16]\nlayers:\n  - Flatten()\n  - Linear(256, 2)\n';
const MODEL_B = MODEL_A.replace('Linear(256, 2)', 'Linear(256, 2, bias=false)');

describe('runs view', () => {
  let root: string;
  const dirs: Record<string, string> = {};

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'cnnlab-runs-'));
    dirs.cnn1 = writeRun(root, { model: 'cnn', at: '2026-03-01T10:00:00', status: 'done', valLosses: [0.5, 0.3, 0.35], lr: 0.01, modelText: MODEL_A, test: 0.9 });
    dirs.cnn2 = writeRun(root, { model: 'cnn', at: '2026-03-02T10:00:00', status: 'stopped', valLosses: [0.6, 0.4], lr: 0.001, modelText: MODEL_B });
    dirs.mlp = writeRun(root, { model: 'mlp', at: '2026-03-01T12:00:00', status: 'failed', valLosses: [], lr: 0.1, modelText: MODEL_A });
    // A run killed mid-write: status still 'running' long ago, and a torn last metrics line.
    dirs.crashed = writeRun(root, { model: 'mlp', at: '2026-02-01T09:00:00', status: 'running', valLosses: [0.7], lr: 0.1, modelText: MODEL_A });
    appendFileSync(join(dirs.crashed, 'metrics.jsonl'), '{"kind":"epoch","epo');
    // A folder with a config but no summary.json yet.
    mkdirSync(join(root, 'mlp', '2026-01-01_00-00-00'), { recursive: true });
    writeFileSync(join(root, 'mlp', '2026-01-01_00-00-00', 'config.json'), '{}');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('groups runs by model, newest first, with status, best validation accuracy and test accuracy', () => {
    const index = new RunIndex();
    const groups = groupRuns(index.collect([root, join(root, 'missing')]), new Set());
    assert.deepEqual(groups.map((g) => g.model), ['cnn', 'mlp']);
    const [cnn, mlp] = groups;
    assert.deepEqual(cnn.runs.map((r) => r.dir), [dirs.cnn2, dirs.cnn1]);
    assert.equal(cnn.description, '2 runs');
    assert.equal(cnn.runs[1].status, 'done');
    // Best epoch 2 had val loss 0.3 → accuracy 0.7; test 0.9.
    assert.equal(cnn.runs[1].description, 'done · val 70.0% · test 90.0%');
    assert.equal(cnn.runs[0].description, 'stopped · val 60.0%');
    assert.equal(cnn.runs[1].label, '2026-03-01 10:00:00');
    assert.equal(cnn.runs[0].icon, 'debug-stop');
    assert.deepEqual(mlp.runs.map((r) => r.status), ['failed', 'interrupted', 'unknown']);
    assert.match(mlp.runs[0].tooltip, /loss became NaN/);
    assert.match(mlp.runs[2].tooltip, /summary\.json/);
  });

  it('marks the runs this window trains as live', () => {
    const groups = groupRuns(new RunIndex().collect([root]), new Set([dirs.crashed]));
    const crashed = groups[1].runs.find((r) => r.dir === dirs.crashed);
    assert.equal(crashed?.status, 'running');
    assert.equal(crashed?.contextValue, 'cnnlab.run.running');
    assert.equal(crashed?.icon, 'sync~spin');
  });

  it('calls a recently updated running summary running, a stale one interrupted', () => {
    const summary = { status: 'running', updatedAt: '2026-03-01T10:00:00Z' } as RunSummary;
    assert.equal(treeStatus(summary, false, Date.parse('2026-03-01T10:30:00Z')), 'running');
    assert.equal(treeStatus(summary, false, Date.parse('2026-03-01T12:00:00Z')), 'interrupted');
    assert.equal(timestampLabel('2026-03-01_10-00-00-2'), '2026-03-01 10:00:00 (2)');
    assert.equal(timestampLabel('custom'), 'custom');
  });

  it('compares runs: differing hyperparameters, model files and results', () => {
    const view = compareView([readRun(dirs.cnn1), readRun(dirs.cnn2)]);
    assert.deepEqual(view.runs.map((r) => r.status), ['done', 'stopped']);
    assert.deepEqual(view.runs.map((r) => r.epochs.length), [3, 2]);
    const keys = view.differences.map((d) => d.key);
    assert.deepEqual(keys, ['model file (same letter = same text)', 'train.lr']);
    assert.deepEqual(view.differences[1].values, ['0.01', '0.001']);
    assert.deepEqual(view.differences[0].values, ['A', 'B']);
    const results = Object.fromEntries(view.results.map((r) => [r.key, r.values]));
    assert.deepEqual(results['best validation accuracy'], ['70.00%', '60.00%']);
    assert.deepEqual(results['test accuracy'], ['90.00%', '—']);
    assert.deepEqual(results.epochs, ['3/5', '2/5']);
  });

  it('drives the Compare page: overlaid curves per run, state for a reload, clicks open a run', () => {
    const view = compareView([readRun(dirs.cnn1), readRun(dirs.cnn2)]);
    const theme = readThemeColors(() => '');
    const charts = compareCharts(view, theme);
    const valLoss = charts.find((c) => c.id === 'valLoss');
    assert.deepEqual(valLoss?.spec.lines.map((l) => l.data.map((p) => p.y)), [[0.5, 0.3, 0.35], [0.6, 0.4]]);
    assert.notEqual(valLoss?.spec.lines[0].color, valLoss?.spec.lines[1].color);
    let state: CompareWebviewState | undefined;
    const posted: unknown[] = [];
    const shown: number[] = [];
    const warnings: string[] = [];
    const api = { postMessage: (m: unknown) => posted.push(m), getState: () => state, setState: (s: CompareWebviewState) => (state = s) };
    const controller = new CompareController(api, { show: (v) => shown.push(v.runs.length) }, (w) => warnings.push(w));
    controller.start();
    controller.receive({ type: 'compare', view: { runs: 'nope' } });
    assert.equal(warnings.length, 1);
    controller.receive({ type: 'compare', view });
    assert.deepEqual(shown, [2]);
    assert.deepEqual(state, { runDirs: [dirs.cnn1, dirs.cnn2] });
    controller.openRun(1);
    assert.deepEqual(posted, [{ type: 'ready' }, { type: 'openRun', runDir: dirs.cnn2 }]);
  });

  it('flattens configs to dotted keys and ignores where-things-are keys', () => {
    const flat = flattenConfig({ train: { lr: 0.1, optimizer: 'adam', early_stopping: { patience: 3 } }, input: [1, 2], request: { outDir: '/x', epochs: 2 } });
    assert.deepEqual([...flat.entries()], [['train.lr', '0.1'], ['train.optimizer', 'adam'], ['train.early_stopping.patience', '3'], ['input', '[1,2]'], ['request.epochs', '2']]);
    assert.deepEqual(differingParams([{ a: 1, b: { c: 2 } }, { a: 1, b: { c: 3 }, d: true }]), [
      { key: 'b.c', values: ['2', '3'] },
      { key: 'd', values: ['—', 'true'] },
    ]);
    assert.deepEqual(modelFileLetters(['x\n', 'y', 'x', null]), ['A', 'B', 'A', '—']);
  });
});
