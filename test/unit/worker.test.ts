/**
 * The trainer worker through TrainerClient, as the extension uses it: a real worker_threads thread running
 * src/trainer/worker.ts (through tsx) trains on shapes, streams typed events, stops on request, queues runs,
 * reports model-file errors, and a crashing worker is reported without taking the host down.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { TrainerClient, TrainingError, type TrainerClientEvent } from '../../src/trainer/client';
import { tinyShapesModel } from './engine-fixtures';

const root = mkdtempSync(join(tmpdir(), 'cnnlab-worker-'));
// Node 20 workers do not pick up tsx from execArgv for a .ts entry: a CommonJS bootstrap registers it first.
const bootstrap = join(root, 'worker-bootstrap.js');
writeFileSync(bootstrap, `require(${JSON.stringify(require.resolve('tsx/cjs'))});\nrequire(${JSON.stringify(resolve(__dirname, '../../src/trainer/worker.ts'))});\n`);
const client = new TrainerClient({ workerPath: bootstrap });
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

  it('rejects a model file with errors, with its diagnostics', async () => {
    const run = client.start({ modelText: MODEL.replace('Linear(64,', 'Linear(65,'), outDir: root, backend: 'wasm' });
    await assert.rejects(run.done, (err: unknown) => err instanceof TrainingError && err.diagnostics.length > 0 && /^\d+:\d+ error /.test(err.diagnostics[0]));
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
