/**
 * The worker side of the inspector (InspectorSession through its message bridge) on a run trained in this
 * test: every request kind answers with PNG bytes and typed arrays, progress flows, cancellation stops occlusion.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { FromInspectWorker, InspectRequest, InspectResult } from '../../src/protocol/inspect';
import { isFromInspectWorker, parseFromInspectorWebview } from '../../src/protocol/inspectValidate';
import { decodePngRgba } from '../../src/inspect/image/png';
import { createInspectWorker } from '../../src/inspect/session/workerBridge';
import { initBackend } from '../../src/trainer/backend/index';
import { SHAPE_CLASSES } from '../../src/trainer/datasets/shapes';
import { trainTinyRun, type TrainedRun } from './inspect-fixture';

let fixture: TrainedRun;
const messages: FromInspectWorker[] = [];
const bridge = createInspectWorker((m) => {
  assert.ok(isFromInspectWorker(m), `valid message ${JSON.stringify(m).slice(0, 100)}`);
  messages.push(m);
}, (choice) => initBackend(choice === 'auto' ? 'wasm' : choice));
let nextId = 0;

/** Sends one request through the bridge and waits for its reply (as the host's MessageHandler would). */
async function ask<K extends InspectRequest['kind']>(request: Extract<InspectRequest, { kind: K }>, taskId = `t${nextId}`): Promise<Extract<InspectResult, { kind: K }>> {
  const requestId = `r${nextId++}`;
  assert.ok(bridge.receive({ type: 'inspect', requestId, taskId, request }));
  for (;;) {
    const reply = messages.find((m) => m.type === 'inspect-result' && m.replyTo === requestId);
    if (reply && reply.type === 'inspect-result') {
      if (reply.error) throw new Error(reply.error);
      assert.equal(reply.result?.kind, request.kind);
      return reply.result as Extract<InspectResult, { kind: K }>;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

const png = (p: { png: Uint8Array; width: number; height: number }): void => {
  const d = decodePngRgba(p.png);
  assert.deepEqual([d.width, d.height], [p.width, p.height]);
};

before(async () => {
  fixture = await trainTinyRun(true);
});
after(() => {
  bridge.dispose();
  if (fixture) rmSync(fixture.root, { recursive: true, force: true });
});

describe('inspector session', () => {
  it('refuses requests before a run is open, and other message types', async () => {
    await assert.rejects(() => ask({ kind: 'saliency', classIndex: 0 }), /no run is open/);
    assert.equal(bridge.receive({ type: 'start', runId: 'x' }), false);
  });

  it('opens a run with its layers, classes and dataset', async () => {
    const { info } = await ask({ kind: 'open', runDir: fixture.runDir });
    assert.equal(info.checkpoint, 'best');
    assert.equal(info.layers.length, 10);
    assert.deepEqual(info.convLayers, [1, 4]);
    assert.deepEqual(info.merges, [], 'a sequence has no merges');
    assert.equal(info.testCount, 80);
    assert.ok(info.hasAugment);
    assert.equal(info.datasetProblem, null);
    assert.deepEqual(info.notices, []);
    assert.equal(info.layers[0].line, 3);
  });

  it('tells the panel what opening found: an interrupted run, a damaged best/ replaced by last/', async () => {
    const copy = join(fixture.root, 'interrupted-copy');
    cpSync(fixture.runDir, copy, { recursive: true });
    try {
      // The summary of a training process killed with -9: still 'running', its owner gone.
      const dead = spawnSync(process.execPath, ['-e', '']).pid;
      const summary = JSON.parse(readFileSync(join(copy, 'summary.json'), 'utf8'));
      const owner = { pid: dead, host: hostname(), startedAt: new Date().toISOString() };
      writeFileSync(join(copy, 'summary.json'), JSON.stringify({ ...summary, status: 'running', owner, heartbeatAt: owner.startedAt }));
      const weights = join(copy, 'best', 'weights.bin');
      writeFileSync(weights, readFileSync(weights).subarray(0, 100));
      const { info } = await ask({ kind: 'open', runDir: copy });
      assert.equal(info.checkpoint, 'last');
      assert.equal(info.notices.length, 2, info.notices.join('\n'));
      assert.match(info.notices[0], new RegExp(`was interrupted after \\d+/\\d+ epoch\\(s\\) \\(the training process \\(pid ${dead} `));
      assert.match(info.notices[1], /^warning: .*best cannot be loaded \(.*weights\.bin has 100 bytes.*\); using last\/ instead$/);
    } finally {
      await ask({ kind: 'open', runDir: fixture.runDir });
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('chooses inputs by index, class, random and file, with predictions for every class', async () => {
    const byIndex = await ask({ kind: 'input', input: { kind: 'test', index: 5 }, topK: 100 });
    assert.equal(byIndex.predictions.length, SHAPE_CLASSES.length);
    assert.ok(Math.abs(byIndex.predictions.reduce((s, p) => s + p.probability, 0) - 1) < 1e-4);
    png(byIndex.picture);
    const byClass = await ask({ kind: 'input', input: { kind: 'class', classIndex: 2, nth: 1 } });
    assert.equal(byClass.label, 2);
    await assert.rejects(() => ask({ kind: 'input', input: { kind: 'class', classIndex: 2, nth: 999 } }), /the test set has \d+ image\(s\) of class triangle/);
    const random = await ask({ kind: 'input', input: { kind: 'random', seed: 7 } });
    assert.match(random.source, /^test #\d+$/);
    const file = await ask({ kind: 'input', input: { kind: 'file', path: fixture.images[0].file } });
    assert.equal(file.label, null);
    assert.equal(file.source, fixture.images[0].file);
  });

  it('pages feature maps and enlarges one', async () => {
    const page = await ask({ kind: 'featureMaps', layer: 4, first: 2, count: 4 });
    assert.deepEqual(page.shape, [8, 10, 10]);
    assert.equal(page.layout.first, 2);
    assert.equal(page.layout.ranges.length, 4);
    png(page.picture);
    const one = await ask({ kind: 'featureMap', layer: 4, channel: 3 });
    assert.equal(one.values.length, 100);
    assert.ok(one.values instanceof Float32Array);
    png(one.picture);
    await assert.rejects(() => ask({ kind: 'featureMap', layer: 4, channel: 8 }), /layer 4 has 8 channels/);
  });

  it('shows filters with their values', async () => {
    const f = await ask({ kind: 'filters', layer: 4, first: 0, count: 2 });
    assert.equal(f.values.length, 2 * 6 * 3 * 3);
    assert.equal(f.layout.columns, 6);
    png(f.picture);
  });

  it('computes saliency and occlusion (with progress and cancellation)', async () => {
    png((await ask({ kind: 'saliency', classIndex: 1 })).picture);
    messages.length = 0;
    const occ = await ask({ kind: 'occlusion', classIndex: 1, patch: 4, stride: 2 }, 'occ');
    assert.equal(occ.rows * occ.cols, occ.drops.length);
    assert.ok(occ.complete);
    assert.ok(messages.some((m) => m.type === 'inspect-progress' && m.taskId === 'occ' && m.done === m.total));
    bridge.receive({ type: 'inspect-cancel', taskId: 'occ2' });
    const cancelled = ask({ kind: 'occlusion', classIndex: 1, patch: 2, stride: 1 }, 'occ2');
    await assert.rejects(() => cancelled, /cancelled/);
  });

  it('draws the visualisation views: saliency methods, Grad-CAM, guided backprop, deconvnet, receptive fields, top-k images', async () => {
    messages.length = 0;
    const sg = await ask({ kind: 'saliency', classIndex: 1, method: 'smoothgrad', samples: 20 }, 'sg');
    assert.equal(sg.method, 'smoothgrad');
    assert.match(sg.target ?? '', /score of/);
    png(sg.picture);
    assert.ok(messages.some((m) => m.type === 'inspect-progress' && m.taskId === 'sg' && m.done === 20 && m.total === 20));
    png((await ask({ kind: 'saliency', classIndex: 1, method: 'integrated', samples: 16 })).picture);
    // Default layer: the last conv block's output (layer 5, the ReLU after the last Conv2d), 8 channels at 10×10; any spatial layer may be chosen.
    const cam = await ask({ kind: 'gradCam', classIndex: 2 });
    assert.deepEqual([cam.layer, cam.weights.length, cam.camHeight, cam.camWidth], [5, 8, 10, 10]);
    assert.deepEqual([cam.image.width, cam.image.height], [cam.heatmap.width, cam.heatmap.height]);
    assert.equal((await ask({ kind: 'gradCam', classIndex: 2, layer: 3 })).camHeight, 10);
    await assert.rejects(ask({ kind: 'gradCam', classIndex: 2, layer: 8 }), /layer 8 \(Linear\) outputs \[16\]/);
    const guided = await ask({ kind: 'guidedBackprop', classIndex: 0 });
    png(guided.guided);
    png(guided.guidedGradCam);
    const deconv = await ask({ kind: 'deconvnet', layer: 5 });
    assert.ok(deconv.channel < 8 && deconv.value > 0);
    // Layer 4's field is 3 + 2·2 + … : the core's size, centred on the 10×10 map's unit (5, 5).
    const rf = await ask({ kind: 'receptiveField', layer: 4, count: 40 }, 'rf');
    assert.deepEqual([rf.row, rf.col, rf.images], [5, 5, 40]);
    assert.ok(rf.side90 > 0 && rf.side90 <= rf.theoretical.size, `side90 ${rf.side90} vs ${rf.theoretical.size}`);
    png(rf.effectivePicture);
    const top = await ask({ kind: 'topImages', layer: 4, channel: 3, k: 6, count: 50 });
    assert.equal(top.images.length, 6);
    assert.equal(top.searched, 50);
    assert.ok(top.images.every((t, i) => i === 0 || t.value <= top.images[i - 1].value));
    png(top.picture);
  });

  it('runs activation maximisation with progress, and a cancel keeps the steps done', async () => {
    messages.length = 0;
    const am = await ask({ kind: 'activationMax', layer: 4, first: 2, count: 4, steps: 12, seed: 3 }, 'am');
    assert.deepEqual(am.channels, [2, 3, 4, 5]);
    assert.ok(am.complete && am.stepsDone === 12);
    assert.ok(am.gains.every((g) => g > 0), `gains ${am.gains}`);
    assert.equal(am.layout.columns * am.layout.rows >= 4, true);
    png(am.picture);
    assert.ok(messages.some((m) => m.type === 'inspect-progress' && m.taskId === 'am' && m.done === 12));
    messages.length = 0;
    const running = ask({ kind: 'activationMax', layer: 4, count: 8, steps: 2000 }, 'am2');
    while (!messages.some((m) => m.type === 'inspect-progress' && m.taskId === 'am2')) await new Promise((r) => setTimeout(r, 2));
    bridge.receive({ type: 'inspect-cancel', taskId: 'am2' });
    const stopped = await running;
    assert.ok(!stopped.complete && stopped.stepsDone < 2000, `stopped after ${stopped.stepsDone}`);
  });

  it('embeds test images with PCA and t-SNE', async () => {
    const p = await ask({ kind: 'embeddings', count: 60, method: 'pca' });
    assert.equal(p.points.length, 120);
    assert.equal(p.featureSize, 16);
    assert.ok(p.explainedRatio && p.explainedRatio[0] >= p.explainedRatio[1]);
    const t = await ask({ kind: 'embeddings', count: 60, method: 'tsne', perplexity: 10, seed: 2 });
    assert.ok(t.points.every(Number.isFinite));
    const again = await ask({ kind: 'embeddings', count: 60, method: 'tsne', perplexity: 10, seed: 2 });
    assert.deepEqual(again.points, t.points);
    png((await ask({ kind: 'thumbnail', index: 3 })).picture);
  });

  it('stops a running t-SNE when cancelled mid-way', async () => {
    messages.length = 0;
    const running = ask({ kind: 'embeddings', count: 80, method: 'tsne', perplexity: 10 }, 'tsne');
    while (!messages.some((m) => m.type === 'inspect-progress' && m.taskId === 'tsne' && m.message === 't-SNE')) await new Promise((r) => setTimeout(r, 2));
    bridge.receive({ type: 'inspect-cancel', taskId: 'tsne' });
    await assert.rejects(() => running, /cancelled/);
    const last = messages.filter((m) => m.type === 'inspect-progress' && m.message === 't-SNE').pop();
    assert.ok(last && last.type === 'inspect-progress' && last.done < last.total, 'stopped before the last iteration');
  });

  it('previews augmentation and runs the convolution playground on the current input', async () => {
    const a = await ask({ kind: 'augment', count: 9, seed: 1, trainIndex: 0 });
    assert.equal(a.layout.columns, 3);
    png(a.picture);
    await ask({ kind: 'input', input: { kind: 'test', index: 0 } });
    const g = await ask({ kind: 'playground', kernel: [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], padding: 1, paddingMode: 'reflect', stride: 2, pool: { kind: 'max', size: 2, stride: 2 } });
    assert.deepEqual(g.outputSize, [10, 10]);
    assert.equal(g.formula, '⌊(20 + 2·1 − 3) / 2⌋ + 1 = 10');
    assert.deepEqual(g.pooledSize, [5, 5]);
    png(g.output);
  });
});

describe('webview messages', () => {
  it('are validated before the host acts on them', () => {
    assert.deepEqual(parseFromInspectorWebview({ type: 'request', id: 1, request: { kind: 'saliency', classIndex: 2 } }), { type: 'request', id: 1, request: { kind: 'saliency', classIndex: 2 } });
    assert.equal(parseFromInspectorWebview({ type: 'request', id: 1, request: { kind: 'open', runDir: '/' } }), undefined);
    assert.equal(parseFromInspectorWebview({ type: 'request', id: 1, request: { kind: 'playground', kernel: [[1, 'x']], padding: 0, paddingMode: 'zeros', stride: 1 } }), undefined);
    assert.equal(parseFromInspectorWebview({ type: 'request', id: 1, request: { kind: 'occlusion', classIndex: 0, patch: 0, stride: 1 } }), undefined);
    assert.equal(parseFromInspectorWebview({ type: 'nonsense' }), undefined);
    const mergeMaps = { kind: 'featureMaps', layer: 1, merge: 2, first: 0, count: 8 };
    assert.deepEqual(parseFromInspectorWebview({ type: 'request', id: 2, request: mergeMaps }), { type: 'request', id: 2, request: mergeMaps });
    assert.equal(parseFromInspectorWebview({ type: 'request', id: 2, request: { ...mergeMaps, merge: 0 } }), undefined);
    assert.equal(parseFromInspectorWebview({ type: 'request', id: 2, request: { kind: 'featureMap', layer: 1, merge: 'concat', channel: 0 } }), undefined);
  });
});
