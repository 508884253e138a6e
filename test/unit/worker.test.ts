/**
 * The trainer worker through TrainerClient, as the extension uses it: a real worker_threads thread running
 * src/trainer/worker.ts (through tsx) trains on shapes, streams typed events, stops on request, queues runs,
 * relays every kind of run event, reports model-file errors, evaluates a run's checkpoint (with progress, cancellable), shares the worker with the inspector (inspectPort), and a crashing worker is reported
 * without taking the host down (the inspector's pending requests fail).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { TrainerClient, TrainingError, type TrainerClientEvent } from '../../src/trainer/client';
import { InspectClient } from '../../src/webviews/inspector/inspectClient';
import { tinyShapesModel } from './engine-fixtures';

const root = mkdtempSync(join(tmpdir(), 'cnnlab-worker-'));
// Node 20 workers do not pick up tsx from execArgv for a .ts entry: a CommonJS bootstrap registers it first.
const bootstrap = join(root, 'worker-bootstrap.js');
writeFileSync(bootstrap, `require(${JSON.stringify(require.resolve('tsx/cjs'))});\nrequire(${JSON.stringify(resolve(__dirname, '../../src/trainer/worker.ts'))});\n`);
const logs: string[] = [];
const client = new TrainerClient({ workerPath: bootstrap, log: (m) => logs.push(m) });
after(async () => {
  await client.dispose();
  rmSync(root, { recursive: true, force: true });
});

const MODEL = tinyShapesModel('worker-shapes', 400, 100, 2);

describe('TrainerClient + worker', () => {
  it('runs a training in the worker and streams typed events', async () => {
    const events: TrainerClientEvent[] = [];
    const off = client.onEvent((e) => events.push(e));
    const run = client.start({ modelText: MODEL, outDir: root, backend: 'wasm' });
    const result = await run.done;
    off();
    assert.equal(result.summary.status, 'done');
    assert.equal(result.summary.epochsCompleted, 2);
    assert.ok(result.summary.test !== null);
    const mine = events.filter((e) => e.runId === run.runId);
    assert.ok(mine.some((e) => e.type === 'started' && e.runDir === result.runDir));
    assert.equal(mine.filter((e) => e.type === 'progress' && e.metrics.kind === 'epoch').length, 2);
    assert.ok(mine.some((e) => e.type === 'log' && /wasm/.test(e.message)));
  });

  it('stops a run on request and queues the next one behind it', async () => {
    const first = client.start({ modelText: MODEL, outDir: root, backend: 'wasm', epochs: 50, progressIntervalMs: 0 });
    const second = client.start({ modelText: MODEL, outDir: root, backend: 'wasm', epochs: 1 });
    assert.equal(client.queued, 1);
    const off = client.onEvent((e) => {
      if (e.runId === first.runId && e.type === 'progress' && e.metrics.kind === 'batch' && e.metrics.batch === 3) first.stop();
    });
    const stopped = await first.done;
    off();
    assert.equal(stopped.summary.status, 'stopped');
    // The stop message crosses threads while the worker keeps training: it lands a batch or so later.
    const at = /stopped at epoch 1 batch (\d+)/.exec(stopped.summary.stopReason ?? '');
    assert.ok(at && Number(at[1]) >= 4, stopped.summary.stopReason ?? 'no stop reason');
    const next = await second.done;
    assert.equal(next.summary.status, 'done');
  });

  it("evaluates a run's checkpoint in the worker, with progress, and cancels an evaluation in flight", async () => {
    const { runDir, summary } = await client.start({ modelText: MODEL, outDir: root, backend: 'wasm', epochs: 1 }).done;
    const summaryPath = join(runDir, 'summary.json');
    // As a stopped run leaves it: no test figures.
    writeFileSync(summaryPath, JSON.stringify({ ...summary, status: 'stopped', test: null }));
    const untouched = readFileSync(summaryPath, 'utf8');
    // The worker is free, so the evaluation starts at once and the stop follows it: the worker takes it while
    // loading, and the test pass stops before its first batch (deterministic, whatever the load).
    const cancelled = client.evaluate({ runDir, backend: 'wasm' });
    assert.equal(client.busy, true);
    cancelled.cancel();
    await assert.rejects(cancelled.done, /cancelled/);
    assert.equal(readFileSync(summaryPath, 'utf8'), untouched);

    const progress: number[] = [];
    const result = await client.evaluate({ runDir, backend: 'wasm' }, (p) => p.done !== undefined && progress.push(p.done)).done;
    assert.equal(result.checkpoint, 'best');
    assert.equal(result.test.accuracy, summary.test?.accuracy);
    assert.equal(progress[progress.length - 1], summary.testSamples);
    const written = JSON.parse(readFileSync(summaryPath, 'utf8'));
    assert.deepEqual(written.test, result.test);
    assert.equal(written.status, 'stopped');
  });

  it('rejects a model file with errors, with its diagnostics', async () => {
    const run = client.start({ modelText: MODEL.replace('Linear(64,', 'Linear(65,'), outDir: root, backend: 'wasm' });
    await assert.rejects(run.done, (err: unknown) => err instanceof TrainingError && err.diagnostics.length > 0 && /^\d+:\d+: error: .+ \[[a-z-]+\]$/.test(err.diagnostics[0]));
  });

  it('shares the worker with the inspector: its replies reach the inspector, not the trainer', async () => {
    const { runDir } = await client.start({ modelText: MODEL, outDir: root, backend: 'wasm', epochs: 1 }).done;
    const inspector = new InspectClient(client.inspectPort());
    try {
      const progress: string[] = [];
      const open = await inspector.request({ kind: 'open', runDir, backend: 'wasm' }, (_d, _t, message) => progress.push(message)).result;
      assert.ok(open.kind === 'open' && open.info.layers.length > 0);
      assert.ok(progress.length > 0, 'progress messages reach the inspector');
      const input = await inspector.request({ kind: 'input', input: { kind: 'test', index: 0 }, topK: 2 }).result;
      assert.ok(input.kind === 'input' && input.predictions.length === 2);
      const maps = await inspector.request({ kind: 'featureMaps', layer: 1 }).result;
      assert.ok(maps.kind === 'featureMaps' && maps.picture.png.length > 0);
      assert.deepEqual(logs.filter((l) => /invalid message/.test(l)), []);
    } finally {
      inspector.dispose();
    }
  });

  it('fails pending inspector requests when the worker crashes', async () => {
    const script = join(root, 'silent-worker.js');
    // A worker that never answers, then dies: the request must fail with the reason instead of hanging.
    writeFileSync(script, "require('node:worker_threads').parentPort.on('message', () => setTimeout(() => process.exit(3), 50));\n");
    const silent = new TrainerClient({ workerPath: script });
    const inspector = new InspectClient(silent.inspectPort());
    await assert.rejects(inspector.request({ kind: 'featureMaps', layer: 1 }).result, /exited unexpectedly \(code 3\)/);
    inspector.dispose();
    await silent.dispose();
  });

  it('relays every kind of run event, the strip of validation images included', async () => {
    // A worker that answers a start with one event of each kind, as the engine sends them, then the result.
    const script = join(root, 'events-worker.js');
    const strip = { epoch: 1, columns: ['input'], width: 1, height: 1, channels: 1, errorName: 'mIoU', rows: [{ index: 0, label: 0, images: ['AA=='], error: 0.5 }] };
    const events = [
      { type: 'started', runDir: root, backend: 'wasm' },
      { type: 'log', level: 'info', message: 'hello' },
      { type: 'phase', phase: 'validation', epoch: 1, samples: 1 },
      { type: 'progress', metrics: { kind: 'epoch', epoch: 1 } },
      { type: 'samples', strip },
    ];
    writeFileSync(script, `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  for (const e of ${JSON.stringify(events)}) parentPort.postMessage({ ...e, runId: m.runId });
  parentPort.postMessage({ type: 'done', runId: m.runId, result: { runDir: ${JSON.stringify(root)}, summary: {} } });
});\n`);
    const relay = new TrainerClient({ workerPath: script });
    const seen: TrainerClientEvent[] = [];
    relay.onEvent((e) => seen.push(e));
    await relay.start({ modelText: MODEL }).done;
    await relay.dispose();
    assert.deepEqual(seen.map((e) => e.type), ['started', 'log', 'phase', 'progress', 'samples']);
    assert.deepEqual(seen.find((e) => e.type === 'samples'), { type: 'samples', strip, runId: seen[0].runId });
  });

  it('reports a crashed worker and starts a fresh one for the next run', async () => {
    const script = join(root, 'crashing-worker.js');
    writeFileSync(script, "require('node:worker_threads').parentPort.on('message', () => { throw new Error('boom'); });\n");
    const crashing = new TrainerClient({ workerPath: script });
    const crashes: TrainerClientEvent[] = [];
    crashing.onEvent((e) => crashes.push(e));
    for (let attempt = 0; attempt < 2; attempt++) {
      await assert.rejects(crashing.start({ modelText: MODEL }).done, /trainer worker crashed: boom/);
    }
    assert.equal(crashes.filter((e) => e.type === 'crashed').length, 2);
    assert.equal(crashing.busy, false);
    await crashing.dispose();
  });
});
