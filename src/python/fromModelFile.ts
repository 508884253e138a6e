/**
 * "Copy as PyTorch": a model file as PyTorch code, the export's model.py (src/export/pytorch/modelPy) with the
 * `# cnnlab: input` comment above its class, so that pasted into a .py file or a notebook it shows its shapes.
 */
import { modelPy } from '../export/pytorch/modelPy';
import type { ModelAnalysis } from '../model/types';
import { inputComment } from './inputShape';

export function pytorchFromModelFile(analysis: ModelAnalysis, modelFile: string): string {
  return modelPy(analysis, analysis.classes, modelFile).replace(/^class Model\(/m, `${inputComment(analysis.input)}\nclass Model(`);
}
