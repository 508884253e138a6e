/** train.py's tasks, keyed like the core's TASKS (src/model/tasks): one module each. */
import type { TaskName } from '../../../model/types';
import { classificationPy } from './classificationPy';
import { reconstructionPy } from './reconstructionPy';
import { segmentationPy } from './segmentationPy';
import type { PyTrainTask } from './types';

export const PY_TRAIN_TASKS: Readonly<Record<TaskName, PyTrainTask>> = {
  classification: classificationPy,
  reconstruction: reconstructionPy,
  segmentation: segmentationPy,
};
