/**
 * TensorFlow.js export: every example model and every layer type (test/fixtures/export), written as model.json +
 * weights.bin and loaded back with tfjs-converter's loadGraphModel (what `tf.loadGraphModel` does in a browser),
 * give the engine's outputs and probabilities on a batch within 1e-5.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import type { io } from '@tensorflow/tfjs-core';
import { TFJS_FILES, tfjsGraphModel } from '../../src/export/tfjs/modelJson';
import type { TF, Tensor } from '../../src/trainer/engine/tf';
import { cpuTf } from './engine-fixtures';
import { exportCase, exportCaseFiles, maxAbsDiff } from './export-graph-cases';

const TOLERANCE = 1e-5;

/** Reads model.json and the weight files it names, as the browser's http loader would. */
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

describe('TensorFlow.js export', () => {
  let tf: TF;
  let root: string;
  before(async () => {
    tf = await cpuTf();
    root = mkdtempSync(join(tmpdir(), 'cnnlab-tfjs-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const file of exportCaseFiles()) {
    it(`${basename(file)}: loadGraphModel gives the engine's outputs`, async () => {
      const c = exportCase(tf, file);
      const { modelJson, weights } = tfjsGraphModel(c.graph, { classes: c.analysis.classes });
      const dir = join(root, c.analysis.name);
      mkdirSync(dir);
      writeFileSync(join(dir, TFJS_FILES.model), JSON.stringify(modelJson));
      writeFileSync(join(dir, TFJS_FILES.weights), weights);
      const model = await loadGraphModel(folderHandler(dir));
      try {
        assert.deepEqual(model.metadata, { classes: c.analysis.classes });
        const [cIn, h, w] = c.analysis.input;
        const x = c.analysis.input.length === 3 ? tf.tensor4d(c.batch, [c.n, h, w, cIn]) : tf.tensor(c.batch, [c.n, ...c.analysis.input]);
        const names = c.probabilities ? ['logits', 'probabilities'] : ['logits'];
        const result = model.execute({ input: x }, names) as Tensor | Tensor[];
        const out = Array.isArray(result) ? result : [result];
        assert.deepEqual(out[0].shape, [c.n, ...c.analysis.outputShape]);
        const logitsDiff = maxAbsDiff(out[0].dataSync(), c.logits);
        assert.ok(logitsDiff <= TOLERANCE, `logits differ by ${logitsDiff}`);
        if (c.probabilities) {
          const probDiff = maxAbsDiff(out[1].dataSync(), c.probabilities);
          assert.ok(probDiff <= TOLERANCE, `probabilities differ by ${probDiff}`);
        }
        tf.dispose([x, ...out]);
      } finally {
        model.dispose();
      }
    });
  }
});
