/** A run's checkpoint as torch tensors (torch layouts and dtypes), ready for torchSave. */
import type { ModelAnalysis } from '../../model/types';
import type { ExportWeight } from '../source';
import { isInt64, torchPermutation, transpose } from './layouts';
import type { TorchTensor } from './torchSave';

export function torchStateDict(analysis: Pick<ModelAnalysis, 'layers'>, weights: readonly ExportWeight[]): TorchTensor[] {
  return weights.map((w) => {
    const order = torchPermutation(analysis, w.name);
    const { values, shape } = order ? transpose(w.values, w.shape, order) : w;
    return { name: w.name, shape, values, dtype: isInt64(w.name) ? 'int64' : 'float32' };
  });
}
