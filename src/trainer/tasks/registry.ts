/** The trainer's tasks, keyed like the core's TASKS (src/model/tasks): one module each. */
import type { TaskName } from '../../model/types';
import { classificationTask } from './classification';
import { detectionTask } from './detection';
import { reconstructionTask } from './reconstruction';
import { segmentationTask } from './segmentation';
import type { EngineTask, TaskContext } from './types';

const ENGINE_TASKS: Readonly<Record<TaskName, (ctx: TaskContext) => EngineTask>> = {
  classification: classificationTask,
  reconstruction: reconstructionTask,
  segmentation: segmentationTask,
  detection: detectionTask,
};

export function createTask(name: TaskName, ctx: TaskContext): EngineTask {
  return ENGINE_TASKS[name](ctx);
}

export type { EngineTask, TaskContext, TaskEvaluation, TestRecorder } from './types';
