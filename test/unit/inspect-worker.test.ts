/**
 * The inspector through the real trainer worker thread (src/trainer/worker.ts under tsx), as the extension runs
 * it: InspectClient over the worker's port, PNG bytes and typed arrays crossing the thread boundary, and the
 * trainer's own protocol still answered by the same worker.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { decodePngRgba } from '../../src/inspect/image/png';
import { InspectClient, type InspectPort } from '../../src/webviews/inspector/inspectClient';
import { trainTinyRun, type TrainedRun } from './inspect-fixture';

let fixture: TrainedRun;
let worker: Worker;
let client: InspectClient;
const others: unknown[] = [];

before(async () => {
  fixture = await trainTinyRun();
  // Node 20 workers do not pick up tsx from execArgv for a .ts entry: a CommonJS bootstrap registers it first.
  const bootstrap = join(fixture.root, 'worker-bootstrap.js');
  writeFileSync(bootstrap, `require(${JSON.stringify(require.resolve('tsx/cjs'))});\nrequire(${JSON.stringify(resolve(__dirname, '../../src/trainer/worker.ts'))});\n`);
  worker = new Worker(bootstrap);
  worker.on('message', (m: { type?: string }) => {
    if (!m?.type?.startsWith('inspect')) others.push(m);
  });
  const port: InspectPort = {
    post: (m) => worker.postMessage(m),
    onMessage: (listener) => {
      worker.on('message', listener);
      return () => worker.off('message', listener);
    },
    onClose: (listener) => {
      const onExit = (code: number): void => listener(`the worker exited (${code})`);
      worker.on('exit', onExit);
      return () => worker.off('exit', onExit);
    },
  };
  client = new InspectClient(port);
});

after(async () => {
  // Robust to a failed `before`: clean up whatever was created.
  client?.dispose();
  await worker?.terminate();
  if (fixture) rmSync(fixture.root, { recursive: true, force: true });
});

describe('inspector in the trainer worker', () => {
  it('opens a run, predicts and renders feature maps across the thread boundary', async () => {
    const progress: string[] = [];
    const open = await client.request({ kind: 'open', runDir: fixture.runDir, backend: 'wasm' }, (_d, _t, message) => progress.push(message)).result;
    assert.equal(open.kind, 'open');
    assert.ok(progress.some((m) => /shapes/.test(m)), `dataset progress: ${progress.join(' | ')}`);
    const input = await client.request({ kind: 'input', input: { kind: 'file', path: fixture.images[1].file }, topK: 2 }).result;
    assert.ok(input.kind === 'input' && input.predictions.length === 2);
    const maps = await client.request({ kind: 'featureMaps', layer: 1 }).result;
    assert.ok(maps.kind === 'featureMaps' && maps.picture.png instanceof Uint8Array);
    assert.equal(decodePngRgba(maps.picture.png).width, maps.picture.width);
    const one = await client.request({ kind: 'featureMap', layer: 1, channel: 0 }).result;
    assert.ok(one.kind === 'featureMap' && one.values instanceof Float32Array && one.values.length === 400);
  });

  it('rejects a bad request with the worker message, and leaves trainer messages to the trainer', async () => {
    await assert.rejects(client.request({ kind: 'filters', layer: 2 }).result, /layer 2 is not a Conv2d layer/);
    assert.ok(others.some((m) => (m as { type: string }).type === 'ready'));
    worker.postMessage({ type: 'stop', runId: 'nothing' });
    worker.postMessage({ type: 'bogus' });
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(others.some((m) => (m as { type: string; message?: string }).type === 'error' && /invalid message/.test((m as { message: string }).message)));
  });
});
