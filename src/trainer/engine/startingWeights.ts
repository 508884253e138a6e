/**
 * The weights a run starts from: `--weights FILE` (RunRequest.weights), else the model file's `weights:` (relative
 * to its folder), loaded over the initialisation before the first batch. Strict unless `strict: false`; a replaced
 * head (a new number of classes) is skipped either way. The log says what was loaded and what was not.
 */
import type { ModelAnalysis } from '../../model/types';
import type { RunRequest } from '../../protocol/runTypes';
import { readWeights } from '../../weights/sources/registry';
import { resolveWeightsPath } from '../../weights/weightShapes';
import type { EngineModel } from './model';
import { loadStateDict } from './stateDictLoad';
import type { TF } from './tf';

/** Where the run's weights came from, as recorded in config.json. */
export interface StartingWeights {
  file: string;
  loaded: number;
  skipped: string[];
}

export function startingWeights(
  tf: TF,
  model: EngineModel,
  analysis: ModelAnalysis,
  request: Pick<RunRequest, 'weights'>,
  baseDir: string,
  log: (message: string, level?: 'info' | 'warning') => void,
): StartingWeights | undefined {
  const file = request.weights ?? (analysis.weights && resolveWeightsPath(baseDir, analysis.weights.file));
  if (!file) return undefined;
  const strict = request.weights ? true : analysis.weights?.strict ?? true;
  const match = loadStateDict(tf, model, analysis, readWeights(file), strict);
  const skipped = [...match.replaced.map((x) => x.key), ...match.missing.map((k) => k.key), ...match.mismatched.map((x) => x.key)];
  log(`starting from ${file}: ${match.matched.length} tensors loaded${skipped.length ? `, ${skipped.length} kept at their initialisation (${skipped.slice(0, 4).join(', ')}${skipped.length > 4 ? ', …' : ''})` : ''}`);
  return { file, loaded: match.matched.length, skipped };
}
