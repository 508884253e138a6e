/**
 * Graph models: named outputs (`x = Layer(…)` / `as:`), inputs from them (`Layer(…)(x)` / `from:`) and merges
 * (`concat`, `add`, `multiply`), in both forms; shapes, parameters and the diagnostics' messages and fixes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeModel, type ModelAnalysis } from '../../src/model';
import { hoverAt } from '../../src/language/hover';
import { inlayHints } from '../../src/language/inlayHints';
import { documentSymbols } from '../../src/language/symbols';
import { SourceText } from '../../src/model/parse/sourceText';
import { formatSummaryTable } from '../../src/model/report/summaryTable';
import type { GraphNode } from '../../src/model/types';

const model = (layers: string, input = '[1, 32, 32]') => analyzeModel(`input: ${input}\nlayers:\n${layers}`);
const errors = (a: ModelAnalysis) => a.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.code}: ${d.message}`);
const merges = (nodes: GraphNode[]) => nodes.flatMap((n) => (n.kind === 'merge' ? [n.merge] : []));

const UNET_CALLS = `
  - Conv2d(1, 8, 3, padding=1)
  - d1 = ReLU()
  - MaxPool2d(2)
  - Conv2d(8, 16, 3, padding=1)
  - ReLU()
  - up = ConvTranspose2d(16, 8, 2, stride=2)
  - concat(up, d1)
  - Conv2d(16, 8, 3, padding=1)
  - Conv2d(8, 3, 1)
`;
const UNET_MAPPINGS = `
  - conv2d: {in_channels: 1, out_channels: 8, kernel_size: 3, padding: 1}
  - relu: null
    as: d1
  - maxpool2d: 2
  - conv2d: {out_channels: 16, kernel_size: 3, padding: 1}
  - relu
  - convtranspose2d: {out_channels: 8, kernel_size: 2, stride: 2}
    as: up
  - concat: [up, d1]
  - conv2d: {out_channels: 8, kernel_size: 3, padding: 1}
  - conv2d: {out_channels: 3, kernel_size: 1}
`;

describe('graph syntax', () => {
  it('a U-Net skip in call syntax: the concat joins channels at the same size', () => {
    const a = model(UNET_CALLS);
    assert.deepEqual(errors(a), []);
    assert.deepEqual(a.outputShape, [3, 32, 32]);
    const [cat] = merges(a.graph);
    assert.equal(cat.op, 'concat');
    assert.deepEqual(cat.inputs, [{ name: 'up', shape: [8, 32, 32] }, { name: 'd1', shape: [8, 32, 32] }]);
    assert.deepEqual(cat.outputShape, [16, 32, 32]);
    // 1·8·9+8, 8·16·9+16, 16·8·4+8, 16·8·9+8, 8·3+3
    assert.equal(a.totals.params, 80 + 1168 + 520 + 1160 + 27);
  });

  it('the mapping form (as:, concat: [...]) means the same model', () => {
    const a = model(UNET_CALLS);
    const b = model(UNET_MAPPINGS);
    assert.deepEqual(errors(b), []);
    assert.deepEqual(b.layers.map((l) => [l.text, l.outputShape]), a.layers.map((l) => [l.text, l.outputShape]));
    assert.deepEqual(b.graph.map((n) => n.kind), a.graph.map((n) => n.kind));
  });

  it('branches from a named output (Inception): Layer(…)(stem) and from: stem', () => {
    const a = model(`
  - stem = Conv2d(1, 16, 3, padding=1)
  - b1 = Conv2d(16, 8, 1)(stem)
  - Conv2d(16, 8, 1)(stem)
  - b2 = Conv2d(8, 12, 3, padding=1)
  - conv2d: {out_channels: 4, kernel_size: 5, padding: 2}
    from: stem
    as: b3
  - MaxPool2d(3, stride=1, padding=1)(stem)
  - b4 = Conv2d(16, 4, 1)
  - concat(b1, b2, b3, b4)
`);
    assert.deepEqual(errors(a), []);
    assert.deepEqual(a.outputShape, [28, 32, 32]);
    assert.deepEqual(a.graph.filter((n) => n.kind === 'load').map((n) => n.kind === 'load' && n.name), ['stem', 'stem', 'stem', 'stem']);
  });

  it('names are rebound like Python variables: x = concat(x, y) in a repeat grows a DenseNet block', () => {
    const a = model(`
  - x = Conv2d(3, 8, 3, padding=1)
  - repeat:
      times: 3
      layers:
        - batchnorm2d: {}
        - relu
        - conv2d: {out_channels: 4, kernel_size: 3, padding: 1}
          as: y
        - x = concat(x, y)
`, '[3, 16, 16]');
    assert.deepEqual(errors(a), []);
    assert.deepEqual(merges(a.graph).map((m) => m.outputShape[0]), [12, 16, 20]);
    assert.deepEqual(a.layers.filter((l) => l.type === 'Conv2d').map((l) => l.params), [224, 8 * 4 * 9 + 4, 12 * 4 * 9 + 4, 16 * 4 * 9 + 4]);
  });

  it('add and multiply broadcast as torch does (a squeeze-and-excitation gate)', () => {
    const a = model(`
  - f = Conv2d(1, 8, 3, padding=1)
  - AdaptiveAvgPool2d(1)
  - Conv2d(8, 8, 1)
  - gate = Sigmoid()
  - multiply(f, gate)
  - out = add(f, input)
`);
    assert.deepEqual(merges(a.graph).map((m) => m.outputShape), [[8, 32, 32], [8, 32, 32]]);
    assert.equal(merges(a.graph)[0].macs, 8 * 32 * 32);
    assert.deepEqual(errors(a), []);
  });

  it('the summary table shows names, the branch taken and the merge', () => {
    const table = formatSummaryTable(model(UNET_CALLS));
    assert.match(table, /2\. ReLU \(line 5\) → d1 +\[8, 32, 32\]/);
    assert.match(table, /concat\(up, d1\) \(line 10\) +\[16, 32, 32\] +0/);
  });

  it('x = F.relu(x) and self.fc = nn.Linear(…) stay Python habits, not names', () => {
    const a = model(`
  - Conv2d(1, 4, 3)
  - x = F.relu(x)
`);
    assert.deepEqual(a.diagnostics.map((d) => d.code), ['python-habit']);
    assert.equal(a.graph.some((n) => n.kind === 'store'), false);
  });
});

describe('graph diagnostics', () => {
  it('a concat whose sizes disagree shows both shapes and the layers that made them', () => {
    const a = model(`
  - d1 = Conv2d(1, 8, 3)
  - MaxPool2d(2)
  - up = Upsample(scale_factor=2)
  - concat(up, d1)
`);
    // Pooled and upsampled again, the sizes agree (30 → 15 → 30).
    assert.deepEqual(errors(a), []);
    const b = model(`
  - d1 = Conv2d(1, 8, 3)
  - MaxPool2d(2)
  - up = Conv2d(8, 8, 3)
  - concat(up, d1)
`);
    assert.deepEqual(errors(b), ['merge-shape-mismatch: concat joins along channels and needs the same height and width: up is [8, 13, 13] (Conv2d at line 6), d1 is [8, 30, 30] (Conv2d at line 4)']);
    assert.deepEqual(b.outputShape, []);
  });

  it('an unknown name offers the closest defined name as a fix', () => {
    const a = model(`
  - skip = Conv2d(1, 8, 3)
  - ReLU()
  - add(skp, skip)
`);
    const d = a.diagnostics.find((x) => x.code === 'unknown-output');
    assert.ok(d);
    assert.equal(d.message, "Unknown output 'skp': name an output with 'name = Layer(…)' or as: name. Did you mean 'skip'?");
    assert.deepEqual(d.range, { start: { line: 5, character: 8 }, end: { line: 5, character: 11 } });
    assert.deepEqual(d.fixes?.map((f) => f.newText), ['skip']);
  });

  it('a name used above its definition is a cycle, not a typo', () => {
    const a = model(`
  - Conv2d(1, 8, 3)
  - add(a, b)
  - a = ReLU()
  - b = ReLU()
`);
    assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), [
      "'a' is used before it is defined (line 6): an item can only take outputs from above it (a graph runs top to bottom and has no cycles)",
      "'b' is used before it is defined (line 7): an item can only take outputs from above it (a graph runs top to bottom and has no cycles)",
    ]);
  });

  it('unused names warn once, also in a repeat; the model output needs no use', () => {
    const a = model(`
  - repeat:
      times: 2
      layers:
        - t = Conv2d(1, 1, 3, padding=1)
  - out = ReLU()
`);
    assert.deepEqual(a.diagnostics.map((d) => `${d.code} ${d.range.start.line}`), ['unused-output 6']);
  });

  it('merge items: a single input, a from:, a non-name', () => {
    const codes = (layers: string) => model(layers).diagnostics.map((d) => d.code);
    assert.deepEqual(codes('  - a = Conv2d(1, 2, 3)\n  - concat(a)\n'), ['bad-merge']);
    assert.deepEqual(codes('  - a = Conv2d(1, 2, 3)\n  - b = ReLU()\n  - add: [a, b]\n    from: a\n'), ['bad-merge']);
    assert.deepEqual(codes('  - a = Conv2d(1, 2, 3)\n  - add(a, 2)\n'), ['bad-name']);
    assert.deepEqual(codes('  - Conv2d(1, 2, 3)\n    \n  - relu: null\n    as: [x]\n'), ['bad-name']);
  });
});

describe('graph items in the editor', () => {
  const text = `input: [1, 32, 32]\nlayers:\n${UNET_CALLS}`;
  const analysis = analyzeModel(text);
  const src = new SourceText(text);
  const at = (needle: string) => src.position(text.indexOf(needle) + 1);

  it('hovering a merge shows its inputs and the worked channel sum', () => {
    const hover = hoverAt(analysis, src, at('concat(up'));
    assert.ok(hover);
    assert.match(hover.markdown, /\*\*concat\(up, d1\)\*\* → `16×32×32`/);
    assert.match(hover.markdown, /C: 8 \(up\) \+ 8 \(d1\) = 16/);
    assert.match(hover.markdown, /- `up`: `8×32×32`/);
  });

  it('a named layer keeps its own hover; inlay hints cover merges in line order', () => {
    assert.equal(hoverAt(analysis, src, at('ConvTranspose2d'))?.layerIndex, 6);
    const hints = inlayHints(analysis, src);
    const merge = hints.find((h) => h.position.line === src.position(text.indexOf('concat(up')).line);
    assert.equal(merge?.label, '→ 16×32×32');
    assert.deepEqual(hints.map((h) => h.position.line), [...hints.map((h) => h.position.line)].sort((a, b) => a - b));
    assert.equal(hints.length, analysis.layers.length + 1);
  });

  it('the outline lists the merge with its shape', () => {
    const layers = documentSymbols(analysis, src).find((s) => s.name === 'layers');
    assert.ok(layers?.children.some((c) => c.name === 'concat(up, d1)' && c.detail.includes('16')));
  });
});
