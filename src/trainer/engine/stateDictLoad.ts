/**
 * Loads a PyTorch state_dict (read by src/weights) into an engine model built from the same model file: each engine
 * variable `layer<i>.<entry>` is the torch key `<module of layer i>.<entry>`; torch's layouts become the engine's
 * (Conv2d [out, in/g, kh, kw] → [kh, kw, in/g, out], ConvTranspose2d likewise, Linear [out, in] → [in, out]).
 * Strict by default: any missing, unexpected or mis-shaped key refuses the whole file, before anything is assigned.
 */
import { stateKeys } from '../../model/stateKeys';
import type { ModelAnalysis } from '../../model/types';
import { describeMismatch, isExactMatch, matchState, type StateMatch } from '../../weights/matchState';
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

/** `values` (row-major in `shape`) with its axes reordered: result axis j is input axis perm[j]. */
export function permuteAxes(values: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const out = new Float32Array(values.length);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const outShape = perm.map((p) => shape[p]);
  const index = new Array<number>(perm.length).fill(0);
  for (let n = 0; n < out.length; n++) {
    let at = 0;
    for (let j = 0; j < perm.length; j++) at += index[j] * strides[perm[j]];
    out[n] = values[at];
    for (let j = perm.length - 1; j >= 0; j--) {
      if (++index[j] < outShape[j]) break;
      index[j] = 0;
    }
  }
  return out;
}

/** torch layout → engine layout of a weight with `rank` axes. */
function enginePermutation(rank: number): number[] | undefined {
  if (rank === 4) return [2, 3, 1, 0];
  if (rank === 2) return [1, 0];
  return undefined;
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
    const dot = v.name.indexOf('.');
    const layer = analysis.layers[Number(v.name.slice('layer'.length, dot)) - 1];
    const key = `${layer?.module}.${v.name.slice(dot + 1)}`;
    if (!layer || !loadable.has(key)) continue;
    const t = file.get(key)!;
    const perm = enginePermutation(t.shape.length);
    const values = perm ? permuteAxes(tensorValues(t), t.shape, perm) : tensorValues(t);
    tf.tidy(() => v.variable.assign(tf.tensor(values, v.variable.shape, v.variable.dtype)));
  }
  return match;
}
