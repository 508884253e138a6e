/**
 * Opening a model file with a weight file (a PyTorch .pth/.pt state_dict or .safetensors) for prediction and
 * inspection: the file is analysed, the engine builds its model and the weights are loaded strictly (every
 * state_dict key, with its shape, as the model file names it).
 */
import { FILE_LIMITS, readUserText } from '../../files/readUserFile';
import { analyzeModel } from '../../model/analyze';
import { loadStateDict } from '../../trainer/engine/stateDictLoad';
import { buildModel } from '../../trainer/engine/model';
import type { TF } from '../../trainer/engine/tf';
import { readWeights } from '../../weights/sources/registry';
import { inspectableModel, RunOpenError, type InspectableRun } from './runModel';

/** True when `path` names a model file rather than a run folder. */
export function isModelFilePath(path: string): boolean {
  return /\.cnn\.ya?ml$/i.test(path);
}

/** Builds the model of `modelPath` with the weights of `weightsPath`; errors name the file at fault. */
export function openModelFile(tf: TF, modelPath: string, weightsPath: string): InspectableRun {
  const analysis = analyzeModel(readUserText(modelPath, { maxBytes: FILE_LIMITS.modelFile, what: 'model file' }));
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new RunOpenError(`${modelPath} has errors: line ${errors[0].range.start.line + 1}: ${errors[0].message}`);
  if (analysis.input.length !== 3) throw new RunOpenError(`prediction needs an image input [C, H, W]; ${modelPath} has input [${analysis.input}]`);
  const file = readWeights(weightsPath);
  const model = buildModel(tf, analysis.graph, analysis.train.seed);
  try {
    loadStateDict(tf, model, analysis, file);
  } catch (err) {
    model.dispose();
    throw new RunOpenError(`${weightsPath} cannot be loaded into ${modelPath}: ${err instanceof Error ? err.message.replace(/^the weights/, 'they') : String(err)}`);
  }
  return inspectableModel(tf, analysis, model, { runDir: '' });
}
