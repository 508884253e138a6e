/**
 * Opening a run folder for inspection: the model file snapshot is analysed again, the engine builds the same
 * model and the checkpoint (best/ by default, else last/; a damaged best/ falls back to last/ with a notice) is
 * loaded into it. Everything else in this folder computes on the returned `InspectableRun`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FILE_LIMITS, readUserText } from '../../files/readUserFile';
import { analyzeModel } from '../../model/analyze';
import type { ModelAnalysis } from '../../model/types';
import type { Normalization } from '../../trainer/datasets/batches';
import type { TestPreprocessing } from '../../trainer/datasets/testImage';
import { loadCheckpoint } from '../../trainer/engine/checkpoint';
import { loadStateDict } from '../../trainer/engine/stateDictLoad';
import { readWeights } from '../../weights/sources/registry';
import { inputNormalization } from '../../trainer/transforms/pipeline';
import { buildModel, type EngineModel } from '../../trainer/engine/model';
import type { TF } from '../../trainer/engine/tf';
import { interruptedNotice } from '../../trainer/runs/interrupted';
import { readRunClasses, readRunSummary } from '../../trainer/runs/reader';
import { RUN_FILES } from '../../trainer/runs/store';
import type { StepWorkerSetup } from '../../trainer/parallel/stepMessages';
import { modelDecodeOptions } from '../../model/layers/detectionHead';

export type CheckpointChoice = 'best' | 'last';

/** A trained model ready for inspection. Call `dispose()` when done (it frees the weights). */
export interface InspectableRun {
  tf: TF;
  runDir: string;
  analysis: ModelAnalysis;
  model: EngineModel;
  /** Class names in label order: the run's (what training used), else the model file's for a model made by hand. */
  classes: string[];
  /** [C, H, W]. */
  input: [number, number, number];
  normalize: Normalization | undefined;
  /** How a picture is prepared for the model: as the test pass prepares test images. */
  preprocessing: TestPreprocessing;
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

/**
 * Opens `runDir`: analyses its model snapshot, builds the model and loads a checkpoint, then, when `weights` names a
 * weight file (.pth, .safetensors), that file's state_dict over it (strictly).
 */
export async function openRun(tf: TF, runDir: string, checkpoint?: CheckpointChoice, weights?: string): Promise<InspectableRun> {
  const modelPath = join(runDir, RUN_FILES.model);
  if (!existsSync(modelPath)) throw new RunOpenError(`${runDir} is not a run folder (no ${RUN_FILES.model}); pass a folder such as runs/<model>/<timestamp>`);
  const analysis = analyzeModel(readUserText(modelPath, { maxBytes: FILE_LIMITS.modelFile, what: 'model file' }));
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
  if (weights) {
    try {
      loadStateDict(tf, model, analysis, readWeights(weights));
    } catch (err) {
      model.dispose();
      throw new RunOpenError(`${weights} cannot be loaded into the model of ${runDir}: ${errorMessage(err)}`);
    }
  }
  return { ...inspectableModel(tf, analysis, model, { runDir, checkpoint: chosen, runClasses: readRunClasses(runDir) ?? undefined }), notices };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Wraps a built model (from a run, or made by hand in tests) for inspection. */
export function inspectableModel(
  tf: TF,
  analysis: ModelAnalysis,
  model: EngineModel,
  options: { runDir?: string; checkpoint?: CheckpointChoice; runClasses?: string[] } = {},
): InspectableRun {
  // The labels' order is the one training used: the model file may list names in another order (imagefolder).
  const outputs = analysis.outputShape.length === 1 ? analysis.outputShape[0] : analysis.classes.length;
  const fromRun = options.runClasses?.length === outputs ? options.runClasses : undefined;
  return {
    tf,
    runDir: options.runDir ?? '',
    analysis,
    model,
    classes: fromRun ?? analysis.classes,
    input: analysis.input as [number, number, number],
    normalize: inputNormalization(analysis.pipeline),
    preprocessing: { input: analysis.input as [number, number, number], pipeline: analysis.pipeline, seed: analysis.train.seed },
    checkpoint: options.checkpoint ?? 'last',
    notices: [],
    dispose: () => model.dispose(),
  };
}

/**
 * What data-parallel workers build for the run's model (its graph, seed and task), the task's context made with
 * `classes` (the dataset's, when it is loaded).
 */
export function runWorkerSetup(run: InspectableRun, classes = run.classes): Omit<StepWorkerSetup, 'backend'> {
  const { analysis } = run;
  const context = { loss: analysis.train.loss, classes, normalize: run.normalize, classWeights: analysis.train.class_weights, ignoreIndex: analysis.train.ignore_index, outputShape: analysis.outputShape, decode: modelDecodeOptions(analysis) };
  return { graph: analysis.graph, seed: analysis.train.seed, task: { name: analysis.task, context } };
}
