/**
 * The PyTorch corpus (test/fixtures/pytorch: course networks, LeNet, AlexNet, VGG- and ResNet-style classes, U-Net
 * pieces, a notebook with its model over several cells) read statically by src/python, checked against torch:
 * scripts/torch-python-models.py runs the same code with Debian's python3-torch at test time and reports the
 * parameters, the output shape and the shape after every weighted layer, in the order forward runs them.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { PythonAnalysis } from '../../src/python/analyzePython';
import { python } from '../fixtures/python';
import { analyzeFixture, CORPUS, FIXTURES, hasTorch, notebookCells, type FixtureCase } from './python-fixtures';

interface TorchResult {
  params: number;
  output: number[];
  calls: Array<[string, number[]]>;
}

const WEIGHTED = new Set(['Conv2d', 'ConvTranspose2d', 'Linear', 'BatchNorm1d', 'BatchNorm2d']);

describe('PyTorch corpus: shapes and parameters equal torch 1.13', { skip: !hasTorch && 'no /usr/bin/python3 with torch' }, () => {
  const analyses = new Map<string, PythonAnalysis>();
  let torch: Record<string, TorchResult> = {};

  before(async () => {
    const cases: Array<{ cells: string[]; models: Array<{ name: string; kind: string; input: number[] }> }> = [];
    for (const c of CORPUS) {
      const analysis = await analyzeFixture(c);
      analyses.set(c.file, analysis);
      const models = analysis.models.filter((m) => c.torch.includes(m.definition.name));
      cases.push({ cells: cellsOf(c), models: models.map((m) => ({ name: m.definition.name, kind: m.definition.kind, input: m.input!.shape })) });
    }
    const script = join(__dirname, '..', '..', 'scripts', 'torch-python-models.py');
    torch = JSON.parse(execFileSync(python, [script], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 1 << 24 }));
  });

  for (const c of CORPUS) {
    for (const name of c.torch) {
      it(`${c.file}: ${name}`, () => {
        const model = analyses.get(c.file)!.models.find((m) => m.definition.name === name);
        assert.ok(model?.analysis, `${name} was analysed`);
        const ref = torch[name];
        assert.ok(ref, `torch ran ${name}`);
        const ours = model.analysis.layers.filter((l) => WEIGHTED.has(l.type)).map((l) => [l.type, l.outputShape]);
        assert.deepEqual(ours, ref.calls, 'the weighted layers, in forward order, and the shape after each');
        assert.equal(model.analysis.totals.params, ref.params, 'parameters');
        assert.deepEqual(model.analysis.outputShape, ref.output, 'output shape');
        assert.equal(analyses.get(c.file)!.diagnostics.filter((d) => d.severity === 'error').length, 0, 'no errors in correct code');
      });
    }
  }
});

function cellsOf(c: FixtureCase): string[] {
  const path = join(FIXTURES, c.file);
  return c.file.endsWith('.ipynb') ? notebookCells(path) : [readFileSync(path, "utf8")];
}

