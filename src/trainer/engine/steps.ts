/**
 * How the training loop runs one optimisation step. The loop calls a StepRunner and never asks how the step is
 * computed: in this thread (localSteps, the default) or split over data-parallel workers
 * (src/trainer/parallel/dataParallel.ts).
 */
import type { Batch, ImageSet } from '../datasets/types';
import type { EngineTask } from '../tasks/registry';
import type { EngineModel } from './model';
import type { NamedTensorMap, TF, Tensor, Variable } from './tf';

export interface StepRunner {
  /** Computes `batch`'s gradients of `vars`, passes them to `apply` once; returns the batch's mean loss and score sum. */
  run(tf: TF, model: EngineModel, task: EngineTask, vars: Variable[], apply: (grads: NamedTensorMap) => void, batch: Batch, set: ImageSet): Promise<[number, number]>;
}

/**
 * Computes `batch`'s gradients of `vars` and hands them to `use` (inside tf.tidy: they are freed after it);
 * returns the batch's mean loss and score sum. Every way of stepping is built on it.
 */
export async function batchStep(tf: TF, model: EngineModel, task: EngineTask, vars: Variable[], batch: Batch, set: ImageSet, use: (grads: NamedTensorMap) => void): Promise<[number, number]> {
  const result = tf.tidy(() => {
    const { input, target } = task.tensors(tf, batch, set);
    let score: Tensor | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const output = model.apply(input, true);
      // variableGrads disposes everything but the loss and the gradients: keep the score, freed below.
      score = tf.keep(task.batchScore(tf, output, target));
      return task.loss(tf, output, target);
    }, vars);
    use(grads);
    const kept = score as Tensor;
    const both = tf.stack([value, tf.cast(kept, 'float32')]);
    kept.dispose();
    return both;
  });
  const values = await result.data();
  result.dispose();
  return [values[0], values[1]];
}

/** Steps in this thread. */
export const localSteps: StepRunner = {
  run: (tf, model, task, vars, apply, batch, set) => batchStep(tf, model, task, vars, batch, set, apply),
};
