/**
 * The model file's `weights:` for train.py: the file (a .pth, .safetensors or one of our runs, read as the engine
 * reads it) matched against the model's state_dict as the engine matches it (stateMatch.ts: a replaced head, and with
 * `strict: false` any key that does not fit, keeps its initialisation), and the tensors that load written as
 * start.pth next to train.py, which loads it with load_state_dict(strict=False) before training.
 */
import { writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { stateKeys } from '../../model/stateKeys';
import { describeMismatch, isExactMatch, matchState } from '../../model/stateMatch';
import type { ModelAnalysis } from '../../model/types';
import { readWeights } from '../../weights/sources/registry';
import { tensorValues } from '../../weights/stateDict';
import { resolveWeightsPath } from '../../weights/weightShapes';
import { isInt64 } from './layouts';
import { torchSave } from './torchSave';

export const START_FILE = 'start.pth';

/** Writes start.pth when the model file has `weights:`; `problem` says why train.py cannot start from them. */
export function exportStartingWeights(analysis: ModelAnalysis, config: unknown, out: string): { file: string | null; problem?: string } {
  if (!analysis.weights) return { file: null };
  const file = weightsFile(analysis.weights.file, config);
  if (!file) return { file: null, problem: `train.py cannot find weights: ${analysis.weights.file} (a path relative to a model file whose folder the export does not know)` };
  let dict;
  try {
    dict = readWeights(file);
  } catch (e) {
    return { file: null, problem: `train.py cannot start from weights: ${e instanceof Error ? e.message : String(e)}` };
  }
  const match = matchState(stateKeys(analysis.layers), dict);
  if (analysis.weights.strict && !isExactMatch(match)) return { file: null, problem: `train.py cannot start from ${file}: ${describeMismatch(match)}` };
  const tensors = match.matched.map((k) => ({ name: k.key, shape: k.shape, values: tensorValues(dict.get(k.key)!), dtype: isInt64(k.key) ? 'int64' as const : 'float32' as const }));
  writeFileSync(join(out, START_FILE), torchSave(tensors));
  return { file: START_FILE };
}

/** The file a run started from (its config.json), else `weights:` resolved against the model file's folder. */
function weightsFile(written: string, config: unknown): string | null {
  const c = config as { weights?: { file?: unknown }; request?: { modelPath?: unknown } } | null;
  if (typeof c?.weights?.file === 'string') return c.weights.file;
  if (typeof c?.request?.modelPath === 'string') return resolveWeightsPath(dirname(c.request.modelPath), written);
  return isAbsolute(written) ? written : null;
}
