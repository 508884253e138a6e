/**
 * Shapes and parameter counts against PyTorch: every case and example in
 * test/fixtures/model/torch-reference.json (written by scripts/torch-reference-shapes.py with torch.nn), and the
 * generated graph models (U-Nets with concat skips, an Inception block, DenseNet blocks) that script ran in torch.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeModel, mergesOf } from '../../src/model';
import type { ModelAnalysis } from '../../src/model/types';

interface TorchLayer {
  type: string;
  outputShape: number[];
  params: number;
  trainableParams: number;
  buffers: number;
}
interface TorchCase extends Partial<TorchLayer> {
  layer: string;
  input: number[];
  error: string | null;
}
interface TorchModel {
  input: number[];
  layers: TorchLayer[];
  totalParams: number;
  trainableParams: number;
  /** Graph models only: each merge's op and output shape in file order (repeats expanded), and the output. */
  merges?: Array<{ op: string; outputShape: number[] }>;
  outputShape?: number[];
}
interface TorchReference {
  cases: TorchCase[];
  examples: Record<string, TorchModel>;
  /** Generated graph models, with the YAML torch ran. */
  graphs: Record<string, TorchModel & { model: string }>;
}

const root = join(__dirname, '..', '..');
const reference = JSON.parse(readFileSync(join(root, 'test/fixtures/model/torch-reference.json'), 'utf8')) as TorchReference;

describe('single layers match torch.nn', () => {
  for (const c of reference.cases) {
    it(`${c.layer} on ${JSON.stringify(c.input)}`, () => {
      const text = `input: ${JSON.stringify(c.input)}\nlayers:\n  - ${c.layer}\n`;
      const analysis = analyzeModel(text);
      const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
      if (c.error) {
        assert.equal(errors.length, 1, `torch refuses it (${c.error}) so CNN Lab must report one error, without follow-on errors`);
        assert.equal(errors[0].range.start.line, 2, 'the error points at the layer line');
        return;
      }
      assert.deepEqual(errors, []);
      const [layer] = analysis.layers;
      assert.equal(layer.type, c.type);
      assert.deepEqual(layer.outputShape, c.outputShape);
      assert.equal(layer.params, c.params);
      assert.equal(layer.trainableParams, c.trainableParams);
      assert.equal(layer.buffers, c.buffers);
    });
  }
});


function assertMatchesTorch(analysis: ModelAnalysis, expected: TorchModel): void {
  assert.deepEqual(analysis.diagnostics, [], 'clean');
  assert.deepEqual(analysis.input, expected.input);
  const got = analysis.layers.map((l) => ({ type: l.type, outputShape: l.outputShape, params: l.params, trainableParams: l.trainableParams, buffers: l.buffers }));
  assert.deepEqual(got, expected.layers);
  assert.equal(analysis.totals.params, expected.totalParams);
  assert.equal(analysis.totals.trainableParams, expected.trainableParams);
  if (expected.merges) {
    assert.deepEqual(mergesOf(analysis.graph).map((m) => ({ op: m.op, outputShape: m.outputShape })), expected.merges);
    assert.deepEqual(analysis.outputShape, expected.outputShape);
  }
}

describe('examples match torch.nn layer by layer', () => {
  for (const [file, expected] of Object.entries(reference.examples)) {
    it(file, () => assertMatchesTorch(analyzeModel(readFileSync(join(root, 'examples', file), 'utf8')), expected));
  }

  it('VGG-16 has 138,357,544 parameters', () => {
    assert.equal(reference.examples['vgg16.cnn.yaml'].totalParams, 138_357_544);
    assert.equal(analyzeModel(readFileSync(join(root, 'examples/vgg16.cnn.yaml'), 'utf8')).totals.params, 138_357_544);
  });

  it('every example is covered by the reference', () => {
    const onDisk = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.cnn.yaml'));
    assert.deepEqual(onDisk.sort(), Object.keys(reference.examples).sort(), 'run scripts/torch-reference-shapes.py after adding an example');
  });
});

describe('generated graph models match torch.nn (shapes, merges, parameters)', () => {
  for (const [name, expected] of Object.entries(reference.graphs)) {
    it(name, () => assertMatchesTorch(analyzeModel(expected.model), expected));
  }

  it('cover U-Net skips, a 4-branch Inception block and DenseNet blocks', () => {
    const ops = (name: string) => (reference.graphs[name]?.merges ?? []).map((m) => m.op);
    assert.deepEqual(ops('U-Net-mini (2 levels, concat skips)'), ['concat', 'concat']);
    assert.deepEqual(ops('Inception block (4 branches)'), ['concat']);
    assert.equal(reference.graphs['Inception block (4 branches)'].merges?.[0].outputShape[0], 8 + 12 + 4 + 4);
    assert.deepEqual(ops('DenseNet block (growth 4, 3 layers)'), ['concat', 'concat', 'concat', 'multiply', 'add']);
  });
});
