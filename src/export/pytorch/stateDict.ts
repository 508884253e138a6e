/** A run's checkpoint as torch tensors: the model file's state_dict keys (stateKeys.ts), torch's layouts and dtypes, ready for torchSave. */
import { torchKeyOf } from '../../model/stateKeys';
import type { ModelAnalysis } from '../../model/types';
import { ENGINE_TO_TORCH } from '../../weights/rankLayout';
import { ExportError } from '../format';
import type { ExportWeight } from '../source';
import { isInt64, transpose } from './layouts';
import type { TorchTensor } from './torchSave';

export function torchStateDict(analysis: Pick<ModelAnalysis, 'layers'>, weights: readonly ExportWeight[]): TorchTensor[] {
  return weights.map((w) => {
    const name = torchKeyOf(analysis.layers, w.name);
    if (name === undefined) throw new ExportError(`the checkpoint's ${w.name} belongs to no layer of the model file`);
    const order = ENGINE_TO_TORCH[w.shape.length];
    const { values, shape } = order ? transpose(w.values, w.shape, order) : w;
    return { name, shape, values, dtype: isInt64(name) ? 'int64' : 'float32' };
  });
}
