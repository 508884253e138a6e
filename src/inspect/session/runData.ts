/**
 * The dataset of a run, for picking test images, embeddings and the augmentation preview: loaded as training
 * loaded it (the run's config.json remembers the model path, search paths and cache), never downloaded here.
 */
import { dirname } from 'node:path';
import { namedClasses } from '../../model/infer/modelChecks';
import { TASKS } from '../../model/tasks/registry';
import { loadDataset } from '../../trainer/datasets';
import type { LoadedDataset } from '../../trainer/datasets/types';
import { readRunConfig } from '../../trainer/runs/reader';
import type { InspectableRun } from '../network/runModel';

export interface DataLocations {
  searchPaths?: string[];
  cacheDir?: string;
  /** The image pixel limit (else the run's, else the environment's or the default). */
  maxImagePixels?: number;
}

interface SavedRequest {
  modelPath?: string;
  searchPaths?: string[];
  cacheDir?: string;
  maxImagePixels?: number;
}

/** Loads the run's dataset, fitted to the model input; throws a DatasetError with a clear message when it cannot. */
export async function loadRunData(run: InspectableRun, where: DataLocations = {}, onProgress?: (message: string) => void): Promise<LoadedDataset> {
  const saved = savedRequest(run.runDir);
  const baseDir = saved.modelPath ? dirname(saved.modelPath) : undefined;
  return loadDataset({
    input: run.input,
    data: run.analysis.data,
    pipeline: run.analysis.pipeline,
    seed: run.analysis.train.seed,
    target: TASKS[run.analysis.task].target,
    maskClasses: run.analysis.outputShape[0],
    // The run's labels: imagefolder's folders are matched to these names, so indices mean what they meant in training.
    classes: namedClasses(run.classes),
    searchPaths: [...(baseDir ? [baseDir] : []), ...(where.searchPaths ?? []), ...(saved.searchPaths ?? [])],
    cacheDir: where.cacheDir ?? saved.cacheDir,
    baseDir,
    download: false,
    maxImagePixels: where.maxImagePixels ?? saved.maxImagePixels,
    onProgress,
  });
}

function savedRequest(runDir: string): SavedRequest {
  return (readRunConfig(runDir) as { request?: SavedRequest } | null)?.request ?? {};
}
