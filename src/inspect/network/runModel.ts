/**
 * Opening a run folder for inspection: the model file snapshot is analysed again, the engine builds the same
 * model and the checkpoint (best/ by default, else last/) is loaded into it. Everything else in this folder
 * computes on the returned `InspectableRun`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeModel } from '../../model/analyze';
import type { ModelAnalysis } from '../../model/types';
import type { Normalization } from '../../trainer/datasets/batches';
import { loadCheckpoint } from '../../trainer/engine/checkpoint';
import { buildModel, type EngineModel } from '../../trainer/engine/model';
import type { TF } from '../../trainer/engine/tf';
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
  const chosen = checkpoint ?? (existsSync(join(runDir, RUN_FILES.best, 'model.json')) ? 'best' : 'last');
  const dir = join(runDir, chosen === 'best' ? RUN_FILES.best : RUN_FILES.last);
  if (!existsSync(join(dir, 'model.json'))) throw new RunOpenError(`${runDir} has no ${chosen}/ checkpoint yet (train at least one epoch)`);
  const model = buildModel(tf, analysis.graph, analysis.train.seed);
  try {
    await loadCheckpoint(tf, model, dir);
  } catch (err) {
    model.dispose();
    throw new RunOpenError(`cannot load ${dir}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const summary = readRunSummary(runDir);
  return inspectableModel(tf, analysis, model, { runDir, checkpoint: chosen, datasetClasses: summary?.classes });
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
    dispose: () => model.dispose(),
  };
}


