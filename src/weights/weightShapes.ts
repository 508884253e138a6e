/**
 * The analysis environment's view of `weights:` (AnalysisEnvironment.weights): the keys and shapes of the weight
 * file, resolved against the model file's folder, read once per file version (path, size, modification time), so
 * that typing in the editor does not read a 100 MB file at every keystroke.
 */
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { AnalysisEnvironment } from '../model/config/imageFolder';
import { readWeights } from './sources/registry';

type Shapes = ReadonlyMap<string, { readonly shape: readonly number[] }>;

const cache = new Map<string, { version: string; result: { shapes: Shapes } | { error: string } }>();

/** The weight file `file` names, relative to `modelDir` unless absolute. */
export function resolveWeightsPath(modelDir: string, file: string): string {
  return isAbsolute(file) ? file : resolve(modelDir, file);
}

/** AnalysisEnvironment.weights for a model file in `modelDir`. */
export function weightShapesReader(modelDir: string): NonNullable<AnalysisEnvironment['weights']> {
  return (file) => {
    const path = resolveWeightsPath(modelDir, file);
    let version: string;
    try {
      const s = statSync(path);
      version = `${s.size}:${s.mtimeMs}`;
    } catch {
      return { error: `${path} does not exist (download it, e.g. cnnlab weights download resnet18, or fix the path)` };
    }
    const known = cache.get(path);
    if (known?.version === version) return known.result;
    let result: { shapes: Shapes } | { error: string };
    try {
      const sd = readWeights(path);
      // Keep the shapes only: the tensors' bytes are dropped with the file.
      result = { shapes: new Map([...sd].map(([k, t]) => [k, { shape: t.shape }])) };
    } catch (err) {
      result = { error: err instanceof Error ? err.message : String(err) };
    }
    cache.set(path, { version, result });
    return result;
  };
}
