/**
 * Opening a run folder for inspection: the model file snapshot is analysed again, the engine builds the same
 * model and the checkpoint (best/ by default, else last/; a damaged best/ falls back to last/ with a notice) is
 * loaded into it. Everything else in this folder computes on the returned `InspectableRun`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeModel } from '../../model/analyze';
import type { ModelAnalysis } from '../../model/types';
import type { Normalization } from '../../trainer/datasets/batches';
import { loadCheckpoint } from '../../trainer/engine/checkpoint';
import { buildModel, type EngineModel } from '../../trainer/engine/model';
import type { TF } from '../../trainer/engine/tf';
import { interruptedNotice } from '../../trainer/runs/interrupted';
import { readRunSummary } from '../../trainer/runs/reader';
import { RUN_FILES } from '../../trainer/runs/store';

export type CheckpointChoice = 'best' | 'last';

/** A trained model ready for inspection. Call `dispose()` when done (it frees the weights). */
export interface InspectableRun {
  tf: TF;
  runDir: string;
  analysis: ModelAnalysis;
  model: EngineModel;
  /** Class names: the model file's (its `classes:` or its dataset's), or the run's when the file only numbers them (imagefolder). */
  classes: string[];
  /** [C, H, W]. */
  input: [number, number, number];
  normalize: Normalization | undefined;
  checkpoint: CheckpointChoice;
  /** One line each about the run as opened (interrupted, a damaged best/ replaced by last/), for the user. */
  notices: string[];
  dispose(): void;
}

/** A run folder that cannot be inspected; the message says why and what to do. */
export class RunOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunOpenError';
  }
}

/** Opens `runDir`: analyses its model snapshot, builds the model and loads a checkpoint. */
export async function openRun(tf: TF, runDir: string, checkpoint?: CheckpointChoice): Promise<InspectableRun> {
  const modelPath = join(runDir, RUN_FILES.model);
  if (!existsSync(modelPath)) throw new RunOpenError(`${runDir} is not a run folder (no ${RUN_FILES.model}); pass a folder such as runs/<model>/<timestamp>`);
  const analysis = analyzeModel(readFileSync(modelPath, 'utf8'));
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new RunOpenError(`the model snapshot in ${runDir} has errors: ${errors[0].message}`);
  if (analysis.input.length !== 3) throw new RunOpenError(`inspection needs an image input [C, H, W]; this model's input is [${analysis.input}]`);
  // Read first: an interrupted run's stale temporaries are cleaned before its checkpoints are opened.
  const summary = readRunSummary(runDir);
  const notices = [interruptedNotice(runDir, summary)].filter((n): n is string => n !== null);
  let chosen = checkpoint ?? (existsSync(join(runDir, RUN_FILES.best, 'model.json')) ? 'best' : 'last');
  const folder = (choice: CheckpointChoice): string => join(runDir, choice === 'best' ? RUN_FILES.best : RUN_FILES.last);
  if (!existsSync(join(folder(chosen), 'model.json'))) throw new RunOpenError(`${runDir} has no ${chosen}/ checkpoint yet (train at least one epoch)`);
  const model = buildModel(tf, analysis.graph, analysis.train.seed);
  try {
    try {
      await loadCheckpoint(tf, model, folder(chosen));
    } catch (err) {
      // Only the default choice falls back: a user who asked for best/ gets the error.
      if (checkpoint || chosen !== 'best' || !existsSync(join(folder('last'), 'model.json'))) throw err;
      await loadCheckpoint(tf, model, folder('last'));
      notices.push(`warning: ${folder('best')} cannot be loaded (${errorMessage(err)}); using last/ instead`);
      chosen = 'last';
    }
  } catch (err) {
    model.dispose();
    throw new RunOpenError(`cannot load ${folder(chosen)}: ${errorMessage(err)}`);
  }
  return { ...inspectableModel(tf, analysis, model, { runDir, checkpoint: chosen, datasetClasses: summary?.classes }), notices };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Wraps a built model (from a run, or made by hand in tests) for inspection. */
export function inspectableModel(
  tf: TF,
  analysis: ModelAnalysis,
  model: EngineModel,
  options: { runDir?: string; checkpoint?: CheckpointChoice; datasetClasses?: string[] } = {},
): InspectableRun {
  // The core numbers classes '0', '1', … when neither the file nor a known dataset names them; the run knows better.
  const numbered = analysis.classes.every((c, i) => c === String(i));
  const fromRun = options.datasetClasses?.length === analysis.classes.length ? options.datasetClasses : undefined;
  return {
    tf,
    runDir: options.runDir ?? '',
    analysis,
    model,
    classes: numbered && fromRun ? fromRun : analysis.classes,
    input: analysis.input as [number, number, number],
    normalize: analysis.data.normalize,
    checkpoint: options.checkpoint ?? 'last',
    notices: [],
    dispose: () => model.dispose(),
  };
}


