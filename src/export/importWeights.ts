/**
 * `cnnlab import`: a state_dict trained elsewhere (the exported train.py on a cluster, torchvision, or any PyTorch
 * code whose module names are the model file's: stateKeys.ts) becomes a run folder, so predict, evaluate, inspect and
 * the panels work on it. Names and shapes must match the model file exactly (load_state_dict(strict=True)'s rule,
 * a head of another size included); weights are transposed from torch's layouts to the engine's.
 */
import { dirname, join } from 'node:path';
import { analyzeModel } from '../model/analyze';
import { stateKeys } from '../model/stateKeys';
import { isExactMatch, matchState, type StateMatch } from '../model/stateMatch';
import type { ModelAnalysis, ResolvedLayer } from '../model/types';
import type { RunSummary } from '../protocol/runTypes';
import { saveCheckpoint } from '../trainer/engine/checkpoint';
import { buildModel } from '../trainer/engine/model';
import { loadStateDict } from '../trainer/engine/stateDictLoad';
import { newRunSummary } from '../trainer/engine/recorder';
import type { TF } from '../trainer/engine/tf';
import { RunFolder } from '../trainer/runs/store';
import type { StateDict } from '../weights/stateDict';
import { ExportError } from './format';

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
  const stateDict = withoutDdpPrefix(request.stateDict);
  const match = matchState(stateKeys(analysis.layers), stateDict);
  if (!isExactMatch(match) || match.replaced.length > 0) {
    throw new ExportError(`${request.weightsFile} does not fit ${request.modelPath} (names are the model file's module names, e.g. ${stateKeys(analysis.layers)[0]?.key ?? 'conv1.weight'}): ${problems(match).slice(0, 8).join('; ')}`);
  }
  const model = buildModel(tf, analysis.graph, analysis.train.seed);
  try {
    loadStateDict(tf, model, analysis, stateDict);
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

/** What does not fit, key by key, with the layer and line it belongs to. */
function problems(m: StateMatch): string[] {
  const unexpected = m.unexpected.length ? [`unexpected ${m.unexpected.slice(0, 5).join(', ')}${m.unexpected.length > 5 ? ` and ${m.unexpected.length - 5} more` : ''}`] : [];
  return [
    ...[...m.mismatched, ...m.replaced].map((x) => `${x.key} has shape [${x.found}], the model file needs [${x.expected}] ${describe(x.layer)}`),
    ...m.missing.map((k) => `missing ${k.key} ${describe(k.layer)}`),
    ...unexpected,
  ];
}

/** A state_dict saved from a DistributedDataParallel wrapper has every name under `module.`. */
function withoutDdpPrefix(dict: StateDict): StateDict {
  const names = [...dict.keys()];
  if (names.length === 0 || !names.every((n) => n.startsWith('module.'))) return dict;
  return new Map([...dict].map(([name, t]) => [name.slice('module.'.length), t]));
}

/** "(Conv2d at line 7)". */
function describe(layer: ResolvedLayer): string {
  return `(${layer.type} at line ${layer.range.start.line + 1})`;
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
