/**
 * `--format onnx` on every example model and every layer type (test/fixtures/export): onnxruntime-web (the
 * WebAssembly build of onnxruntime, in Node) gives the engine's outputs and probabilities on a batch within 1e-4;
 * Debian's python3-onnx accepts every file (onnx.checker.check_model with full shape inference).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-web';
import { ONNX_OPSET } from '../../src/export/onnx/encode';
import { onnxFormat } from '../../src/export/onnx/format';
import { initBackend } from '../../src/trainer/backend';
import type { TF } from '../../src/trainer/engine/tf';
import { python, pythonHas } from '../fixtures/python';
import { exportCase, exportCaseFiles, maxAbsDiff } from './export-graph-cases';

const TOLERANCE = 1e-4;

describe('export --format onnx', () => {
  let tf: TF;
  let root: string;
  const written: string[] = [];
  before(async () => {
    // The embedded wasm engine (what users train with) computes the reference outputs.
    tf = (await initBackend('wasm')).tf;
    ort.env.wasm.numThreads = 1;
    root = mkdtempSync(join(tmpdir(), 'cnnlab-onnx-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const file of exportCaseFiles()) {
    it(`${basename(file)}: onnxruntime gives the engine's outputs`, async () => {
      const c = await exportCase(tf, file, join(root, 'runs'));
      const path = join(root, `${c.analysis.name}.onnx`);
      await onnxFormat.write(c.source, path);
      written.push(path);
      const session = await ort.InferenceSession.create(readFileSync(path));
      try {
        const out = await session.run({ input: new ort.Tensor('float32', c.batch, [c.n, ...c.analysis.input]) });
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
    assert.equal(written.length, exportCaseFiles().length, 'every export case ran first');
    const script = [
      'import sys, onnx',
      'for path in sys.argv[1:]:',
      '    onnx.checker.check_model(path, full_check=True)',
      '    print(onnx.load(path, load_external_data=False).opset_import[0].version)',
    ].join('\n');
    // VGG-16's file (528 MB) takes half a minute to check and has no op the others lack.
    const files = written.filter((f) => basename(f) !== 'vgg16.onnx');
    const out = execFileSync(python, ['-c', script, ...files], { encoding: 'utf8' });
    assert.deepEqual(out.trim().split('\n').map(Number), files.map(() => ONNX_OPSET));
  });
});
