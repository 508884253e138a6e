/**
 * What a task means to the pure core: its name, the losses it allows (and the default), the check of the model's
 * output against what the task needs, and what the editor's panels show for it. The trainer's half of a task (targets,
 * loss tensors, metrics) lives in src/trainer/tasks; both are keyed by TaskName.
 */
import type { DiagnosticSink } from '../diagnostics';
import type { ModelCheckInput } from '../infer/modelChecks';
import type { LossName } from '../types';

export type TaskName = 'classification' | 'reconstruction';

/** Which result views a panel offers for a task's runs. */
export interface TaskViews {
  /** The per-epoch chart beside the loss: accuracy for classification, validation MSE in pixels for reconstruction. */
  epochChart: 'accuracy' | 'mse';
  /** The results section of the training panel. */
  results: 'confusion' | 'reconstruction';
  /** Whether the engine sends a strip of fixed validation images after each epoch (its trainer task makes it). */
  epochSamples: boolean;
}

export interface TaskDefinition {
  name: TaskName;
  /** One line for hovers, completion and the generated reference. */
  doc: string;
  /** Losses the task accepts, the default first. */
  losses: readonly LossName[];
  defaultLoss: LossName;
  views: TaskViews;
  /** Diagnostics about the model's output shape (and last layer) for this task. */
  checkOutput(m: ModelCheckInput, sink: DiagnosticSink): void;
}
