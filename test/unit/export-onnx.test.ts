/**
 * ONNX export: every example model and every layer type (test/fixtures/export) run in onnxruntime-web (the
 * WebAssembly build of onnxruntime, in Node) give the engine's outputs and probabilities on a batch within 1e-4;
 * Debian's python3-onnx accepts every file (onnx.checker.check_model with full shape inference).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-web';
import { encodeOnnx, ONNX_OPSET } from '../../src/export/onnx/encode';
import type { TF } from '../../src/trainer/engine/tf';
import { python, pythonHas } from '../fixtures/python';
import { cpuTf } from './engine-fixtures';
import { exportCase, exportCaseFiles, maxAbsDiff, toNchw } from './export-graph-cases';

const TOLERANCE = 1e-4;

describe('ONNX export', () => {
  let tf: TF;
  let dir: string;
  const written: string[] = [];
  before(async () => {
    tf = await cpuTf();
    ort.env.wasm.numThreads = 1;
    dir = mkdtempSync(join(tmpdir(), 'cnnlab-onnx-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const file of exportCaseFiles()) {
    it(`${basename(file)}: onnxruntime gives the engine's outputs`, async () => {
      const c = exportCase(tf, file);
      const bytes = encodeOnnx(c.graph, { name: c.analysis.name, producerVersion: 'test', docString: '', metadata: { classes: JSON.stringify(c.analysis.classes) } });
      const path = join(dir, `${c.analysis.name}.onnx`);
      writeFileSync(path, bytes);
      written.push(path);
      const session = await ort.InferenceSession.create(bytes);
      try {
        const input = c.analysis.input.length === 3 ? toNchw(c.batch, c.n, c.analysis.input) : c.batch;
        const out = await session.run({ input: new ort.Tensor('float32', input, [c.n, ...c.analysis.input]) });
        assert.deepEqual(out.logits.dims, [c.n, ...c.analysis.outputShape]);
        const logitsDiff = maxAbsDiff(out.logits.data as Float32Array, c.logits);
        assert.ok(logitsDiff <= TOLERANCE, `logits differ by ${logitsDiff}`);
        if (c.probabilities) {
          const probDiff = maxAbsDiff(out.probabilities.data as Float32Array, c.probabilities);
          assert.ok(probDiff <= TOLERANCE, `probabilities differ by ${probDiff}`);
        } else {
          assert.equal(out.probabilities, undefined, 'only classifiers have a probabilities output');
        }
      } finally {
        await session.release();
      }
    });
  }

  it('every file passes onnx.checker.check_model (python3-onnx) at our opset', { skip: !pythonHas('onnx') && 'python3-onnx is not installed' }, () => {
    assert.ok(written.length >= exportCaseFiles().length, 'the export cases ran first');
    const script = [
      'import sys, onnx',
      'for path in sys.argv[1:]:',
      '    model = onnx.load(path)',
      '    onnx.checker.check_model(model, full_check=True)',
      '    print(path, model.opset_import[0].version)',
    ].join('\n');
    const out = execFileSync(python, ['-c', script, ...written], { encoding: 'utf8' });
    const opsets = out.trim().split('\n').map((line) => Number(line.split(' ').pop()));
    assert.deepEqual(opsets, written.map(() => ONNX_OPSET));
  });
});
