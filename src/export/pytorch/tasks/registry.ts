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
 * What train.py cannot reproduce of a model's recipe, in words (null: all of it): its task's gaps. Refusing is
 * better than a PyTorch run that silently trains another recipe.
 */
export function trainPyUnsupported(analysis: ModelAnalysis): string | null {
  return PY_TRAIN_TASKS[analysis.task].unsupported(analysis);
}
