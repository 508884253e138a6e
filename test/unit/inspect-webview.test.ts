/**
 * The Inspector page's controller with a fake webview API: requests are numbered and settled by their results,
 * errors reject the right request, progress reaches its request, malformed host messages are ignored, and the
 * run folder is saved for reloads.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InspectorController, type InspectorView } from '../../media/inspector/controller';
import type { InspectorWebviewState, RunInfo } from '../../src/protocol/inspect';

function fakePage() {
  const posted: unknown[] = [];
  let state: InspectorWebviewState | undefined;
  const api = { postMessage: (m: unknown) => posted.push(m), getState: () => state, setState: (s: InspectorWebviewState) => (state = s) };
  const calls: string[] = [];
  const view: InspectorView = {
    showRun: (info) => calls.push(`run ${info.model}`),
    showEmpty: (m) => calls.push(`empty ${m}`),
    showLoading: (m) => calls.push(`loading ${m}`),
    showLayer: (l) => calls.push(`layer ${l}`),
    showError: (m) => calls.push(`error ${m}`),
  };
  const warnings: string[] = [];
  const controller = new InspectorController(api, view, (w) => warnings.push(w));
  return { controller, posted, calls, warnings, state: () => state };
}

const info: RunInfo = {
  runDir: '/runs/m/1', model: 'm', checkpoint: 'best', backend: 'wasm', classes: ['a', 'b'], input: [1, 8, 8], layers: [], merges: [], convLayers: [], visualLayer: null,
  testCount: 10, trainCount: 20, hasAugment: false, inputNoise: null, task: 'classification', bottleneck: null, latentPlane: false, datasetProblem: null, notices: [],
};
const picture = { png: new Uint8Array([1, 2]), width: 1, height: 1 };

describe('inspector page controller', () => {
  it('says ready, shows the run and saves its folder', () => {
    const p = fakePage();
    p.controller.start();
    assert.deepEqual(p.posted, [{ type: 'ready' }]);
    p.controller.receive({ type: 'run', info });
    assert.deepEqual(p.calls, ['run m']);
    assert.deepEqual(p.state(), { runDir: '/runs/m/1' });
  });

  it('settles each request with its own result or error, and routes progress', async () => {
    const p = fakePage();
    const progress: number[] = [];
    const a = p.controller.request({ kind: 'occlusion', classIndex: 1, patch: 2, stride: 1 }, (done) => progress.push(done));
    const b = p.controller.request({ kind: 'saliency', classIndex: 0 });
    assert.deepEqual(p.posted, [
      { type: 'request', id: a.id, request: { kind: 'occlusion', classIndex: 1, patch: 2, stride: 1 } },
      { type: 'request', id: b.id, request: { kind: 'saliency', classIndex: 0 } },
    ]);
    p.controller.receive({ type: 'progress', id: a.id, done: 3, total: 9, message: 'Occluding' });
    p.controller.receive({ type: 'error', id: b.id, message: 'class 0 is outside' });
    p.controller.receive({ type: 'result', id: a.id, result: { kind: 'saliency', classIndex: 1, picture, max: 2 } });
    await assert.rejects(b.result, /class 0 is outside/);
    assert.equal((await a.result).kind, 'saliency');
    assert.deepEqual(progress, [3]);
    p.controller.cancel(a.id);
    assert.deepEqual(p.posted.at(-1), { type: 'cancel', id: a.id });
  });

  it('reports loading, layer requests from the editor, stray errors, and ignores malformed messages', () => {
    const p = fakePage();
    p.controller.receive({ type: 'progress', id: 0, done: 0, total: 1, message: 'Loading fashion-mnist' });
    p.controller.receive({ type: 'showLayer', layer: 4 });
    p.controller.receive({ type: 'error', id: null, message: 'worker crashed' });
    p.controller.receive({ type: 'result', id: 'x', result: {} });
    p.controller.receive({ type: 'showLayer', layer: 0 });
    assert.deepEqual(p.calls, ['loading Loading fashion-mnist', 'layer 4', 'error worker crashed']);
    assert.equal(p.warnings.length, 2);
  });
});
