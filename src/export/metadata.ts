/**
 * What an exported model says about itself besides its graph: classes, task, the input's layout and the
 * preprocessing a picture needs (normalisation is not baked into the graph: the input is the prepared tensor).
 * ONNX keeps it in metadata_props, TensorFlow.js in model.json's userDefinedMetadata; the web app runs the
 * `preprocessing` object itself with CNN Lab's own code.
 */
import type { ModelAnalysis } from '../model/types';
import type { TestPreprocessing } from '../trainer/datasets/testPicture';

export interface ExportMetadata {
  name: string;
  task: ModelAnalysis['task'];
  classes: string[];
  /** Input tensor: name, layout and per-sample shape in that layout. */
  input: { name: string; layout: 'NCHW' | 'NHWC'; shape: number[] };
  /** Output names: `logits` (the model's output) and, for classifiers, `probabilities` (softmax, class order). */
  outputs: string[];
  /** How a picture becomes the input, in words (one step a line). */
  preprocessingSteps: string[];
  /** The same, as data CNN Lab's preprocessing code runs (src/trainer/datasets/testPicture.ts). */
  preprocessing: TestPreprocessing;
}

export function exportMetadata(analysis: ModelAnalysis, classes: string[], layout: 'NCHW' | 'NHWC', outputs: string[]): ExportMetadata {
  const [c, h, w] = analysis.input;
  return {
    name: analysis.name,
    task: analysis.task,
    classes,
    input: { name: 'input', layout, shape: layout === 'NCHW' || analysis.input.length !== 3 ? analysis.input : [h, w, c] },
    outputs,
    preprocessingSteps: preprocessingSteps(analysis),
    preprocessing: { input: analysis.input as [number, number, number], pipeline: analysis.pipeline, seed: analysis.train.seed },
  };
}

function preprocessingSteps(analysis: ModelAnalysis): string[] {
  if (analysis.input.length !== 3) return [`a vector of ${analysis.input.join('×')} features, as the model file's input`];
  const [c, h, w] = analysis.input;
  const steps = [c === 1 ? "decode, convert to grayscale (ITU-R 601 luma, as PIL's convert('L'))" : `decode as RGB (${c} channels)`];
  if (analysis.pipeline.fitToInput) steps.push(`resize to ${h}×${w} (aspect not kept: area averaging when shrinking, bilinear with half-pixel centres when enlarging), round to 8 bits`);
  steps.push('scale pixel values to [0, 1] (÷ 255)');
  steps.push(...analysis.pipeline.test.map((t) => t.text));
  return steps;
}
