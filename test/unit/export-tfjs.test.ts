/**
 * `--format tfjs` on every example model and every layer type (test/fixtures/export): the folder (model.json +
 * weights.bin) loaded with tfjs-converter's loadGraphModel, as `tf.loadGraphModel` loads it in a browser, gives the
 * engine's outputs and probabilities on a batch within 1e-5.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import type { io } from '@tensorflow/tfjs-core';
import { tfjsFormat } from '../../src/export/tfjs/format';
import { TFJS_FILES } from '../../src/export/tfjs/modelJson';
import { initBackend } from '../../src/trainer/backend';
import type { TF, Tensor } from '../../src/trainer/engine/tf';
import { exportCase, exportCaseFiles, maxAbsDiff, relayout } from './export-graph-cases';

const TOLERANCE = 1e-5;
/**
 * VGG-16 (528 MB of weights) takes minutes in tfjs's graph executor on a 2-core machine; its layer types are all
 * in the other models, and its ONNX export is checked (export-onnx.test.ts).
 */
const FILES = exportCaseFiles().filter((f) => basename(f) !== 'vgg16.cnn.yaml');

/** Reads model.json and the weight files it names, as the browser's http loader does. */
function folderHandler(dir: string): io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(join(dir, TFJS_FILES.model), 'utf8'));
      const group = json.weightsManifest[0];
      const bytes = Buffer.concat(group.paths.map((p: string) => readFileSync(join(dir, p))));
      return {
        format: json.format,
        modelTopology: json.modelTopology,
        weightSpecs: group.weights,
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
        signature: json.signature,
        userDefinedMetadata: json.userDefinedMetadata,
      };
    },
  };
}

describe('export --format tfjs', () => {
  let tf: TF;
  let root: string;
  before(async () => {
    tf = (await initBackend('wasm')).tf;
    root = mkdtempSync(join(tmpdir(), 'cnnlab-tfjs-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const file of FILES) {
    it(`${basename(file)}: loadGraphModel gives the engine's outputs`, async () => {
      const c = await exportCase(tf, file, join(root, 'runs'));
      const dir = join(root, c.analysis.name);
      await tfjsFormat.write(c.source, dir);
      const model = await loadGraphModel(folderHandler(dir));
      try {
        assert.deepEqual((model.metadata as { classes: string[] }).classes, c.source.classes);
        const input = c.analysis.input.length === 3 ? relayout(c.batch, c.n, c.analysis.input, 'nhwc') : c.batch;
        const [ch, h, w] = c.analysis.input;
        const x = c.analysis.input.length === 3 ? tf.tensor4d(input, [c.n, h, w, ch]) : tf.tensor(input, [c.n, ...c.analysis.input]);
        const names = c.probabilities ? ['logits', 'probabilities'] : ['logits'];
        const result = model.execute({ input: x }, names) as Tensor | Tensor[];
        const [logits, probabilities] = Array.isArray(result) ? result : [result];
        assert.deepEqual(logits.shape, [c.n, ...c.analysis.outputShape]);
        const logitsDiff = maxAbsDiff(logits.dataSync(), c.logits);
        assert.ok(logitsDiff <= TOLERANCE, `logits differ by ${logitsDiff}`);
        if (c.probabilities) {
          const probDiff = maxAbsDiff(probabilities.dataSync(), c.probabilities);
          assert.ok(probDiff <= TOLERANCE, `probabilities differ by ${probDiff}`);
        }
        tf.dispose([x, logits, ...(probabilities ? [probabilities] : [])]);
      } finally {
        model.dispose();
      }
    });
  }
});
