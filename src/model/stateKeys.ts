/**
 * The model's state_dict as PyTorch names it: `<module>.<entry>` for every layer with weights or buffers, in file
 * order, with torch's shapes (what a .pth of the same architecture holds, key for key).
 */
import type { DiagnosticSink } from './diagnostics';
import { LAYER_HANDLERS } from './layers/registry';
import type { ResolvedLayer } from './types';

export interface StateKey {
  /** e.g. `layer1.0.bn1.running_mean`. */
  key: string;
  /** torch's shape (Conv2d weight [out, in/groups, kh, kw], Linear weight [out, in]). */
  shape: number[];
  buffer: boolean;
  layer: ResolvedLayer;
}

/** Every state_dict entry of `layers` (layers whose shapes are unknown have none). */
export function stateKeys(layers: readonly ResolvedLayer[]): StateKey[] {
  return layers.flatMap((layer) => {
    const entries = layer.outputShape.length ? LAYER_HANDLERS[layer.type].stateEntries?.(layer) ?? [] : [];
    return entries.map((e) => ({ key: `${layer.module}.${e.name}`, shape: e.shape, buffer: e.buffer, layer }));
  });
}

/** The state_dict key of the engine's variable `layer<i>.<entry>` (the i-th layer, from 1); undefined without one. */
export function torchKeyOf(layers: readonly ResolvedLayer[], engineName: string): string | undefined {
  const match = /^layer(\d+)\.(.+)$/.exec(engineName);
  const layer = match ? layers[Number(match[1]) - 1] : undefined;
  return layer && match ? `${layer.module}.${match[2]}` : undefined;
}

/** Reports a layer with weights whose module name an earlier one already has (their keys would collide). */
export function checkModuleNames(layers: readonly ResolvedLayer[], sink: DiagnosticSink): void {
  const first = new Map<string, ResolvedLayer>();
  for (const layer of layers) {
    if (!LAYER_HANDLERS[layer.type].stateEntries || !layer.outputShape.length || layer.params + layer.buffers === 0) continue;
    const earlier = first.get(layer.module);
    if (!earlier) {
      first.set(layer.module, layer);
      continue;
    }
    sink.error('duplicate-module',
      `The module name ${layer.module} is already the ${earlier.type} at line ${earlier.range.start.line + 1}: their weights would share the keys ${layer.module}.weight…; give one another name (inside a repeat, name the block instead)`,
      layer.moduleRange ?? layer.range);
  }
}
