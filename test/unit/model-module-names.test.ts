/**
 * Module names: the parameter names a model file gives, as PyTorch names a module's state_dict. Named layers
 * (`conv1: Conv2d(…)`), named and unnamed blocks, numbering of unnamed items as nn.Sequential does (named items and
 * merges take no number, repeats continue their block's numbering, a written index moves it on), residuals, and the
 * errors: two layers with weights under one name, a name that is not one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeModel } from '../../src/model';
import { stateKeys } from '../../src/model/stateKeys';

const modules = (text: string) => analyzeModel(text).layers.map((l) => `${l.module}:${l.type}`);

describe('module names', () => {
  it('number unnamed items by position, as nn.Sequential does', () => {
    assert.deepEqual(modules('input: [1, 8, 8]\nlayers:\n  - Conv2d(1, 2, 3)\n  - ReLU()\n  - Flatten()\n  - Linear(72, 3)\n'),
      ['0:Conv2d', '1:ReLU', '2:Flatten', '3:Linear']);
  });

  it('name layers and blocks; named items take no number; a layer type as a name needs a call', () => {
    const text = [
      'input: [1, 8, 8]', 'layers:',
      '  - conv1: Conv2d(1, 2, 3)',
      '  - relu: ReLU(inplace=True)',
      '  - features:',
      '      - [Conv2d(2, 2, 1), BatchNorm2d(2)]',
      '      - act: ReLU6()',
      '      - Conv2d(2, 2, 1)',
      '  - gelu: tanh',
      '  - Flatten()',
      '  - fc: Linear(72, 3)', '',
    ].join('\n');
    const a = analyzeModel(text);
    assert.deepEqual(a.diagnostics, []);
    assert.deepEqual(a.layers.map((l) => `${l.module}:${l.type}`),
      ['conv1:Conv2d', 'relu:ReLU', 'features.0.0:Conv2d', 'features.0.1:BatchNorm2d', 'features.act:ReLU6', 'features.1:Conv2d', '0:GELU', '1:Flatten', 'fc:Linear']);
    assert.equal((a.layers[6].args as { approximate?: string }).approximate, 'tanh');
    assert.deepEqual(stateKeys(a.layers).map((k) => `${k.key} [${k.shape}]`), [
      'conv1.weight [2,1,3,3]', 'conv1.bias [2]',
      'features.0.0.weight [2,2,1,1]', 'features.0.0.bias [2]',
      'features.0.1.weight [2]', 'features.0.1.bias [2]', 'features.0.1.running_mean [2]', 'features.0.1.running_var [2]', 'features.0.1.num_batches_tracked []',
      'features.1.weight [2,2,1,1]', 'features.1.bias [2]',
      'fc.weight [3,72]', 'fc.bias [3]',
    ]);
  });

  it('continue a block\'s numbering through a repeat; residuals name their layers and projection', () => {
    const text = [
      'input: [2, 8, 8]', 'layers:',
      '  - layer1:',
      '      - residual:',
      '          layers:',
      '            - conv1: Conv2d(2, 4, 3, stride=2, padding=1)',
      '          projection:',
      '            - downsample.0: Conv2d(2, 4, 1, stride=2)',
      '      - repeat:',
      '          times: 2',
      '          layers:',
      '            - residual:',
      '                - conv1: Conv2d(4, 4, 3, padding=1)',
      '            - relu: ReLU()',
      '      - "7": Conv2d(4, 4, 1)',
      '      - Conv2d(4, 4, 1)', '',
    ].join('\n');
    const a = analyzeModel(text);
    assert.deepEqual(a.diagnostics, []);
    assert.deepEqual(a.layers.map((l) => l.module),
      ['layer1.0.conv1', 'layer1.0.downsample.0', 'layer1.1.conv1', 'layer1.relu', 'layer1.2.conv1', 'layer1.relu', 'layer1.7', 'layer1.8']);
  });

  it('reports two layers with weights under one name, and a name that is not one', () => {
    const a = analyzeModel('input: [1, 8, 8]\nlayers:\n  - conv: Conv2d(1, 2, 3)\n  - conv: Conv2d(2, 2, 3)\n  - bad name!: Conv2d(2, 2, 1)\n');
    const dup = a.diagnostics.find((d) => d.code === 'duplicate-module');
    assert.match(dup?.message ?? '', /^The module name conv is already the Conv2d at line 3/);
    assert.equal(dup?.range.start.line, 3);
    assert.match(a.diagnostics.find((d) => d.code === 'bad-name')?.message ?? '', /'bad name!' is not a module name/);
  });
});
