/**
 * `train.freeze`: which layers keep their weights, as PyTorch's `model.layer1.requires_grad_(False)` would. Layers
 * are named by their module names (`conv1`, `layer1.0.conv1`, `features.3`) or any dotted block around them
 * (`layer1`, `features`):
 *   freeze: [conv1, bn1, layer1]   — these modules and every layer inside them
 *   freeze: {until: layer3}        — every layer from the first through the last one inside layer3
 *   freeze: all                    — every layer
 * A frozen layer's parameters count as non-trainable; a frozen layer with running statistics (BatchNorm) stays in
 * evaluation mode while training.
 */
import type { YAMLMap } from 'yaml';
import type { DiagnosticSink } from './diagnostics';
import { didYouMean, suggestionSuffix } from './didYouMean';
import type { SourceText } from './parse/sourceText';
import { entries, isMap, isScalar, isSeq, nodeRange } from './parse/yamlNodes';
import type { Range, ResolvedLayer } from './types';

const FORMS = 'a list of module names ([conv1, layer1]), {until: NAME} or all';

/** Whether `layer` is the module `name` or lies inside the block `name`. */
export function isInside(layer: ResolvedLayer, name: string): boolean {
  return layer.module === name || layer.module.startsWith(`${name}.`);
}

/** Every name a selection may use: each module and each dotted block around it (`layer1`, `layer1.0`, `layer1.0.conv1`). */
function selectableNames(layers: readonly ResolvedLayer[]): string[] {
  const names = new Set<string>();
  for (const l of layers) {
    const parts = l.module.split('.');
    for (let i = 1; i <= parts.length; i++) names.add(parts.slice(0, i).join('.'));
  }
  return [...names];
}

/** The layers inside the module or block `name` (written at `range`), or [] after reporting that it names none. */
export function layersNamed(name: string, range: Range, layers: readonly ResolvedLayer[], where: string, sink: DiagnosticSink): ResolvedLayer[] {
  const inside = layers.filter((l) => isInside(l, name));
  if (inside.length === 0) {
    const guess = didYouMean(name, selectableNames(layers));
    const fixes = guess ? [{ title: `Change to '${guess}'`, range, newText: guess }] : undefined;
    sink.error('unknown-module', `${where}: no layer or block is named '${name}'.${suggestionSuffix(guess)}`, range, fixes);
  }
  return inside;
}

/**
 * The 1-based indices of the layers a selection (`freeze:`'s value, or a stage's) names; undefined when it is
 * absent or invalid (reported). Each name that matches no layer is an error with a did-you-mean fix.
 */
export function readLayerSelection(node: unknown, layers: readonly ResolvedLayer[], where: string, src: SourceText, sink: DiagnosticSink, fallback: Range): Set<number> | undefined {
  if (node == null || (isScalar(node) && node.value === null)) return undefined;
  /** The layers inside the item's name, or [] after reporting that it names none. */
  const named = (item: unknown): ResolvedLayer[] => {
    const range = nodeRange(src, item, fallback);
    const name = isScalar(item) && (typeof item.value === 'string' || typeof item.value === 'number') ? String(item.value) : undefined;
    if (name !== undefined) return layersNamed(name, range, layers, where, sink);
    sink.error('bad-value', `${where}: each entry must be a module name such as layer1 or features.3`, range);
    return [];
  };
  if (isScalar(node) && node.value === 'all') return new Set(layers.map((l) => l.index));
  if (isSeq(node) || isScalar(node)) {
    const items = isSeq(node) ? node.items : [node];
    return new Set(items.flatMap((item) => named(item).map((l) => l.index)));
  }
  if (isMap(node)) {
    const pairs = entries(node as YAMLMap);
    const until = pairs.find((p) => p.key === 'until');
    for (const p of pairs.filter((q) => q.key !== 'until')) {
      const guess = didYouMean(p.key, ['until']);
      sink.error('unknown-key', `Unknown key '${p.key}' in ${where}.${suggestionSuffix(guess)}${guess ? '' : ' Known keys: until'}`, nodeRange(src, p.pair.key));
    }
    if (!until) return undefined;
    const inside = named(until.pair.value);
    if (inside.length === 0) return undefined;
    const last = Math.max(...inside.map((l) => l.index));
    return new Set(layers.filter((l) => l.index <= last).map((l) => l.index));
  }
  sink.error('bad-value', `${where} must be ${FORMS}`, nodeRange(src, node, fallback));
  return undefined;
}

/** Marks the selected layers frozen: their parameters become non-trainable (the totals are summed afterwards). */
export function freezeLayers(layers: readonly ResolvedLayer[], frozen: ReadonlySet<number>): void {
  for (const layer of layers) {
    if (!frozen.has(layer.index)) continue;
    layer.frozen = true;
    layer.trainableParams = 0;
  }
}

/** The indices of the frozen layers of an analysis (what the trainer freezes). */
export function frozenIndices(layers: readonly ResolvedLayer[]): Set<number> {
  return new Set(layers.filter((l) => l.frozen).map((l) => l.index));
}

/** The frozen layers with weights in a few words for logs: `12 layers with weights (conv1 … layer3.1.bn2)`. */
export function frozenSummary(layers: readonly ResolvedLayer[]): string {
  const weighted = layers.filter((l) => l.frozen && l.params > 0);
  if (weighted.length === 0) return 'no layer with weights';
  const span = weighted.length === 1 ? weighted[0].module : `${weighted[0].module} … ${weighted[weighted.length - 1].module}`;
  return `${weighted.length} layer${weighted.length === 1 ? '' : 's'} with weights (${span})`;
}
