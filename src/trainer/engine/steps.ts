/**
 * How the training loop runs one optimisation step, and an evaluation pass one batch. The loop calls a StepRunner
 * (and the passes a ForwardRunner) and never asks how it is computed: in this thread (the default) or split over
 * data-parallel workers (src/trainer/parallel/dataParallel.ts).
 */
import type { Batch, ImageSet } from '../datasets/types';
import type { EngineTask } from '../tasks/registry';
import type { EngineModel } from './model';
import type { PhaseClock } from './stepPhases';
import type { NamedTensorMap, Scalar, TF, Tensor, Variable } from './tf';

/** A step's batch mean loss, its score sum and, for tasks whose loss has parts, their batch means (when the runner reports them). */
export type StepResult = [loss: number, score: number, lossParts?: Record<string, number>];

export interface StepRunner {
  /**
   * Computes `batch`'s gradients of `vars`, passes them to `apply` once; returns the batch's mean loss and score sum.
   * `upcoming` returns the loop's next batch of this pass once it is made (never waits): a runner may hand it out
   * early, the loop passes it to the next run.
   */
  run(tf: TF, model: EngineModel, task: EngineTask, vars: Variable[], apply: (grads: NamedTensorMap) => void, batch: Batch, set: ImageSet, upcoming?: () => Batch | undefined): Promise<StepResult>;
}

/** An evaluation batch's mean loss, raw outputs (rows × output values, row-major) and loss parts (tasks that have them). */
export interface ForwardResult {
  loss: number;
  outputs: Float32Array;
  parts?: Record<string, number>;
}

export interface ForwardRunner {
  /**
   * Starts an evaluation pass with the model's current weights (they may have changed since the last pass: best
   * weights restored); returns how each of its batches is computed.
   */
  forwardPass(tf: TF, model: EngineModel, task: EngineTask, set: ImageSet): (batch: Batch) => Promise<ForwardResult>;
}

/** `batch` through the model in evaluation mode (dropout off, BatchNorm on running statistics). */
export async function forwardBatch(tf: TF, model: EngineModel, task: EngineTask, batch: Batch, set: ImageSet): Promise<ForwardResult> {
  let names: string[] = [];
  const [lossT, outputT] = tf.tidy(() => {
    const { input, target } = task.tensors(tf, batch, set);
    const output = model.apply(input, false);
    const parts = task.lossParts?.(tf, output, target) ?? {};
    names = Object.keys(parts);
    return [tf.stack([task.loss(tf, output, target), ...Object.values(parts)]), output];
  });
  try {
    const [loss, ...values] = await lossT.data();
    const outputs = (await outputT.data()) as Float32Array;
    return names.length ? { loss, outputs, parts: Object.fromEntries(names.map((name, i) => [name, values[i]])) } : { loss, outputs };
  } finally {
    tf.dispose([lossT, outputT]);
  }
}

/** Evaluation passes in this thread. */
export const localForward: ForwardRunner = {
  forwardPass: (tf, model, task, set) => (batch) => forwardBatch(tf, model, task, batch, set),
};

/** How a shard's step runs. */
export interface StepOptions {
  /**
   * The rows' share of the global batch (default 1): the loss is scaled by it before the gradients, so a shard's
   * gradients are its part of the batch's mean gradient and the shards' gradients simply add up.
   */
  share?: number;
  /** Counts the forward and backward passes as 'compute' (the caller counts what `use` does). */
  clock?: PhaseClock;
}

/**
 * Computes `batch`'s gradients of `vars` and hands them to `use` (inside tf.tidy: they are freed after it unless
 * kept); returns the batch's mean loss (unscaled), score sum and loss parts (tasks that have them). Every way of
 * stepping is built on it.
 */
export async function batchStep(tf: TF, model: EngineModel, task: EngineTask, vars: Variable[], batch: Batch, set: ImageSet, use: (grads: NamedTensorMap) => void, options: StepOptions = {}): Promise<StepResult> {
  const { share = 1, clock } = options;
  let names: string[] = [];
  const result = tf.tidy(() => {
    const { input, target } = task.tensors(tf, batch, set);
    const kept: Tensor[] = [];
    const { grads } = tf.variableGrads(() => {
      // No gradient of the images is asked for: the layers that only see them (the first convolution) skip it.
      const output = model.apply(input, true, false);
      // variableGrads disposes everything but its value and the gradients: keep the loss, score and parts, freed below.
      const loss = tf.keep(task.loss(tf, output, target));
      kept.push(loss, tf.keep(tf.cast(task.batchScore(tf, output, target), 'float32')));
      const parts = task.lossParts?.(tf, output, target) ?? {};
      names = Object.keys(parts);
      kept.push(...Object.values(parts).map((p) => tf.keep(p)));
      return (share === 1 ? loss : tf.mul(loss, share)) as Scalar;
    }, vars);
    clock?.lap('compute');
    use(grads);
    const all = tf.stack(kept);
    kept.forEach((t) => t.dispose());
    return all;
  });
  const values = await result.data();
  result.dispose();
  clock?.lap('compute');
  const parts = names.length ? Object.fromEntries(names.map((name, i) => [name, values[2 + i]])) : undefined;
  return parts ? [values[0], values[1], parts] : [values[0], values[1]];
}

/** Steps in this thread; `clock` (profiling) times them. */
export function localSteps(clock?: PhaseClock): StepRunner {
  return {
    run(tf, model, task, vars, apply, batch, set) {
      clock?.lap('loop');
      const optimize = (grads: NamedTensorMap) => {
        apply(grads);
        clock?.lap('optimizer');
      };
      return batchStep(tf, model, task, vars, batch, set, optimize, { clock });
    },
  };
}
