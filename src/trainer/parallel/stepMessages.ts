/** Messages between the data-parallel coordinator (dataParallel.ts) and its step workers (stepWorker.ts). */
import type { GraphNode, TaskName } from '../../model/types';
import type { Batch } from '../datasets/types';
import type { RowWindow } from '../engine/layers/draws';
import type { ImageRows } from '../engine/classScores';
import type { ForwardResult } from '../engine/steps';
import type { TaskContext } from '../tasks/registry';

/** What a step worker builds: the model (same graph and seed as the coordinator's), its task and backend. */
export interface StepWorkerSetup {
  graph: GraphNode[];
  seed: number;
  task: { name: TaskName; context: TaskContext };
  /** The coordinator's engine: the workers compute with the same one. */
  backend: 'wasm' | 'cpu';
}

/** Geometry of the set a batch comes from (what EngineTask.tensors reads of it). */
export type SetGeometry = { height: number; width: number; channels: number };

export type ToStepWorker =
  | ({
      type: 'init';
      buffer: SharedArrayBuffer;
      sizes: number[];
      shards: number;
      shard: number;
      /** The loss's parts (the task's declared ones), in the order of their shared slots. */
      parts: string[];
      /** The run's StepProfile memory, when its phases are timed. */
      phases?: SharedArrayBuffer;
    } & StepWorkerSetup)
  | {
      type: 'step';
      step: number;
      /** This shard's rows of the batch, and where they sit in it. */
      batch: Batch;
      window: RowWindow;
      /** This shard's share of the batch's loss (shardShares.ts): its loss is scaled by it before the gradients. */
      share: number;
      set: SetGeometry;
      /** The coordinator's seed position before the step: every shard draws the same masks' seeds. */
      seedPosition: number;
      /** Variables (params then buffers, model order) whose weights the coordinator wrote for this step. */
      sync: number[];
      /** Variables to compute gradients of (the trainable parameters). */
      trainable: number[];
      /**
       * Posted ahead, while the coordinator still finishes the step before: wait for the weights signal of this
       * step (SharedGradients.awaitWeights) before reading `sync`.
       */
      ahead?: boolean;
    }
  | {
      /** An evaluation batch's rows: their mean loss and outputs come back as 'outputs'. */
      type: 'forward';
      id: number;
      batch: Batch;
      set: SetGeometry;
      /** Variables whose weights the coordinator wrote (all of them at the start of a pass, else none). */
      sync: number[];
    }
  | {
      /** Images (the inspector's occluded copies): their class scores come back as 'scores'. */
      type: 'scores';
      id: number;
      rows: ImageRows;
      /** As for 'forward'. */
      sync: number[];
    };

export type FromStepWorker =
  | { type: 'ready' }
  | { type: 'error'; message: string }
  | ({ type: 'outputs'; id: number } & ForwardResult)
  /** Class scores, rows × classes. */
  | { type: 'scores'; id: number; values: Float32Array };
