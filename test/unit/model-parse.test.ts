/** The PyTorch call-syntax parser and the two layer forms: values, keyword arguments and exact columns. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeModel, layerAt } from '../../src/model';
import { parseCall } from '../../src/model/parse/pyCall';

describe('parseCall', () => {
  it('reads Python literals as PyTorch code writes them', () => {
    const { call } = parseCall("Conv2d(3, 16, kernel_size=(3, 5), stride=-1, lr=1e-3, eps=.5, bias=False, mode='same', x=None, t=(7,), l=[1, 2])");
    assert.ok(call);
    assert.equal(call.name, 'Conv2d');
    assert.deepEqual(
      call.args.map((a) => [a.name ?? null, a.value]),
      [[null, 3], [null, 16], ['kernel_size', [3, 5]], ['stride', -1], ['lr', 0.001], ['eps', 0.5], ['bias', false], ['mode', 'same'], ['x', null], ['t', [7]], ['l', [1, 2]]],
    );
  });

  it('gives each argument its exact span', () => {
    const src = 'Linear(128,  out_features=10)';
    const { call } = parseCall(src);
    assert.ok(call);
    const [a, b] = call.args;
    assert.equal(src.slice(a.valueSpan.start, a.valueSpan.end), '128');
    assert.equal(src.slice(b.nameSpan?.start, b.nameSpan?.end), 'out_features');
    assert.equal(src.slice(b.valueSpan.start, b.valueSpan.end), '10');
  });

  it('accepts nn. prefixes, a bare name and a trailing comma; (x) is just x', () => {
    assert.equal(parseCall('nn.ReLU()').call?.name, 'ReLU');
    assert.equal(parseCall('torch.nn.ReLU(True)').call?.args[0].value, true);
    assert.deepEqual(parseCall('relu').call?.args, []);
    assert.equal(parseCall('Dropout(0.5,)').call?.args.length, 1);
    assert.equal(parseCall('MaxPool2d((2))').call?.args[0].value, 2);
  });

  it('reports syntax errors with their span instead of throwing', () => {
    for (const [src, at] of [['Conv2d(1, 16,, 3)', 13], ['Conv2d(1', 7], ['Conv2d(1) x', 10], ["Upsample(mode='nearest)", 14], ['Conv2d(a)', 7], ['(1)', 0], ['Conv2d(in_channels=1, 16)', 22]] as const) {
      const { error } = parseCall(src);
      assert.ok(error, src);
      assert.equal(error.span.start, at, `${src}: ${error.message}`);
    }
  });
});

describe('layer forms', () => {
  const text = [
    'input: [3, 32, 32]',
    'layers:',
    '  - Conv2d(3, 16, 3, padding=1)',
    '  - conv2d: {out_channels: 32, kernel_size: [3, 3], stride: 2, padding: 1}',
    '  - relu',
    '  - MAXPOOL2D: 2',
    '  - batchnorm2d:',
    '  - 42',
    '',
  ].join('\n');
  const a = analyzeModel(text);

  it('call, mapping, bare and scalar-argument forms resolve alike (names in any case)', () => {
    assert.deepEqual(a.layers.map((l) => l.type), ['Conv2d', 'Conv2d', 'ReLU', 'MaxPool2d', 'BatchNorm2d']);
    assert.deepEqual(a.layers.map((l) => l.outputShape), [[16, 32, 32], [32, 16, 16], [32, 16, 16], [32, 8, 8], [32, 8, 8]]);
    assert.equal(a.layers[1].text, 'Conv2d(16, 32, kernel_size=3, stride=2, padding=1)');
    assert.equal(a.layers[4].text, 'BatchNorm2d(32)');
  });

  it('in_channels / in_features may be omitted in call syntax too', () => {
    const b = analyzeModel('input: [3, 8, 8]\nlayers:\n  - Conv2d(out_channels=4, kernel_size=3)\n  - Flatten()\n  - Linear(out_features=2)\n');
    assert.deepEqual(b.diagnostics, []);
    assert.deepEqual(b.layers.map((l) => l.text), ['Conv2d(3, 4, kernel_size=3)', 'Flatten()', 'Linear(144, 2)']);
    assert.equal(b.totals.params, 4 * 27 + 4 + 144 * 2 + 2);
  });

  it('a number where a layer belongs is reported on its line', () => {
    const d = a.diagnostics.find((x) => x.code === 'bad-layer-item');
    assert.equal(d?.range.start.line, 7);
  });

  it('layerAt finds the layer under the cursor', () => {
    assert.equal(layerAt(a, { line: 3, character: 20 })?.index, 2);
    assert.equal(layerAt(a, { line: 5, character: 4 })?.type, 'MaxPool2d');
    assert.equal(layerAt(a, { line: 0, character: 3 }), undefined);
  });

  it('a call may continue on the next line', () => {
    const b = analyzeModel('input: [1, 8, 8]\nlayers:\n  - Conv2d(1, 4, 3,\n      padding=1)\n  - MaxPool2d(2,\n      2)\n');
    assert.deepEqual(b.diagnostics, []);
    assert.deepEqual(b.layers.map((l) => l.outputShape), [[4, 8, 8], [4, 4, 4]]);
  });

  it('flow lists may hold calls with commas', () => {
    const b = analyzeModel('input: [1, 8, 8]\nlayers: [Conv2d(1, 4, (3, 3), padding=1), relu, MaxPool2d(2, 2)]\n');
    assert.deepEqual(b.diagnostics, []);
    assert.deepEqual(b.layers.map((l) => l.outputShape), [[4, 8, 8], [4, 8, 8], [4, 4, 4]]);
    assert.equal(b.layers[0].range.start.character, 9);
  });

  it('repeat and residual blocks expand in file order with graph nodes', () => {
    const r = analyzeModel([
      'input: [8, 16, 16]',
      'layers:',
      '  - repeat:',
      '      times: 2',
      '      layers:',
      '        - residual: [Conv2d(8, 8, 3, padding=1), relu]',
      '  - residual:',
      '      layers: [Conv2d(8, 16, 3, stride=2, padding=1)]',
      '      projection: [Conv2d(8, 16, 1, stride=2)]',
      '',
    ].join('\n'));
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.layers.map((l) => l.index), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(r.graph.map((n) => n.kind), ['residual', 'residual', 'residual']);
    assert.deepEqual(r.outputShape, [16, 8, 8]);
    assert.equal(r.layers[2].path, 'layers[0].repeat[1].layers[0].residual.layers[0]');
    assert.equal(r.layers[5].path, 'layers[1].residual.projection[0]');
    assert.equal(r.layers[0].range.start.line, r.layers[2].range.start.line, 'repeated copies share their source range');
  });
});
