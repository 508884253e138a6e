/**
 * `--format tfjs`: a TensorFlow.js graph model folder (model.json + weights.bin) for `tf.loadGraphModel` in the
 * browser or Node: input `input` [N, H, W, C] (NHWC, as tf.browser.fromPixels gives pictures, prepared: normalisation
 * is not baked in), outputs `logits` and, for classifiers, `probabilities`; classes and preprocessing in
 * model.json's userDefinedMetadata (`model.metadata`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExportFormat, ExportResult } from '../format';
import { exportGraphOf, exportMetadataOf } from '../graph/fromSource';
import type { ExportSource } from '../source';
import { TFJS_FILES, tfjsGraphModel } from './modelJson';

export const tfjsFormat: ExportFormat = {
  name: 'tfjs',
  summary: 'a TensorFlow.js graph model (model.json + weights.bin) for tf.loadGraphModel: input "input" NHWC, outputs "logits" and "probabilities"',
  out: 'folder',
  write: async (source, out) => writeTfjsModel(source, out),
};

/** Writes model.json and weights.bin into `dir` (the web app reuses it for its model/ folder). */
export function writeTfjsModel(source: ExportSource, dir: string): ExportResult {
  const graph = exportGraphOf(source);
  const meta = exportMetadataOf(source, graph, 'NHWC');
  const { modelJson, weights } = tfjsGraphModel(graph, { ...meta });
  mkdirSync(dir, { recursive: true });
  const files = [join(dir, TFJS_FILES.model), join(dir, TFJS_FILES.weights)];
  writeFileSync(files[0], JSON.stringify(modelJson));
  writeFileSync(files[1], weights);
  const shape = meta.input.shape.join(', ');
  return { files, open: files[0], notes: [`input "input": [N, ${shape}] (NHWC), prepared as: ${meta.preprocessingSteps.join('; ')}`, `load it with tf.loadGraphModel('${TFJS_FILES.model}') and run model.execute({ input }, 'probabilities')`] };
}
