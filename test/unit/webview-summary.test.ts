import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { layoutArchitecture } from '../../media/summary/architectureLayout';
import { SummaryController, type SummaryView } from '../../media/summary/controller';
import type { WebviewApi } from '../../media/webviewApi';
import {
  isFromSummaryWebview,
  isToSummaryWebview,
  parseSummaryState,
  type SummaryViewModel,
  type SummaryWebviewState,
} from '../../src/protocol/webview-summary';
import { contentSecurityPolicy, createNonce, webviewHtml } from '../../src/webviews/html';
import { buildSummaryViewModel } from '../../src/webviews/summary/summaryViewModel';
import { analyse, loadFixture } from '../fixtures/language/load';

const fashion = () => buildSummaryViewModel(loadFixture('fashion').analysis, 'file:///w/fashion.cnn.yaml', 'fashion.cnn.yaml');

describe('summary view model', () => {
  it('has one row per layer with its line, shape, params, MACs and receptive field', () => {
    const vm = fashion();
    assert.equal(vm.rows.length, 11);
    assert.deepEqual(vm.rows[0], {
      index: 1, type: 'Conv2d', text: 'Conv2d(1, 16, kernel_size=3, padding=1)', line: 4, character: 4,
      inputShape: [1, 28, 28], outputShape: [16, 28, 28], params: 160, trainable: true, macs: 112896, receptiveField: 3, jump: 1, module: '0',
    });
    assert.equal(vm.rows[5].receptiveField, 10);
    assert.equal(vm.rows[5].jump, 4);
  });

  it('estimates memory for a batch of train.batch_size like torchinfo', () => {
    const m = loadFixture('fashion');
    const vm = buildSummaryViewModel(m.analysis, 'file:///x', 'x');
    const outputs = m.analysis.layers.reduce((sum, l) => sum + l.outputShape.reduce((a, b) => a * b, 1), 0);
    assert.equal(vm.totals.batchSize, 64);
    assert.equal(vm.totals.params, 206922);
    assert.equal(vm.totals.inputBytes, 4 * 784 * 64);
    assert.equal(vm.totals.forwardBackwardBytes, 2 * 4 * outputs * 64);
    assert.equal(vm.totals.paramBytes, 4 * 206922);
    assert.equal(vm.totals.totalBytes, vm.totals.inputBytes + vm.totals.forwardBackwardBytes + vm.totals.paramBytes);
  });

  it('lists problems with their lines', () => {
    const vm = buildSummaryViewModel(loadFixture('mistakes').analysis, 'file:///m', 'mistakes.cnn.yaml');
    assert.deepEqual(vm.problems.map((p) => [p.severity, p.line]), [['error', 3], ['error', 8]]);
    assert.match(vm.problems[1].message, /did you forget Flatten/);
  });
});

describe('summary protocol', () => {
  it('accepts well-formed messages and rejects malformed ones', () => {
    assert.ok(isFromSummaryWebview({ type: 'ready' }));
    assert.ok(isFromSummaryWebview({ type: 'reveal', line: 3, character: 0 }));
    for (const bad of [null, 'ready', { type: 'reveal', line: -1, character: 0 }, { type: 'reveal', line: 1.5, character: 0 }, { type: 'reveal', line: 2 }, { type: 'exec' }]) {
      assert.equal(isFromSummaryWebview(bad), false, JSON.stringify(bad));
    }
    assert.ok(isToSummaryWebview({ type: 'update', model: fashion() }));
    assert.ok(isToSummaryWebview({ type: 'empty', message: 'none' }));
    assert.equal(isToSummaryWebview({ type: 'update', model: { ...fashion(), rows: [{ index: 'x' }] } }), false);
    assert.equal(isToSummaryWebview({ type: 'update' }), false);
  });

  it('restores only usable state', () => {
    const vm = fashion();
    assert.deepEqual(parseSummaryState({ model: vm, selected: 2 }), { model: vm, selected: 2, expanded: undefined });
    assert.deepEqual(parseSummaryState({ model: { uri: 1 }, selected: -1 }), { model: undefined, selected: undefined, expanded: undefined });
    assert.deepEqual(parseSummaryState('garbage'), {});
  });
});

/** A fake of what acquireVsCodeApi() returns, recording posted messages and kept state. */
function fakeApi(initial?: unknown) {
  const posted: unknown[] = [];
  let state: unknown = initial;
  const api: WebviewApi<SummaryWebviewState> = {
    postMessage: (m) => posted.push(m),
    getState: () => state as SummaryWebviewState | undefined,
    setState: (s) => {
      state = JSON.parse(JSON.stringify(s));
    },
  };
  return { api, posted, state: () => state };
}

function recordingView() {
  const calls: Array<['model', SummaryViewModel, number | undefined] | ['empty', string]> = [];
  const view: SummaryView = {
    showModel: (model, selected) => calls.push(['model', model, selected]),
    showEmpty: (message) => calls.push(['empty', message]),
  };
  return { view, calls };
}

describe('summary webview controller', () => {
  it('says ready, shows updates, keeps them in state, and reveals clicked layers', () => {
    const { api, posted, state } = fakeApi();
    const { view, calls } = recordingView();
    const controller = new SummaryController(api, view);
    controller.start();
    assert.deepEqual(posted, [{ type: 'ready' }]);
    assert.equal(calls.length, 0);
    const vm = fashion();
    controller.receive({ type: 'update', model: vm });
    assert.equal(calls.at(-1)?.[0], 'model');
    assert.deepEqual((state() as SummaryWebviewState).model, vm);
    controller.selectRow(3);
    assert.deepEqual(posted.at(-1), { type: 'reveal', line: 7, character: 4 });
    assert.equal((state() as SummaryWebviewState).selected, 3);
    controller.selectProblem(0);
    assert.equal(posted.length, 2, 'no problems, nothing to reveal');
  });

  it('restores the last model after a reload before the host answers', () => {
    const vm = fashion();
    const { api, posted } = fakeApi({ model: vm, selected: 2 });
    const { view, calls } = recordingView();
    new SummaryController(api, view).start();
    assert.deepEqual(calls, [['model', vm, 2]]);
    assert.deepEqual(posted, [{ type: 'ready' }]);
  });

  it('keeps the selection for the same file and drops it for another file', () => {
    const { api, state } = fakeApi();
    const { view } = recordingView();
    const controller = new SummaryController(api, view);
    const vm = fashion();
    controller.receive({ type: 'update', model: vm });
    controller.selectRow(4);
    controller.receive({ type: 'update', model: vm });
    assert.equal((state() as SummaryWebviewState).selected, 4);
    controller.receive({ type: 'update', model: { ...vm, uri: 'file:///other.cnn.yaml' } });
    assert.equal((state() as SummaryWebviewState).selected, undefined);
  });

  it('logs and ignores malformed messages', () => {
    const { api, state } = fakeApi();
    const { view, calls } = recordingView();
    const warnings: string[] = [];
    const controller = new SummaryController(api, view, (w) => warnings.push(w));
    controller.receive({ type: 'update', model: { name: 'x' } });
    controller.receive(42);
    assert.equal(warnings.length, 2);
    assert.equal(calls.length, 0);
    assert.equal(state(), undefined);
    controller.receive({ type: 'empty', message: 'Open a model file' });
    assert.deepEqual(calls, [['empty', 'Open a model file']]);
  });
});

describe('architecture layout', () => {
  it('draws one block per shape change, shrinking with H×W and thickening with channels', () => {
    const vm = fashion();
    const layout = layoutArchitecture(vm.input, vm.rows);
    assert.deepEqual(layout.blocks.map((b) => b.types.join('+')), ['input', 'Conv2d+ReLU', 'MaxPool2d', 'Conv2d+ReLU', 'MaxPool2d', 'Flatten', 'Linear+ReLU+Dropout', 'Linear']);
    const maps = layout.blocks.filter((b) => b.kind === 'map');
    for (let i = 1; i < maps.length; i++) {
      const [c0, h0] = maps[i - 1].shape;
      const [c1, h1] = maps[i].shape;
      if (h1 < h0) assert.ok(maps[i].height < maps[i - 1].height);
      if (c1 > c0) assert.ok(maps[i].width > maps[i - 1].width);
    }
    for (let i = 1; i < layout.blocks.length; i++) assert.ok(layout.blocks[i].x > layout.blocks[i - 1].x + layout.blocks[i - 1].width);
    for (const b of layout.blocks) {
      assert.ok(b.x + b.width + b.depth <= layout.width && b.y - b.depth >= 0 && b.y + b.height <= layout.height, JSON.stringify(b));
    }
    assert.equal(layout.blocks[1].row, 0);
    assert.equal(layout.blocks[0].row, -1);
  });

  it('draws every activation inside the block of the layer it follows', () => {
    const vm = buildSummaryViewModel(analyse('input: [3, 8, 8]\nlayers:\n  - Conv2d(3, 4, 3)\n  - GELU()\n  - Conv2d(4, 4, 3)\n  - PReLU(4)\n  - Conv2d(4, 4, 1)\n  - Hardswish()\n  - SiLU()\n').analysis, 'file:///a', 'a');
    assert.deepEqual(layoutArchitecture(vm.input, vm.rows).blocks.map((b) => b.types.join('+')), ['input', 'Conv2d+GELU', 'Conv2d+PReLU', 'Conv2d+Hardswish+SiLU']);
  });

  it('gives each convolution its own block even when the shape is kept', () => {
    const vm = buildSummaryViewModel(loadFixture('blocks').analysis, 'file:///b', 'b');
    const types = layoutArchitecture(vm.input, vm.rows).blocks.map((b) => b.types.join('+'));
    assert.deepEqual(types, ['input', 'Conv2d', 'Conv2d+ReLU', 'Conv2d+ReLU', 'Conv2d+ReLU', 'Conv2d+BatchNorm2d', 'AdaptiveAvgPool2d', 'Flatten', 'Linear']);
  });
});

describe('webview HTML', () => {
  it('has a strict CSP: no default sources, scripts only by nonce, images from the extension or data/blob', () => {
    const nonce = createNonce();
    assert.notEqual(nonce, createNonce());
    const html = webviewHtml({ cspSource: 'vscode-resource:', nonce, title: 'A <b>', scripts: ['x/summary.js'], styles: ['s.css'] });
    const csp = contentSecurityPolicy('vscode-resource:', nonce);
    assert.ok(html.includes(`content="${csp.replace(/'/g, "'")}"`));
    assert.match(csp, /^default-src 'none'; img-src vscode-resource: data: blob:; style-src vscode-resource:; font-src vscode-resource:; script-src 'nonce-[A-Za-z0-9+/=]{24}'$/);
    assert.ok(!html.includes('unsafe-inline') && !html.includes('unsafe-eval'));
    assert.ok(html.includes(`<script nonce="${nonce}" src="x/summary.js"></script>`));
    assert.ok(html.includes('<title>A &lt;b&gt;</title>'));
    assert.equal((html.match(/<script/g) ?? []).length, 1);
  });
});

/** The zoo's ResNet-50 as the panel gets it. */
const resnet50 = () => buildSummaryViewModel(analyse(readFileSync(join(__dirname, '..', '..', 'examples', 'zoo', 'resnet50.cnn.yaml'), 'utf8')).analysis, 'file:///w/resnet50.cnn.yaml', 'resnet50.cnn.yaml');

function expansionView() {
  const shown: Array<{ selected: number | undefined; expanded: string[] }> = [];
  const view: SummaryView = {
    showModel: (_model, selected, expanded) => shown.push({ selected, expanded: [...expanded].sort() }),
    showEmpty: () => undefined,
  };
  return { view, shown };
}

describe('summary blocks in the webview controller', () => {
  it('expands and collapses a block, keeping that through edits of the same file and a reload', () => {
    const { api, state } = fakeApi();
    const { view, shown } = expansionView();
    const controller = new SummaryController(api, view);
    const vm = resnet50();
    controller.receive({ type: 'update', model: vm });
    assert.deepEqual(shown.at(-1)?.expanded, []);
    controller.toggleBlock('layer2');
    controller.toggleBlock('layer2.0');
    assert.deepEqual(shown.at(-1)?.expanded, ['layer2', 'layer2.0']);
    controller.toggleBlock('layer2.0');
    assert.deepEqual(shown.at(-1)?.expanded, ['layer2']);
    controller.toggleBlock('no.such.block');
    assert.deepEqual((state() as SummaryWebviewState).expanded, ['layer2']);
    controller.receive({ type: 'update', model: vm });
    assert.deepEqual(shown.at(-1)?.expanded, ['layer2']);

    const reloaded = expansionView();
    new SummaryController(fakeApi(state()).api, reloaded.view).start();
    assert.deepEqual(reloaded.shown, [{ selected: undefined, expanded: ['layer2'] }]);

    controller.receive({ type: 'update', model: { ...vm, uri: 'file:///w/other.cnn.yaml' } });
    assert.deepEqual(shown.at(-1)?.expanded, []);
  });

  it('expands the blocks around a layer picked in the drawing, and reveals it', () => {
    const { api, posted } = fakeApi();
    const { view, shown } = expansionView();
    const controller = new SummaryController(api, view);
    const vm = resnet50();
    controller.receive({ type: 'update', model: vm });
    const row = vm.rows.findIndex((r) => r.module === 'layer3.1.conv2');
    controller.selectRow(row);
    assert.deepEqual(shown.at(-1), { selected: row, expanded: ['layer3', 'layer3.1'] });
    assert.deepEqual(posted.at(-1), { type: 'reveal', line: vm.rows[row].line, character: vm.rows[row].character });
  });

  it('restores only a list of block paths', () => {
    assert.deepEqual(parseSummaryState({ expanded: ['layer1'] }).expanded, ['layer1']);
    assert.equal(parseSummaryState({ expanded: 'layer1' }).expanded, undefined);
    assert.equal(parseSummaryState({ expanded: [1] }).expanded, undefined);
    const vm = resnet50();
    assert.ok(parseSummaryState({ model: vm }).model);
    assert.equal(parseSummaryState({ model: { ...vm, blocks: [{ path: 'x', first: 3, last: 9999, outputShape: [], params: 0, trainableParams: 0, macs: 0 }] } }).model, undefined);
  });
});
