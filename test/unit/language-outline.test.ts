import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { codeLenses, findLayersLine } from '../../src/language/codeLens';
import { inlayHints } from '../../src/language/inlayHints';
import { documentSymbols } from '../../src/language/symbols';
import { analyse, loadFixture } from '../fixtures/language/load';

describe('inlay hints', () => {
  it('labels every layer of the Fashion-MNIST model with its output shape and parameters', () => {
    const m = loadFixture('fashion');
    const labels = inlayHints(m.analysis, m.src).map((h) => h.label);
    assert.deepEqual(labels, [
      '→ 16×28×28 · 160 params',
      '→ 16×28×28',
      '→ 16×14×14',
      '→ 32×14×14 · 4,640 params',
      '→ 32×14×14',
      '→ 32×7×7',
      '→ 1568',
      '→ 128 · 200,832 params',
      '→ 128',
      '→ 128',
      '→ 10 · 1,290 params',
    ]);
  });

  it('places the hint after the layer text, before a trailing comment', () => {
    const m = loadFixture('fashion');
    const [first, , , mapping] = inlayHints(m.analysis, m.src);
    assert.deepEqual(first.position, { line: 4, character: '  - Conv2d(1, 16, 3, padding=1)'.length });
    assert.equal(m.src.lineText(mapping.position.line).slice(0, mapping.position.character).trimEnd().endsWith('padding: 1}'), true);
  });

  it('shows a repeated layer once, with the count and the summed parameters', () => {
    const m = loadFixture('blocks');
    const hints = inlayHints(m.analysis, m.src);
    const repeated = hints.find((h) => h.position.line === 7);
    assert.equal(repeated?.label, '→ 16×32×32 · 6,960 params (×3)');
    const block = hints.find((h) => h.position.line === 11);
    assert.equal(block?.label, '→ 16×32×32 · 2,320 params');
    assert.equal(block?.position.character, m.src.lineText(11).length);
  });

  it('gives no hints when nothing is known', () => {
    const m = analyse('input: [1, 28, 28]\nlayers: []\n');
    assert.deepEqual(inlayHints(m.analysis, m.src), []);
  });
});

describe('document symbols', () => {
  it('lists the sections and the layers with their output shapes', () => {
    const m = loadFixture('fashion');
    const symbols = documentSymbols(m.analysis, m.src);
    assert.deepEqual(symbols.map((s) => s.name), ['name', 'input', 'classes', 'layers', 'data', 'train']);
    const layers = symbols[3];
    assert.equal(layers.detail, '11 layers · 206,922 params');
    assert.deepEqual(layers.children.slice(0, 3).map((c) => `${c.name} ${c.detail}`), [
      'Conv2d(1, 16, kernel_size=3, padding=1) → 16×28×28 · 160 params',
      'ReLU() → 16×28×28',
      'MaxPool2d(kernel_size=2, stride=2) → 16×14×14',
    ]);
    assert.equal(layers.range.start.line, 3);
    assert.equal(layers.range.end.line, 14);
    assert.equal(symbols[1].detail, '1×28×28');
  });

  it('nests residual blocks and lists a repeat body once', () => {
    const m = loadFixture('blocks');
    const layers = documentSymbols(m.analysis, m.src).find((s) => s.name === 'layers');
    assert.deepEqual(layers?.children.map((c) => c.kind), ['layer', 'layer', 'layer', 'block', 'layer', 'layer', 'layer']);
    const residual = layers?.children[3];
    assert.equal(residual?.children.length, 2);
    assert.equal(residual?.detail, '→ 16×32×32');
  });

  it('nests layers in the named blocks as written, so a zoo model folds block by block', () => {
    const text = readFileSync(join(__dirname, '..', '..', 'examples', 'zoo', 'googlenet.cnn.yaml'), 'utf8');
    const m = analyse(text);
    const layers = documentSymbols(m.analysis, m.src).find((s) => s.name === 'layers')!;
    assert.deepEqual(layers.children.map((c) => c.name).slice(0, 6), ['conv1', 'MaxPool2d(kernel_size=3, stride=2, ceil_mode=True)', 'conv2', 'conv3', 'MaxPool2d(kernel_size=3, stride=2, ceil_mode=True)', 'inception3a']);
    const inception = layers.children[5];
    assert.deepEqual(inception.children.map((c) => `${c.name} ${c.detail}`), ['branch1 3 layers', 'branch2 6 layers', 'branch3 6 layers', 'branch4 4 layers', 'concat(b1, b2, b3, b4) → 256×28×28']);
    assert.deepEqual(inception.children[3].children.map((c) => c.name), ['MaxPool2d(kernel_size=3, stride=1, padding=1, ceil_mode=True)', 'Conv2d(192, 32, kernel_size=1, bias=False)', 'BatchNorm2d(32, eps=0.001)', 'ReLU(inplace=True)']);
    // Every layer is listed exactly once, under its innermost block.
    const count = (list: typeof layers.children): number => list.reduce((n, c) => n + (c.children.length ? count(c.children) : 1), 0);
    assert.equal(count(layers.children), m.analysis.layers.length + m.analysis.graph.filter((n) => n.kind === 'merge').length);
  });

  it('keeps residual blocks inside their named block (resnet18: layer1 › residual › conv)', () => {
    const text = readFileSync(join(__dirname, '..', '..', 'examples', 'zoo', 'resnet18.cnn.yaml'), 'utf8');
    const m = analyse(text);
    const layer1 = documentSymbols(m.analysis, m.src).find((s) => s.name === 'layers')!.children.find((c) => c.name === 'layer1')!;
    assert.deepEqual(layer1.children.map((c) => c.name), ['residual', 'ReLU(inplace=True)', 'residual', 'ReLU(inplace=True)']);
    assert.equal(layer1.children[0].children.length, 5);
  });
});

describe('code lenses', () => {
  it('puts total parameters, Show summary, Train model and Copy as PyTorch on the layers line', () => {
    const m = loadFixture('fashion');
    const lenses = codeLenses(m.analysis, m.src, true);
    assert.deepEqual(lenses.map((l) => [l.title, l.command]), [
      ['206,922 params · 1×28×28 → 10', 'cnnlab.showSummary'],
      ['Show summary', 'cnnlab.showSummary'],
      ['Train model', 'cnnlab.trainModel'],
      ['Copy as PyTorch', 'cnnlab.copyAsPyTorch'],
    ]);
    assert.ok(lenses.every((l) => l.range.start.line === 3));
  });

  it('counts errors, leaves Train model out when no trainer is available and Copy as PyTorch when there are errors', () => {
    const m = loadFixture('mistakes');
    const lenses = codeLenses(m.analysis, m.src, false);
    assert.equal(lenses.length, 2);
    assert.match(lenses[0].title, /· 2 errors$/);
  });

  it('has nothing to show without a layers key', () => {
    const m = analyse('input: [1, 2, 2]\n');
    assert.equal(findLayersLine(m.src), undefined);
    assert.deepEqual(codeLenses(m.analysis, m.src, true), []);
  });
});
