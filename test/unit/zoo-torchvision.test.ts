/**
 * The model zoo (examples/zoo) against torchvision itself (scripts/torchvision-zoo.py, weights=None, at test time):
 * each file's parameter count, output shape and state_dict (every key, in order, with torch's shape) equal
 * torchvision's, so torchvision's weight files load key for key. 
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeModel } from '../../src/model';
import { stateKeys } from '../../src/model/stateKeys';
import { python, pythonHas } from '../fixtures/python';

interface Reference {
  params: number;
  output: number[];
  state: Array<[string, number[]]>;
}

const zoo = join(__dirname, '..', '..', 'examples', 'zoo');
const names = readdirSync(zoo).filter((f) => f.endsWith('.cnn.yaml')).map((f) => f.replace('.cnn.yaml', '')).sort();
const hasTorchvision = pythonHas('torchvision');

describe('the model zoo equals torchvision', { skip: !hasTorchvision && 'needs /usr/bin/python3 with torchvision' }, () => {
  const script = join(__dirname, '..', '..', 'scripts', 'torchvision-zoo.py');
  const reference = hasTorchvision
    ? (JSON.parse(execFileSync(python, [script, ...names], { maxBuffer: 64 << 20 }).toString()) as Record<string, Reference>)
    : {};
  for (const name of names) {
    it(`${name}: parameter count, output shape and state_dict keys and shapes`, () => {
      const a = analyzeModel(readFileSync(join(zoo, `${name}.cnn.yaml`), 'utf8'));
      assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
      const ref = reference[name];
      assert.equal(a.totals.params, ref.params);
      assert.deepEqual(a.outputShape, ref.output);
      assert.deepEqual(stateKeys(a.layers).map((k) => [k.key, k.shape]), ref.state);
    });
  }
});

describe('the model zoo in the editor', () => {
  it('has the architectures the course names', () => {
    for (const n of ['alexnet', 'vgg11', 'vgg16', 'vgg16_bn', 'resnet18', 'resnet34', 'resnet50', 'mobilenet_v2', 'mobilenet_v3_small', 'efficientnet_b0', 'googlenet']) assert.ok(names.includes(n), n);
  });
});
