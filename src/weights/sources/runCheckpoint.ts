/**
 * One of our runs as weights: a checkpoint folder (`runs/<model>/<time>/best` or `last`) or the run folder itself
 * (its best/ checkpoint, else last/). The engine's variables (`layer<i>.<entry>`, tfjs layouts) become the
 * state_dict of the run's model snapshot (model.cnn.yaml next to the checkpoint): PyTorch's names and layouts, so a
 * run trained on one task starts another (transfer) exactly as a torchvision file would.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { transpose } from '../../export/pytorch/layouts';
import { FILE_LIMITS, readUserText } from '../../files/readUserFile';
import { analyzeModel } from '../../model/analyze';
import { torchKeyOf } from '../../model/stateKeys';
import { RUN_FILES } from '../../trainer/runs/store';
import { readCheckpointFiles } from '../../trainer/runs/tfjsFiles';
import { ENGINE_TO_TORCH } from '../rankLayout';
import { contiguousStrides, elementCount, WeightFileError, type StateDict } from '../stateDict';
import type { WeightSource } from './types';

const CHECKPOINT_FORMAT = 'cnnlab-weights';

function isCheckpoint(dir: string): boolean {
  const path = join(dir, 'model.json');
  if (!existsSync(path)) return false;
  try {
    return (JSON.parse(readUserText(path, { maxBytes: FILE_LIMITS.json, what: 'checkpoint model.json' })) as { format?: unknown }).format === CHECKPOINT_FORMAT;
  } catch {
    return false;
  }
}

/** The checkpoint folder `path` stands for, if any. */
function checkpointOf(path: string): string | undefined {
  if (isCheckpoint(path)) return path;
  if (!existsSync(join(path, RUN_FILES.model))) return undefined;
  return [RUN_FILES.best, RUN_FILES.last].map((c) => join(path, c)).find(isCheckpoint);
}

function readCheckpoint(path: string): StateDict {
  const dir = checkpointOf(path)!;
  const modelPath = join(dirname(dir), RUN_FILES.model);
  if (!existsSync(modelPath)) throw new WeightFileError(`${dir} is a checkpoint without its run's ${RUN_FILES.model} next to it: its weights cannot be named`, path);
  const analysis = analyzeModel(readUserText(modelPath, { maxBytes: FILE_LIMITS.modelFile, what: 'model file' }));
  const { specs, bytes } = readCheckpointFiles(dir);
  const dict: StateDict = new Map();
  let at = 0;
  for (const spec of specs) {
    // A copy: 4-byte aligned, and independent of the file's buffer.
    const raw = new Uint8Array(bytes.subarray(at, at + elementCount(spec.shape) * 4));
    at += raw.byteLength;
    const key = torchKeyOf(analysis.layers, spec.name);
    if (key === undefined) throw new WeightFileError(`${dir}: ${spec.name} belongs to no layer of ${modelPath}; the checkpoint is not this run's`, path);
    const order = ENGINE_TO_TORCH[spec.shape.length];
    const torch = order && spec.dtype === 'float32' ? transpose(new Float32Array(raw.buffer), spec.shape, order) : { values: raw, shape: spec.shape };
    const storage = new Uint8Array(torch.values.buffer, torch.values.byteOffset, torch.values.byteLength);
    dict.set(key, { dtype: spec.dtype === 'int32' ? 'int32' : 'float32', shape: torch.shape, strides: contiguousStrides(torch.shape), offset: 0, storage });
  }
  return dict;
}

export const runCheckpoint: WeightSource = {
  name: 'run',
  what: 'one of our runs (runs/<model>/<time>, or its best/ or last/ checkpoint)',
  recognizes: (p) => p.isDirectory && checkpointOf(p.path) !== undefined,
  read: (p) => readCheckpoint(p.path),
};
