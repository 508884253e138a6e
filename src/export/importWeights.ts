/**
 * `cnnlab import`: a state_dict trained elsewhere (the exported train.py on a cluster, or any PyTorch code whose
 * module names follow the model file's `layer<N>`) becomes a run folder, so predict, evaluate, inspect and the panels
 * work on it. Names and shapes must match the model file exactly (load_state_dict(strict=True)'s rule); weights are
 * transposed from torch's layouts to the engine's.
 */
import { dirname, join } from 'node:path';
import { analyzeModel } from '../model/analyze';
import type { ModelAnalysis } from '../model/types';
import type { RunSummary } from '../protocol/runTypes';
import { saveCheckpoint } from '../trainer/engine/checkpoint';
import { buildModel, type EngineModel } from '../trainer/engine/model';
import { newRunSummary } from '../trainer/engine/recorder';
import type { TF } from '../trainer/engine/tf';
import { RunFolder } from '../trainer/runs/store';
import { tensorValues, type StateDict } from '../weights/stateDict';
import { ExportError } from './format';
import { inversePermutation, torchPermutation, transpose } from './pytorch/layouts';

export interface ImportRequest {
  stateDict: StateDict;
  /** Where the weights came from (named in errors and in the run's summary). */
  weightsFile: string;
  modelText: string;
  modelPath: string;
  /** Runs folder; default runs/ next to the model file. */
  outDir?: string;
}

/** Writes the run folder and returns it; errors name the file and the parameter. */
export async function importWeights(tf: TF, request: ImportRequest): Promise<string> {
  const analysis = analyzeModel(request.modelText);
  const error = analysis.diagnostics.find((d) => d.severity === 'error');
  if (error) throw new ExportError(`${request.modelPath}:${error.range.start.line + 1}: ${error.message}`);
  const model = buildModel(tf, analysis.graph, analysis.train.seed);
  try {
    loadStateDict(tf, model, analysis, { ...request, stateDict: withoutDdpPrefix(request.stateDict) });
    const folder = RunFolder.create(request.outDir ?? join(dirname(request.modelPath), 'runs'), analysis.name);
    folder.writeModel(request.modelText);
    folder.writeConfig({ model: analysis.name, input: analysis.input, classes: analysis.classes, importedFrom: request.weightsFile, request: { modelPath: request.modelPath } });
    for (const dir of [folder.bestDir, folder.lastDir]) await saveCheckpoint(tf, model, analysis, dir, { imported: request.weightsFile });
    folder.writeSummary(importedSummary(analysis, request.weightsFile));
    return folder.dir;
  } finally {
    model.dispose();
  }
}

/** Assigns every variable of `model` from the state_dict; all problems are gathered into one message. */
function loadStateDict(tf: TF, model: EngineModel, analysis: ModelAnalysis, request: ImportRequest): void {
  const problems: string[] = [];
  const variables = [...model.params, ...model.buffers];
  const known = new Set(variables.map((v) => v.name));
  for (const v of variables) {
    const t = request.stateDict.get(v.name);
    if (!t) {
      problems.push(`missing ${v.name} ${describe(analysis, v.name)}`);
      continue;
    }
    const order = torchPermutation(analysis, v.name);
    const expected = order ? order.map((axis) => v.variable.shape[axis]) : v.variable.shape;
    if (t.shape.join() !== expected.join()) {
      problems.push(`${v.name} has shape [${t.shape}], the model file needs [${expected}] ${describe(analysis, v.name)}`);
      continue;
    }
    const values = tensorValues(t);
    const engine = order ? transpose(values, t.shape, inversePermutation(order)).values : values;
    tf.tidy(() => v.variable.assign(tf.tensor(engine, v.variable.shape, v.variable.dtype)));
  }
  const unexpected = [...request.stateDict.keys()].filter((k) => !known.has(k));
  if (unexpected.length > 0) problems.push(`unexpected ${unexpected.slice(0, 5).join(', ')}${unexpected.length > 5 ? ` and ${unexpected.length - 5} more` : ''}`);
  if (problems.length > 0) {
    throw new ExportError(`${request.weightsFile} does not fit ${request.modelPath} (names are layer<N>.<param>, N the layer's position in the file): ${problems.slice(0, 8).join('; ')}`);
  }
}

/** A state_dict saved from a DistributedDataParallel wrapper has every name under `module.`. */
function withoutDdpPrefix(dict: StateDict): StateDict {
  const names = [...dict.keys()];
  if (names.length === 0 || !names.every((n) => n.startsWith('module.'))) return dict;
  return new Map([...dict].map(([name, t]) => [name.slice('module.'.length), t]));
}

/** "(Conv2d at line 7)" for a variable name. */
function describe(analysis: ModelAnalysis, name: string): string {
  const index = Number(/^layer(\d+)\./.exec(name)?.[1]);
  const layer = analysis.layers.find((l) => l.index === index);
  return layer ? `(${layer.type} at line ${layer.range.start.line + 1})` : '';
}

function importedSummary(analysis: ModelAnalysis, weightsFile: string): RunSummary {
  const summary = newRunSummary({
    model: analysis.name,
    task: analysis.task,
    backend: 'imported',
    backendDescription: `weights imported from ${weightsFile}`,
    dataset: analysis.data.dataset,
    datasetSource: '',
    classes: analysis.classes,
    epochs: 0,
    trainSamples: 0,
    validationSamples: 0,
    testSamples: 0,
    batchSize: analysis.train.batch_size,
  });
  return { ...summary, status: 'done', finishedAt: summary.startedAt };
}
