/**
 * Diagnostics on fixture files: each `# expect: <severity> <code>` comment names a diagnostic that must start
 * on that line, and no other diagnostic may appear. Then exact ranges, messages and quick fixes.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeModel, type Diagnostic, type FixEdit } from '../../src/model';
import { SourceText } from '../../src/model/parse/sourceText';

const dir = join(__dirname, '..', 'fixtures', 'model', 'diagnostics');

function expectations(text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    const m = /# expect: (.*)$/.exec(line);
    if (m) for (const e of m[1].split(';')) out.push(`${i}: ${e.trim()}`);
  });
  return out.sort();
}

const describeDiagnostic = (d: Diagnostic) => `${d.range.start.line}: ${d.severity} ${d.code}`;

function applyFix(text: string, fix: FixEdit): string {
  const src = new SourceText(text);
  return text.slice(0, src.offset(fix.range.start)) + fix.newText + text.slice(src.offset(fix.range.end));
}

function diagnose(text: string, code: string): Diagnostic {
  const d = analyzeModel(text).diagnostics.find((x) => x.code === code);
  assert.ok(d, `expected a '${code}' diagnostic`);
  return d;
}

describe('fixture files give exactly the expected diagnostics', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cnn.yaml'))) {
    it(file, () => {
      const text = readFileSync(join(dir, file), 'utf8');
      const expected = expectations(text);
      assert.ok(expected.length > 0, 'fixture declares its diagnostics');
      assert.deepEqual(analyzeModel(text).diagnostics.map(describeDiagnostic).sort(), expected);
    });
  }
});

describe('ranges point at the argument at fault', () => {
  it('in_channels mismatch underlines the written value and names the source', () => {
    const text = 'input: [1, 28, 28]\nlayers:\n  - Conv2d(3, 16, 3, padding=1)\n';
    const d = diagnose(text, 'in-channels-mismatch');
    assert.deepEqual(d.range, { start: { line: 2, character: 11 }, end: { line: 2, character: 12 } });
    assert.equal(d.message, 'Conv2d expects in_channels=3 but receives 1 from the input');
  });

  it("the issue's in_features message, with the producing layer and its line", () => {
    const text = readFileSync(join(dir, 'channels.cnn.yaml'), 'utf8');
    const d = diagnose(text, 'in-features-mismatch');
    assert.equal(d.message, 'Linear expects in_features=96800 but receives 1568 from Flatten at line 9');
    assert.equal(text.split('\n')[d.range.start.line].slice(d.range.start.character, d.range.end.character), '96800');
  });

  it('an unknown keyword argument underlines its name and suggests the right one', () => {
    const text = 'input: [1, 28, 28]\nlayers:\n  - Conv2d(1, 8, kernal_size=3)\n';
    const d = diagnose(text, 'unknown-argument');
    assert.equal(text.split('\n')[2].slice(d.range.start.character, d.range.end.character), 'kernal_size');
    assert.match(d.message, /Did you mean 'kernel_size'\?/);
  });

  it('YAML syntax errors carry their position', () => {
    const d = diagnose('input: [1, 28, 28\nlayers:\n  - relu\n', 'yaml-syntax');
    assert.equal(d.severity, 'error');
    assert.ok(d.range.start.line <= 2);
  });

  it('call syntax errors point inside the call', () => {
    const d = diagnose('input: [1, 28, 28]\nlayers:\n  - Conv2d(1, 16,, 3)\n', 'syntax');
    assert.deepEqual(d.range.start, { line: 2, character: 17 });
  });

  it('a missing input or layers key is an error at the top of the file', () => {
    assert.equal(diagnose('layers: [relu]\n', 'missing-input').range.start.line, 0);
    assert.equal(diagnose('input: [1, 28, 28]\n', 'missing-layers').range.start.line, 0);
  });
});

describe('layer ranges', () => {
  it('a mapping-form layer ends at its last character, not at its comment or line break', () => {
    const text = [
      'input: [1, 28, 28]',
      'layers:',
      '  - conv2d: {out_channels: 4, kernel_size: 3}   # flow mapping',
      '  - conv2d:        # block mapping',
      '      out_channels: 4',
      '      kernel_size: 3   # last argument',
      '    # a comment after the item',
      '  - maxpool2d: 2  # scalar',
      '  - ReLU()   # call',
      '',
    ].join('\n');
    const src = new SourceText(text);
    const covered = analyzeModel(text).layers.map((l) => text.slice(src.offset(l.range.start), src.offset(l.range.end)));
    assert.deepEqual(covered, [
      'conv2d: {out_channels: 4, kernel_size: 3}',
      'conv2d:        # block mapping\n      out_channels: 4\n      kernel_size: 3',
      'maxpool2d: 2',
      'ReLU()',
    ]);
  });
});

describe('quick fixes resolve their diagnostic', () => {
  const cases: Array<[string, string]> = [
    ['in-channels-mismatch', 'input: [1, 28, 28]\nlayers:\n  - Conv2d(3, 16, 3, padding=1)\n  - ReLU()\n'],
    ['num-features-mismatch', 'input: [1, 28, 28]\nlayers:\n  - Conv2d(1, 16, 3)\n  - batchnorm2d: {num_features: 8}\n'],
    ['linear-needs-flatten', 'input: [1, 28, 28]\nlayers:\n  - Conv2d(1, 8, 3, padding=1)\n  - MaxPool2d(2)\n  - Linear(1568, 10)\n'],
    ['unknown-layer', 'input: [1, 28, 28]\nlayers:\n  - Flaten()\n  - Linear(784, 10)\n'],
    ['unknown-layer', 'input: [1, 28, 28]\nlayers:\n  - flaten\n  - Linear(784, 10)\n'],
    ['unknown-argument', 'input: [1, 28, 28]\nlayers:\n  - Conv2d(1, 8, kernal_size=3)\n'],
    ['unknown-key', 'input: [784]\nlayers: [Linear(784, 10)]\ntrain:\n  epoch: 3\n'],
    ['classes-mismatch', 'input: [784]\nlayers:\n  - Linear(784, 4)\ndata: {dataset: mnist}\n'],
  ];
  for (const [code, text] of cases) {
    it(`${code}: ${text.split('\n')[2].trim()}…`, () => {
      const d = diagnose(text, code);
      assert.ok(d.fixes && d.fixes.length > 0, 'a fix is offered');
      const fixed = applyFix(text, d.fixes[0]);
      const after = analyzeModel(fixed).diagnostics;
      assert.deepEqual(after.filter((x) => x.severity !== 'info'), [], `clean after the fix:\n${fixed}`);
    });
  }

  it('the Flatten fix inserts a new list item with the same indentation', () => {
    const text = 'input: [8, 4, 4]\nlayers:\n    - Linear(128, 10)\n';
    const fix = diagnose(text, 'linear-needs-flatten').fixes?.[0];
    assert.ok(fix);
    assert.equal(applyFix(text, fix), 'input: [8, 4, 4]\nlayers:\n    - Flatten()\n    - Linear(128, 10)\n');
  });
});

describe('whole-model checks', () => {
  it('classes default to the dataset names and must match the last layer', () => {
    const a = analyzeModel('input: [1, 28, 28]\nlayers: [flatten, linear: {out_features: 10}]\ndata: {dataset: fashion-mnist}\n');
    assert.equal(a.classes[0], 'T-shirt/top');
    assert.equal(a.classes.length, 10);
    assert.deepEqual(a.diagnostics, []);
  });

  it('without data or classes, classes are numbered from the output size', () => {
    const a = analyzeModel('input: [5]\nlayers: [Linear(5, 3)]\n');
    assert.deepEqual(a.classes, ['0', '1', '2']);
    assert.equal(a.hasData, false);
    assert.equal(a.data.dataset, 'shapes');
    assert.equal(a.train.epochs, 10);
  });

  it('a dataset whose images differ from the input gets an info note, not an error', () => {
    const a = analyzeModel('input: [3, 32, 32]\nlayers: [flatten, Linear(3072, 10)]\ndata: {dataset: mnist}\n');
    assert.deepEqual(a.diagnostics.map((d) => [d.severity, d.code, d.range.start.line]), [['info', 'dataset-converted', 0]]);
    assert.match(a.diagnostics[0].message, /mnist images are 1×28×28; they will be converted to the model's input 3×32×32/);
  });

  it('an input the dataset loaders cannot produce is an error on input, up front', () => {
    const text = 'input: [2, 28, 28]\nlayers: [flatten, Linear(1568, 10)]\ndata: {dataset: mnist}\n';
    const [d, ...rest] = analyzeModel(text).diagnostics;
    assert.deepEqual(rest, [], 'no "will be converted" note');
    assert.equal(`${d.severity} ${d.code}`, 'error dataset-input');
    assert.equal(text.split('\n')[0].slice(d.range.start.character, d.range.end.character), '[2, 28, 28]');
    assert.match(d.message, /2 channels.*1 or 3/);
    const small = analyzeModel('input: [1, 6, 6]\nlayers: [flatten, Linear(36, 5)]\ntrain: {epochs: 1}\n').diagnostics;
    assert.deepEqual(small.map((x) => `${x.severity} ${x.code} ${x.range.start.line}`), ['error dataset-input 0'], 'shapes (the default dataset) needs 8×8');
    assert.match(small[0].message, /at least 8×8/);
    // Only trained models meet a loader: a fragment may have any input, and mnist is resized from any size.
    assert.deepEqual(analyzeModel('input: [2, 6, 6]\nlayers: [flatten, Linear(72, 5)]\n').diagnostics, []);
    assert.deepEqual(analyzeModel('input: [3, 6, 6]\nlayers: [flatten, Linear(108, 10)]\ndata: {dataset: mnist}\n').diagnostics.map((x) => x.code), ['dataset-converted']);
  });

  it('sgd defaults to lr 0.01, adam to 0.001', () => {
    assert.equal(analyzeModel('input: [5]\nlayers: [Linear(5, 3)]\ntrain: {optimizer: sgd}\n').train.lr, 0.01);
    assert.equal(analyzeModel('input: [5]\nlayers: [Linear(5, 3)]\ntrain: {}\n').train.lr, 0.001);
  });
});
