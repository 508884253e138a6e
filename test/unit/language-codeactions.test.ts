import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { codeActionsAt, type CodeActionEntry } from '../../src/language/codeActions';
import type { Position } from '../../src/model/types';
import { analyse, applyEdits, loadFixture, positionOf, type LoadedModel } from '../fixtures/language/load';

function actionsAt(m: LoadedModel, pos: Position): CodeActionEntry[] {
  return codeActionsAt(m.analysis, m.src, { start: pos, end: pos });
}

function apply(m: LoadedModel, action: CodeActionEntry | undefined): LoadedModel {
  assert.ok(action, 'expected an action');
  return analyse(applyEdits(m.text, action.edits));
}

/** What must survive a rewrite: shapes and parameter counts of every layer. */
function signature(m: LoadedModel): string[] {
  return m.analysis.layers.map((l) => `${l.type} ${l.outputShape.join('x')} ${l.params}`);
}

describe('code actions', () => {
  it("offers the core's fix for an in_channels mismatch, and it resolves the error", () => {
    const m = loadFixture('mistakes');
    const actions = actionsAt(m, positionOf(m.text, 'Conv2d(1', 7));
    const fix = actions.find((a) => a.title === 'Set in_channels to 3');
    assert.equal(fix?.kind, 'quickfix');
    assert.equal(fix?.diagnostic?.code, 'in-channels-mismatch');
    const fixed = apply(m, fix);
    assert.match(fixed.text, /- Conv2d\(3, 8, 3\)/);
    assert.ok(!fixed.analysis.diagnostics.some((d) => d.code === 'in-channels-mismatch'));
  });

  it('inserts Flatten() before a Linear on a 3-D tensor', () => {
    const m = loadFixture('mistakes');
    const actions = actionsAt(m, positionOf(m.text, 'Linear(100', 8));
    const fixed = apply(m, actions.find((a) => /Insert Flatten/.test(a.title)));
    assert.match(fixed.text, /  - Flatten\(\)\n  - Linear\(100, 10\)/);
    assert.equal(fixed.analysis.layers.find((l) => l.type === 'Flatten')?.outputShape[0], 16 * 26 * 26);
  });

  it('sets padding to keep the size of a stride-1 convolution, in block mapping form', () => {
    const m = loadFixture('mistakes');
    const actions = actionsAt(m, positionOf(m.text, 'conv2d:', 1));
    assert.deepEqual(actions.filter((a) => a.kind === 'quickfix').map((a) => a.title), [
      'Set padding=2 to keep 30×30',
      "Set padding='same' to keep 30×30 (from 16×26×26)",
    ]);
    for (const action of actions.filter((a) => a.kind === 'quickfix')) {
      const fixed = apply(m, action);
      const conv = fixed.analysis.layers[2];
      assert.deepEqual(conv.outputShape, [16, 30, 30], action.title);
      assert.match(fixed.text, /kernel_size: 5\n      padding: (2|same)\n/);
    }
  });

  it('replaces a written padding in call syntax, and handles even kernels with asymmetric same', () => {
    const m = analyse('input: [1, 28, 28]\nlayers:\n  - Conv2d(1, 4, 4, padding=0)\n  - Conv2d(4, 4, 3)\n');
    const even = actionsAt(m, { line: 2, character: 6 });
    assert.deepEqual(even.filter((a) => a.kind === 'quickfix').map((a) => a.title), ["Set padding='same' to keep 28×28 (from 4×25×25)"]);
    assert.match(apply(m, even[0]).text, /Conv2d\(1, 4, 4, padding='same'\)/);
    assert.deepEqual(apply(m, even[0]).analysis.layers[0].outputShape, [4, 28, 28]);
    const odd = apply(m, actionsAt(m, { line: 3, character: 6 }).find((a) => a.preferred));
    assert.match(odd.text, /Conv2d\(4, 4, 3, padding=1\)/);
  });

  it('offers no padding fix for strided or size-keeping convolutions', () => {
    const m = analyse('input: [1, 28, 28]\nlayers:\n  - Conv2d(1, 4, 3, stride=2)\n  - Conv2d(4, 4, 3, padding=1)\n');
    assert.deepEqual(actionsAt(m, { line: 2, character: 6 }).filter((a) => a.kind === 'quickfix'), []);
    assert.deepEqual(actionsAt(m, { line: 3, character: 6 }).filter((a) => a.kind === 'quickfix'), []);
  });

  it('converts every layer of the Fashion-MNIST model to the other form and back without changing it', () => {
    const m = loadFixture('fashion');
    const original = signature(m);
    for (const layer of m.analysis.layers) {
      const convert = actionsAt(m, layer.range.start).find((a) => a.kind === 'refactor.rewrite');
      const once = apply(m, convert);
      assert.deepEqual(once.analysis.diagnostics, [], `${layer.text}: ${once.text}`);
      assert.deepEqual(signature(once), original, once.text);
      const back = apply(once, actionsAt(once, layer.range.start).find((a) => a.kind === 'refactor.rewrite'));
      assert.deepEqual(signature(back), original, back.text);
    }
  });

  it('converts every layer of every clean example (repeat and residual blocks included) without changing the model', () => {
    const dir = join(__dirname, '..', '..', 'examples');
    const files = readdirSync(dir).filter((f) => f.endsWith('.cnn.yaml'));
    for (const file of files) {
      const m = analyse(readFileSync(join(dir, file), 'utf8'));
      if (m.analysis.diagnostics.length) continue;
      for (const layer of m.analysis.layers) {
        const converted = apply(m, actionsAt(m, layer.range.start).find((a) => a.kind === 'refactor.rewrite'));
        assert.deepEqual(converted.analysis.diagnostics, [], `${file}: ${layer.text}`);
        assert.deepEqual(signature(converted), signature(m), `${file}: ${layer.text}`);
      }
    }
  });

  it('a named layer without arguments converts to the empty mapping form, which can carry as:', () => {
    const m = analyse('input: [1, 8, 8]\nlayers:\n  - Conv2d(1, 4, 3, padding=1)\n  - d1 = ReLU()\n  - up = Conv2d(4, 4, 1)\n  - concat(up, d1)\n');
    const convert = actionsAt(m, positionOf(m.text, 'ReLU', 1)).find((a) => a.kind === 'refactor.rewrite');
    assert.equal(convert?.edits[0].newText, 'relu: {}\n    as: d1');
    const after = apply(m, convert);
    assert.deepEqual(after.analysis.diagnostics, []);
    assert.deepEqual(signature(after), signature(m));
  });

  it('writes conversions as people write them', () => {
    const m = loadFixture('fashion');
    const toMapping = (needle: string) => actionsAt(m, positionOf(m.text, needle, 1)).find((a) => a.kind === 'refactor.rewrite')?.edits[0].newText;
    assert.equal(toMapping('Conv2d(1, 16'), 'conv2d: {in_channels: 1, out_channels: 16, kernel_size: 3, padding: 1}');
    assert.equal(toMapping('ReLU()'), 'relu');
    assert.equal(toMapping('Dropout(0.5)'), 'dropout: {p: 0.5}');
    // The inferred in_channels is filled in so the call is valid PyTorch.
    assert.equal(toMapping('conv2d: {out'), 'Conv2d(16, 32, 3, padding=1)');
    assert.equal(toMapping('maxpool2d: {kernel'), 'MaxPool2d(2)');
    assert.equal(toMapping('relu\n'), 'ReLU()');
  });

  it('leaves in_channels to inference when the copies of a repeated layer receive different channels', () => {
    const m = analyse('input: [3, 8, 8]\nlayers:\n  - repeat:\n      times: 2\n      layers: [conv2d: {out_channels: 64, kernel_size: 3, padding: 1}, relu]\n');
    const convert = actionsAt(m, positionOf(m.text, 'conv2d', 1)).find((a) => a.kind === 'refactor.rewrite');
    assert.equal(convert?.edits[0].newText, 'Conv2d(out_channels=64, kernel_size=3, padding=1)');
    const after = apply(m, convert);
    assert.deepEqual(after.analysis.diagnostics, []);
    assert.deepEqual(signature(after), signature(m));
  });

  it('keeps a trailing comment and the next line when converting', () => {
    const m = loadFixture('fashion');
    const fixed = apply(m, actionsAt(m, positionOf(m.text, 'conv2d: {out', 1)).find((a) => a.kind === 'refactor.rewrite'));
    assert.match(fixed.text, /  - Conv2d\(16, 32, 3, padding=1\)   # mapping form; in_channels inferred\n  - relu\n/);
  });
});
