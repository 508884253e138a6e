/** task.py of a detector: not written yet, so train.py refuses detection models by name (the export keeps model.py). */
import type { PyTrainTask } from './types';

export const detectionPy: PyTrainTask = {
  unsupported: () => 'train.py does not train task detection yet: train this model with CNN Lab (model.py and weights.pth are exported)',
  source: '',
};
