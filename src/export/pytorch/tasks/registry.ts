/** train.py's tasks, keyed like the core's TASKS (src/model/tasks): one module each. */
import type { ModelAnalysis, TaskName } from '../../../model/types';
import { classificationPy } from './classificationPy';
import { detectionPy } from './detectionPy';
import { reconstructionPy } from './reconstructionPy';
import { segmentationPy } from './segmentationPy';
import type { PyTrainTask } from './types';

export const PY_TRAIN_TASKS: Readonly<Record<TaskName, PyTrainTask>> = {
  classification: classificationPy,
  reconstruction: reconstructionPy,
  segmentation: segmentationPy,
  detection: detectionPy,
};

/**
 * What train.py cannot reproduce of a model's recipe, in words (null: all of it): the settings of every task it
 * does not implement yet (freezing, per-layer learning rates, stages, starting weights), then the task's own gaps.
 * Refusing is better than a PyTorch run that silently trains another recipe.
 */
export function trainPyUnsupported(analysis: ModelAnalysis): string | null {
  const gaps = [
    analysis.layers.some((l) => l.frozen) ? 'train.freeze' : '',
    analysis.layers.some((l) => l.lrMultiplier !== undefined && l.lrMultiplier !== 1) ? 'train.lr_multipliers' : '',
    analysis.train.stages?.length ? 'train.stages' : '',
    analysis.weights ? 'weights:' : '',
  ].filter(Boolean);
  if (gaps.length) return `train.py does not reproduce ${gaps.join(', ')} yet: train this model with CNN Lab, or remove ${gaps.length > 1 ? 'them' : 'it'} to train it in PyTorch`;
  return PY_TRAIN_TASKS[analysis.task].unsupported(analysis);
}
