/** src/python: the parser, constants, the reading of classes / nn.Sequential / forward, and the diagnostics with their Python fixes. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Diagnostic } from '../../src/model/types';
import { analyzePython, PYTHON_CODES, type PythonAnalysis } from '../../src/python/analyzePython';
import { evaluateConstant } from '../../src/python/constants';
import { loadPythonParser, type PythonParser } from '../../src/python/parser';
import { analyzeFixture, FIXTURES, LENET } from './python-fixtures';

let parser: PythonParser;
before(async () => {
  parser = await loadPythonParser();
});

const analyze = (text: string, earlier: string[] = []): PythonAnalysis =>
  analyzePython({ text, tree: parser.parse(text).rootNode }, earlier.map((t) => ({ text: t, tree: parser.parse(t).rootNode })));

/** Applies a fix's edit to the text (one-range edits, as the quick fixes are). */
function applyFix(text: string, fix: NonNullable<Diagnostic['fixes']>[number]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(0, offset(fix.range.start)) + fix.newText + text.slice(offset(fix.range.end));
}

describe('constants', () => {
  const value = (expr: string, names: Record<string, number> = {}) =>
    evaluateConstant(parser.parse(expr).rootNode.namedChildren[0]!.namedChildren[0]!, { constant: (n) => names[n] });
  const table: Array<[string, unknown]> = [
    ['16 * 5 * 5', 400], ['2 ** 4', 16], ['28 // 2', 14], ['-3 + 1', -2], ['(3, 3)', [3, 3]], ['[64] * 2', [64, 64]],
    ['7 % 4', 3], ['c * 2', 32], ['True', true], ['None', null], ["'same'", 'same'], ['c != 16 or False', false], ['not 0', true], ['1 < c <= 16', true],
  ];
  for (const [expr, expected] of table) it(`${expr} → ${JSON.stringify(expected)}`, () => assert.deepEqual(value(expr, { c: 16 }), expected));
  it('names without a value, calls and f-strings are unknown, with the reason', () => {
    assert.match((value('n * 2') as { unknown: string }).unknown, /`n` has no value/);
    assert.match((value('len(x)') as { unknown: string }).unknown, /not a value/);
    assert.match((value('f"{c}"') as { unknown: string }).unknown, /f-string/);
  });
});

describe('reading PyTorch definitions', () => {
  it('finds classes and nn.Sequential (assigned, returned by a function), with their input comments', async () => {
    const a = await analyzeFixture({ file: 'course_sequential.py', torch: [] });
    assert.deepEqual(a.models.map((m) => [m.definition.kind, m.definition.name, m.input?.shape]), [
      ['sequential', 'model', [1, 28, 28]], ['sequential', 'named_model', [1, 28, 28]], ['sequential', 'make_model', [3, 32, 32]],
    ]);
  });

  it('hands the layers to the core with Python ranges, hover uses in forward, and statements for hints', async () => {
    const text = readFileSync(join(FIXTURES, LENET), 'utf8');
    const m = analyze(text).models[0];
    const conv1 = m.analysis!.layers[0];
    assert.equal(conv1.type, 'Conv2d');
    assert.equal(text.split('\n')[conv1.range.start.line].trim(), 'self.conv1 = nn.Conv2d(1, 6, 5)');
    assert.deepEqual(conv1.outputShape, [6, 28, 28]);
    const use = m.uses.find((u) => u.item.range === conv1.range)!;
    assert.equal(text.split('\n')[use.range.start.line].slice(use.range.start.character, use.range.end.character), 'self.conv1(x)');
    assert.deepEqual(m.statements.map((s) => s.range.start.line + 1), [19, 20, 21, 22, 23, 24]);
  });

  it('reads a model whose block class and constants are in earlier notebook cells, and its input from the dataset cell', async () => {
    const a = await analyzeFixture({ file: 'fashion_notebook.ipynb', torch: [] });
    const net = a.models.find((m) => m.definition.name === 'Net')!;
    assert.deepEqual(net.input?.shape, [1, 28, 28]);
    assert.match(net.input!.source, /datasets\.FashionMNIST/);
    // Layers written in another cell are not shown in this one: every range is in this cell.
    assert.ok(net.analysis!.layers.some((l) => l.type === 'Conv2d'));
    const here = net.analysis!.layers.filter((l) => l.range.start.line < 1000);
    assert.deepEqual(here.map((l) => l.type), ['Flatten', 'Linear', 'ReLU', 'Linear']);
  });

  it('a dataset resized by its transform gives the resized input; two datasets that disagree give none', () => {
    const data = "train = datasets.CIFAR10('d', transform=transforms.Compose([transforms.Resize(64), transforms.Grayscale()]))";
    const model = 'model = nn.Sequential(nn.Conv2d(1, 4, 3))';
    assert.deepEqual(analyze(model, [data]).models[0].input?.shape, [1, 64, 64]);
    assert.equal(analyze(model, [data, "t = datasets.MNIST('d')"]).models[0].input, undefined);
  });

  it('keeps ranges right after non-ASCII text (UTF-16 offsets, as the editor counts)', () => {
    const text = '# Réseau — ünïcode 🙂\n# cnnlab: input [1, 8, 8]\nm = nn.Sequential(nn.Conv2d(1, 2, 3))  # ✓\n';
    const layer = analyze(text).models[0].analysis!.layers[0];
    assert.deepEqual(layer.range, { start: { line: 2, character: 18 }, end: { line: 2, character: 36 } });
  });

  it('runs __init__ with the call arguments: defaults, known if conditions, keyword arguments', async () => {
    const a = await analyzeFixture({ file: 'resnet_block.py', torch: [] });
    const net = a.models.find((m) => m.definition.name === 'SmallResNet')!;
    const projections = net.analysis!.layers.filter((l) => l.type === 'Conv2d' && (l.args as { kernel_size: number[] }).kernel_size[0] === 1);
    assert.equal(projections.length, 2, 'the shortcut projection exists where stride != 1 or the channels change');
    assert.equal(net.analysis!.merges.length, 5);
  });
});

describe('diagnostics on PyTorch code', () => {
  const text = readFileSync(join(FIXTURES, 'mistakes.py'), 'utf8');
  let a: PythonAnalysis;
  before(() => {
    a = analyze(text);
  });
  const at = (code: string) => a.diagnostics.filter((d) => d.code === code);

  it('a Linear whose in_features disagrees: the fix writes the number into the Python', () => {
    const [d] = at('in-features-mismatch').filter((x) => x.range.start.line === 12);
    assert.match(d.message, /in_features=400 but receives 256/);
    const fixed = applyFix(text, d.fixes!.find((f) => f.title === 'Set in_features to 256')!);
    assert.match(fixed, /self\.fc1 = nn\.Linear\(256, 120\)/);
    assert.ok(!d.fixes!.some((f) => /flatten/i.test(f.title)), 'no flatten offered after a flatten');
  });

  it('a missing flatten in forward: the fix inserts x = torch.flatten(x, 1) above the call', () => {
    const [d] = at('linear-needs-flatten').filter((x) => x.range.start.line === 28);
    const fixed = applyFix(text, d.fixes![0]);
    assert.match(fixed, /x = F\.relu\(self\.conv\(x\)\)\n {8}x = torch\.flatten\(x, 1\)\n {8}return self\.fc\(x\)/);
  });

  it('a missing flatten in nn.Sequential: the fix inserts nn.Flatten(), and wrong channels get the arriving count', () => {
    const [flat] = at('linear-needs-flatten').filter((x) => x.range.start.line === 40);
    assert.match(applyFix(text, flat.fixes![0]), /nn\.Conv2d\(16, 8, 3\),\n {4}nn\.Flatten\(\),\n {4}nn\.Linear\(8 \* 24 \* 24, 10\)/);
    const [channels] = at('in-channels-mismatch');
    assert.match(applyFix(text, channels.fixes![0]), /nn\.Conv2d\(8, 8, 3\),/);
  });

  it('x.view(-1, n) with the wrong n: an error and the fix', () => {
    const [d] = at(PYTHON_CODES.viewSize);
    assert.match(d.message, /view\(-1, 320\) but 10×12×12 = 1440/);
    assert.match(applyFix(text, d.fixes![0]), /x\.view\(-1, 1440\)/);
  });

  it('what cannot be followed gets one info saying why, and no shape past it', () => {
    const notes = at(PYTHON_CODES.notStatic);
    assert.equal(notes.length, 1);
    assert.equal(notes[0].severity, 'info');
    assert.match(notes[0].message, /forward loops \(`for`\)/);
    const looping = a.models.find((m) => m.definition.name === 'Looping')!;
    assert.deepEqual(looping.analysis!.layers.map((l) => l.type), ['Conv2d']);
  });

  it('a cnnlab comment without a usable shape is a warning, and the model is not analysed', () => {
    const [d] = at(PYTHON_CODES.inputComment);
    assert.equal(d.severity, 'warning');
    assert.equal(a.models.find((m) => m.definition.name === 'BadComment')!.analysis, undefined);
  });

  it('a method that builds the layers, an unknown argument, a torch.nn layer CNN Lab lacks: info, never a guess', async () => {
    const vgg = await analyzeFixture({ file: 'vgg_style.py', torch: [] });
    assert.match(vgg.diagnostics.find((d) => d.code === PYTHON_CODES.notStatic)!.message, /self\._make_layers\(cfg\)/);
    assert.equal(vgg.models.find((m) => m.definition.name === 'VGG')!.analysis!.layers.length, 0);
    const b = analyze('# cnnlab: input [1, 8, 8]\nm = nn.Sequential(nn.Conv2d(1, k, 3), nn.ReLU())\n');
    assert.deepEqual(b.diagnostics.map((d) => [d.severity, d.message]), [['info', 'Shapes stop here: `k` has no value CNN Lab can read without running the code']]);
    assert.deepEqual(b.models[0].analysis!.layers.map((l) => l.outputShape), [[], []]);
    const lstm = analyze('# cnnlab: input [1, 8, 8]\nm = nn.Sequential(nn.Conv3d(1, 2, 3))\n');
    assert.equal(lstm.diagnostics[0].severity, 'info');
  });
});

describe('code being typed', () => {
  it('never throws on a truncated or damaged corpus file (tree-sitter recovers; what is left is read as far as it goes)', () => {
    let cases = 0;
    for (const f of readdirSync(FIXTURES).filter((name) => name.endsWith('.py'))) {
      const text = readFileSync(join(FIXTURES, f), 'utf8');
      for (let cut = 0; cut < text.length; cut += 29) {
        for (const damaged of [text.slice(0, cut), text.slice(0, cut) + text.slice(cut + 5)]) {
          const tree = parser.parse(damaged);
          assert.doesNotThrow(() => analyzePython({ text: damaged, tree: tree.rootNode }), `${f} cut at ${cut}`);
          tree.delete();
          cases++;
        }
      }
    }
    assert.ok(cases > 500, `${cases} damaged texts`);
  });
});
