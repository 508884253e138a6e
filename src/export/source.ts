/**
 * What every export format starts from: a run folder's model snapshot (analysed again), the class names training
 * used, and one checkpoint's weights as plain arrays in the engine's (tfjs) layout, read without a tfjs backend.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FILE_LIMITS, readUserText } from '../files/readUserFile';
import { analyzeModel } from '../model/analyze';
import type { ModelAnalysis } from '../model/types';
import { readRunClasses, readRunConfig } from '../trainer/runs/reader';
import { RUN_FILES } from '../trainer/runs/store';
import { folderIOHandler } from '../trainer/runs/tfjsFiles';
import { ExportError } from './format';

/** One variable of a checkpoint, in the engine's layout (conv [kh, kw, in/groups, out], Linear [in, out]). */
export interface ExportWeight {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface ExportSource {
  /** The run folder; '' for a model file exported before any training ("Train with PyTorch"). */
  runDir: string;
  /** The model file as the run snapshotted it, and its analysis. */
  modelText: string;
  analysis: ModelAnalysis;
  /** Class names in label order (the run's, else the model file's). */
  classes: string[];
  /** The checkpoint the weights come from; undefined (and no weights) for a model file alone. */
  checkpoint: 'best' | 'last' | undefined;
  weights: ExportWeight[];
  /** The run's config.json (dataset paths as resolved by training), or null. */
  config: unknown;
}

/** Reads `runDir` for export; `checkpoint` defaults to best/ when it exists, else last/. Errors say what is missing. */
export async function readExportSource(runDir: string, checkpoint?: 'best' | 'last'): Promise<ExportSource> {
  const modelPath = join(runDir, RUN_FILES.model);
  if (!existsSync(modelPath)) throw new ExportError(`${runDir} is not a run folder (no ${RUN_FILES.model}); pass a folder such as runs/<model>/<timestamp>`);
  const modelText = readUserText(modelPath, { maxBytes: FILE_LIMITS.modelFile, what: 'model file' });
  const analysis = analyzeModel(modelText);
  const error = analysis.diagnostics.find((d) => d.severity === 'error');
  if (error) throw new ExportError(`the model snapshot in ${runDir} has errors: ${error.message}`);
  const chosen = checkpoint ?? (existsSync(join(runDir, RUN_FILES.best, 'model.json')) ? 'best' : 'last');
  const dir = join(runDir, chosen === 'best' ? RUN_FILES.best : RUN_FILES.last);
  if (!existsSync(join(dir, 'model.json'))) throw new ExportError(`${runDir} has no ${chosen}/ checkpoint yet (train at least one epoch)`);
  const outputs = analysis.outputShape.length === 1 ? analysis.outputShape[0] : analysis.classes.length;
  const runClasses = readRunClasses(runDir);
  return {
    runDir,
    modelText,
    analysis,
    classes: runClasses?.length === outputs ? runClasses : analysis.classes,
    checkpoint: chosen,
    weights: await readCheckpointWeights(dir),
    config: readRunConfig(runDir),
  };
}

/** A model file without a run: everything but weights (formats that can, write the model and scripts only). */
export function modelFileSource(modelText: string, modelPath: string): ExportSource {
  const analysis = analyzeModel(modelText);
  const error = analysis.diagnostics.find((d) => d.severity === 'error');
  if (error) throw new ExportError(`${modelPath}:${error.range.start.line + 1}: ${error.message}`);
  return { runDir: '', modelText, analysis, classes: analysis.classes, checkpoint: undefined, weights: [], config: { request: { modelPath } } };
}

/** A checkpoint folder's variables as float32 arrays (int32 counters converted), in manifest order. */
export async function readCheckpointWeights(dir: string): Promise<ExportWeight[]> {
  const artifacts = await folderIOHandler(dir).load();
  const data = artifacts.weightData as ArrayBuffer;
  const weights: ExportWeight[] = [];
  let offset = 0;
  for (const spec of artifacts.weightSpecs ?? []) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.dtype !== undefined && spec.dtype !== 'float32' && spec.dtype !== 'int32') throw new ExportError(`${dir}: ${spec.name} has dtype ${spec.dtype}; exports read float32 and int32 weights`);
    const values = spec.dtype === 'int32' ? Float32Array.from(new Int32Array(data, offset, size)) : new Float32Array(data.slice(offset, offset + 4 * size));
    weights.push({ name: spec.name, shape: [...spec.shape], values });
    offset += 4 * size;
  }
  return weights;
}
