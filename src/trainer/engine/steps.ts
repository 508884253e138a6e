/**
 * How the training loop runs one optimisation step. The loop calls a StepRunner and never asks how the step is
 * computed: in this thread (localSteps, the default) or split over data-parallel workers
 * (src/trainer/parallel/dataParallel.ts).
 */
import type { Batch, ImageSet } from '../datasets/types';
import type { EngineTask } from '../tasks/registry';
import type { EngineModel } from './model';
import type { NamedTensorMap, TF, Tensor, Variable } from './tf';

/** A step's batch mean loss, its score sum and, for tasks whose loss has parts, their batch means (when the runner reports them). */
export type StepResult = [loss: number, score: number, lossParts?: Record<string, number>];

export interface StepRunner {
  /** Computes `batch`'s gradients of `vars`, passes them to `apply` once; returns the batch's mean loss and score sum. */
  run(tf: TF, model: EngineModel, task: EngineTask, vars: Variable[], apply: (grads: NamedTensorMap) => void, batch: Batch, set: ImageSet): Promise<StepResult>;
}

/**
 * Computes `batch`'s gradients of `vars` and hands them to `use` (inside tf.tidy: they are freed after it);
 * returns the batch's mean loss, score sum and loss parts (tasks that have them). Every way of stepping is built on it.
 */
export async function batchStep(tf: TF, model: EngineModel, task: EngineTask, vars: Variable[], batch: Batch, set: ImageSet, use: (grads: NamedTensorMap) => void): Promise<StepResult> {
  let names: string[] = [];
  const result = tf.tidy(() => {
    const { input, target } = task.tensors(tf, batch, set);
    const kept: Tensor[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const output = model.apply(input, true);
      // variableGrads disposes everything but the loss and the gradients: keep the score and the parts, freed below.
      kept.push(tf.keep(tf.cast(task.batchScore(tf, output, target), 'float32')));
      const parts = task.lossParts?.(tf, output, target) ?? {};
      names = Object.keys(parts);
      kept.push(...Object.values(parts).map((p) => tf.keep(p)));
      return task.loss(tf, output, target);
    }, vars);
    use(grads);
    const all = tf.stack([value, ...kept]);
    kept.forEach((t) => t.dispose());
    return all;
  });
  const values = await result.data();
  result.dispose();
  const parts = names.length ? Object.fromEntries(names.map((name, i) => [name, values[2 + i]])) : undefined;
  return parts ? [values[0], values[1], parts] : [values[0], values[1]];
}

/** Steps in this thread. */
export const localSteps: StepRunner = {
  run: (tf, model, task, vars, apply, batch, set) => batchStep(tf, model, task, vars, batch, set, apply),
};
