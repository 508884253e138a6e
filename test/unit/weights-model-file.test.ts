/**
 * `weights:` in a model file: the editor checks the weight file against the model (missing keys and shape
 * mismatches on their layers' lines, keys in excess on `weights:`, errors when strict and warnings with
 * `strict: false`, a new head as an info), and a run starts from it: the tensors land in the engine's layouts.
 * The weight files are safetensors written here (the PyTorch formats have their own tests).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyzeModel } from '../../src/model';
import { buildModel } from '../../src/trainer/engine/model';
import { startingWeights } from '../../src/trainer/engine/startingWeights';
import type { TF } from '../../src/trainer/engine/tf';
import { weightShapesReader } from '../../src/weights/weightShapes';
import { tempDir } from '../fixtures/datasets/generate';
import { cpuTf } from './engine-fixtures';

const { fresh, cleanup } = tempDir('cnnlab-weights-key-');
after(cleanup);

/** A safetensors file of float32 tensors: name → [shape, values]. */
function writeSafetensors(path: string, tensors: Record<string, [number[], number[]]>): void {
  const header: Record<string, unknown> = {};
  const blobs: Buffer[] = [];
  let at = 0;
  for (const [name, [shape, values]] of Object.entries(tensors)) {
    const data = Buffer.from(Float32Array.from(values).buffer);
    header[name] = { dtype: 'F32', shape, data_offsets: [at, at + data.length] };
    blobs.push(data);
    at += data.length;
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(path, Buffer.concat([length, json, ...blobs]));
}

const range = (n: number, scale = 1) => Array.from({ length: n }, (_, i) => i * scale);
const MODEL = (weights: string, classes = 3) => [
  'input: [1, 4, 4]',
  'layers:',
  '  - conv: Conv2d(1, 2, 3)',
  '  - ReLU()',
  '  - Flatten()',
  `  - fc: Linear(8, ${classes})`,
  `weights: ${weights}`, '',
].join('\n');

describe('weights: in the editor', () => {
  const dir = fresh('files');
  writeSafetensors(join(dir, 'good.safetensors'), {
    'conv.weight': [[2, 1, 3, 3], range(18, 0.1)], 'conv.bias': [[2], [0.5, -0.5]],
    'fc.weight': [[3, 8], range(24, 0.01)], 'fc.bias': [[3], [1, 2, 3]],
  });
  writeSafetensors(join(dir, 'other.safetensors'), {
    'conv.weight': [[4, 1, 3, 3], range(36)], 'fc.weight': [[3, 8], range(24)], 'fc.bias': [[3], [1, 2, 3]], 'extra.weight': [[1], [0]],
  });
  const env = { weights: weightShapesReader(dir) };

  it('a matching file: no diagnostics', () => {
    assert.deepEqual(analyzeModel(MODEL('good.safetensors'), env).diagnostics, []);
  });

  it('strict: a missing key and another shape on the layer\'s line, keys in excess on weights:', () => {
    const d = analyzeModel(MODEL('other.safetensors'), env).diagnostics.map((x) => `${x.severity} ${x.code} line ${x.range.start.line + 1}: ${x.message}`);
    assert.deepEqual(d, [
      'error weights-mismatch line 3: conv.bias is not in other.safetensors; conv.weight is [4, 1, 3, 3] in other.safetensors, this layer needs [2, 1, 3, 3]',
      'error weights-mismatch line 7: other.safetensors has 1 key this model does not: extra.weight (load what matches with weights: {file: …, strict: false})',
    ]);
  });

  it('strict: false: warnings; a new head: an info; a missing file: an error on weights:', () => {
    const loose = analyzeModel(MODEL('{file: other.safetensors, strict: false}'), env).diagnostics;
    assert.deepEqual(loose.map((x) => x.severity), ['warning', 'warning']);
    assert.match(loose[0].message, /\(not loaded: it keeps its initialisation\)$/);
    const head = analyzeModel(MODEL('good.safetensors', 5), env).diagnostics;
    assert.deepEqual(head.map((x) => `${x.severity} ${x.code} line ${x.range.start.line + 1}`), ['info weights-head line 6']);
    assert.match(head[0].message, /^New head \(fc\.weight \[3, 8\] → \[5, 8\], fc\.bias \[3\] → \[5\] against good\.safetensors\)/);
    const missing = analyzeModel(MODEL('nowhere.pth'), env).diagnostics;
    assert.deepEqual(missing.map((x) => `${x.code} line ${x.range.start.line + 1}`), ['weights-file line 7']);
    assert.match(missing[0].message, /nowhere\.pth does not exist/);
    assert.deepEqual(analyzeModel(MODEL('[1, 2]'), env).diagnostics.map((x) => x.code), ['bad-weights']);
  });

  describe('a run starts from them', () => {
    let tf: TF;
    before(async () => {
      tf = await cpuTf();
    });
    it('in the engine\'s layouts, a new head kept at its initialisation', () => {
      const a = analyzeModel(MODEL('good.safetensors', 5));
      const model = buildModel(tf, a.graph, 1);
      const head = model.params[2].variable.dataSync().slice();
      const logs: string[] = [];
      const start = startingWeights(tf, model, a, {}, dir, (m) => logs.push(m));
      assert.deepEqual(start?.skipped, ['fc.weight', 'fc.bias']);
      assert.match(logs[0], /good\.safetensors: 2 tensors loaded, 2 kept at their initialisation \(fc\.weight, fc\.bias\)/);
      // torch [out=2, in=1, 3, 3] → engine [3, 3, 1, 2]: engine (ky, kx, 0, o) = torch (o, 0, ky, kx).
      const conv = model.params[0].variable.arraySync() as number[][][][];
      assert.equal(conv[1][2][0][1], Math.fround((9 + 1 * 3 + 2) * 0.1));
      assert.deepEqual([...model.params[1].variable.dataSync()], [0.5, -0.5]);
      assert.deepEqual([...model.params[2].variable.dataSync()], [...head]);
      model.dispose();
    });
  });
});
