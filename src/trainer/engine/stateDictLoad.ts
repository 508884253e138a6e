/**
 * Loads a PyTorch state_dict (read by src/weights) into an engine model built from the same model file: each engine
 * variable `layer<i>.<entry>` is the torch key `<module of layer i>.<entry>`; torch's layouts become the engine's
 * (Conv2d [out, in/g, kh, kw] → [kh, kw, in/g, out], ConvTranspose2d likewise, Linear [out, in] → [in, out]).
 * Strict by default: any missing, unexpected or mis-shaped key refuses the whole file, before anything is assigned.
 */
import { transpose } from '../../export/pytorch/layouts';
import { stateKeys, torchKeyOf } from '../../model/stateKeys';
import type { ModelAnalysis } from '../../model/types';
import { describeMismatch, isExactMatch, matchState, type StateMatch } from '../../model/stateMatch';
import { TORCH_TO_ENGINE } from '../../weights/rankLayout';
import { tensorValues, type StateDict } from '../../weights/stateDict';
import type { EngineModel } from './model';
import type { TF } from './tf';

/** Refused strict load; the message lists what did not match. */
export class StateDictMismatchError extends Error {
  constructor(message: string, readonly match: StateMatch) {
    super(message);
    this.name = 'StateDictMismatchError';
  }
}

/**
 * Assigns the file's tensors to `model` (built from `analysis`). Strict: throws StateDictMismatchError unless every
 * key matches. Not strict: loads the matching keys and returns what was skipped.
 */
export function loadStateDict(tf: TF, model: EngineModel, analysis: Pick<ModelAnalysis, 'layers'>, file: StateDict, strict = true): StateMatch {
  const match = matchState(stateKeys(analysis.layers), file);
  if (strict && !isExactMatch(match)) throw new StateDictMismatchError(`the weights do not fit the model: ${describeMismatch(match)}`, match);
  const loadable = new Set(match.matched.map((k) => k.key));
  for (const v of [...model.params, ...model.buffers]) {
    const key = torchKeyOf(analysis.layers, v.name);
    if (key === undefined || !loadable.has(key)) continue;
    const t = file.get(key)!;
    const order = TORCH_TO_ENGINE[t.shape.length];
    const values = order ? transpose(tensorValues(t), t.shape, order).values : tensorValues(t);
    tf.tidy(() => v.variable.assign(tf.tensor(values, v.variable.shape, v.variable.dtype)));
  }
  return match;
}
