/** The tasks a model file can name in `task:`, one module each. */
import { classificationTask } from './classification';
import { detectionTask } from './detection';
import { reconstructionTask } from './reconstruction';
import { segmentationTask } from './segmentation';
import type { TaskDefinition, TaskName } from './types';

export const TASKS: Readonly<Record<TaskName, TaskDefinition>> = {
  classification: classificationTask,
  reconstruction: reconstructionTask,
  segmentation: segmentationTask,
  detection: detectionTask,
};

export const TASK_NAMES = Object.keys(TASKS) as TaskName[];
export const DEFAULT_TASK: TaskName = 'classification';

export function isTaskName(s: unknown): s is TaskName {
  return typeof s === 'string' && Object.hasOwn(TASKS, s);
}

export type { TaskDefinition, TaskName, TaskViews } from './types';
