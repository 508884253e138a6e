/**
 * `--format onnx`: one .onnx file (opset 17) that onnxruntime, OpenCV's dnn module or any ONNX tool runs: input
 * `input` [N, C, H, W] (the prepared picture: normalisation is not baked in), outputs `logits` and, for
 * classifiers, `probabilities`; the classes and the preprocessing are in its metadata_props.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ExportFormat } from '../format';
import { exportGraphOf, exportMetadataOf } from '../graph/fromSource';
import { encodeOnnx } from './encode';

export const onnxFormat: ExportFormat = {
  name: 'onnx',
  summary: 'one .onnx file (opset 17): input "input" NCHW, outputs "logits" and "probabilities"; classes and preprocessing in its metadata',
  out: 'file',
  async write(source, out) {
    const graph = exportGraphOf(source);
    const meta = exportMetadataOf(source, graph, 'NCHW');
    const bytes = encodeOnnx(graph, {
      name: source.analysis.name,
      producerVersion: (require('../../../package.json') as { version: string }).version,
      docString: `${source.analysis.name}, exported by CNN Lab from ${source.runDir} (${source.checkpoint}/). Input: the picture prepared as ${meta.preprocessingSteps.join('; ')}.`,
      metadata: { classes: JSON.stringify(meta.classes), preprocessing: meta.preprocessingSteps.join('\n'), cnnlab: JSON.stringify(meta) },
    });
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, bytes);
    return { files: [out], notes: [`input "input": [N, ${source.analysis.input.join(', ')}] (NCHW), prepared as: ${meta.preprocessingSteps.join('; ')}`] };
  },
};
