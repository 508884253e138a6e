/**
 * Every kind of weights `--weights` and `weights:` accept, tried in order on the path given; the first that
 * recognises it reads it. A new kind is one module here and one entry in WEIGHT_SOURCES.
 */
import { statSync } from 'node:fs';
import { describeFileError } from '../../files/fileErrors';
import { FILE_LIMITS, pathProblem, readUserFile } from '../../files/readUserFile';
import { WeightFileError, type StateDict } from '../stateDict';
import { runCheckpoint } from './runCheckpoint';
import { safetensorsFile } from './safetensorsFile';
import { torchFile } from './torchFile';
import type { WeightPath, WeightSource } from './types';

export const WEIGHT_SOURCES: readonly WeightSource[] = [safetensorsFile, torchFile, runCheckpoint];

/** Why `path` cannot be weights before reading it (missing, unreadable, not a file or folder), or undefined. */
export function weightsPathProblem(path: string): string | undefined {
  try {
    if (statSync(path).isDirectory()) return undefined;
  } catch (error) {
    return describeFileError(error, path, 'file');
  }
  return pathProblem(path, 'file');
}

/** The state_dict at `path` (a weight file or folder); errors (UserFileError, WeightFileError) name it. */
export function readWeights(path: string): StateDict {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    throw new WeightFileError(describeFileError(error, path, 'file'), path);
  }
  let bytes: Uint8Array | undefined;
  const probe: WeightPath = { path, isDirectory, bytes: () => (bytes ??= readUserFile(path, { maxBytes: FILE_LIMITS.weights, what: 'weight file' })) };
  const source = WEIGHT_SOURCES.find((s) => s.recognizes(probe));
  if (!source) throw new WeightFileError(`${path} holds no weights CNN Lab can read: expected ${WEIGHT_SOURCES.map((s) => s.what).join(', or ')}`, path);
  return source.read(probe);
}
