/**
 * The transfer-learning keys of `train:` read against the resolved layers: `freeze` (src/model/freeze.ts),
 * `lr_multipliers` (a learning-rate factor per module or block, as torch's parameter groups) and `stages` (consecutive
 * trainings with their own epochs, learning rate and frozen layers: train the head, then fine-tune with a lower rate).
 */
import type { YAMLMap } from 'yaml';
import type { DiagnosticSink } from './diagnostics';
import { freezeLayers, isInside, layersNamed, readLayerSelection } from './freeze';
import { readSection, type SectionSchema } from './config/schema';
import type { SourceText } from './parse/sourceText';
import { entries, findPair, isMap, isScalar, isSeq, nodeRange } from './parse/yamlNodes';
import type { Range, ResolvedLayer, TrainConfig, TrainingStage } from './types';

export const STAGE_KEYS: SectionSchema = {
  epochs: { type: 'int', min: 1, max: 10000, required: true, doc: 'Epochs of this stage.' },
  lr: { type: 'number', min: 1e-12, max: 10, doc: 'Learning rate of this stage (default: train.lr); a schedule restarts from it at each stage.' },
  freeze: { type: 'layers', doc: 'What this stage freezes instead of the previous stage’s frozen layers (same forms as train.freeze).' },
  unfreeze: { type: 'layers', doc: 'Layers the previous stage froze that this one trains: names, {until: NAME} or all.' },
};

/** Reads freeze, lr_multipliers and stages from the `train:` node, marking `layers` and completing `train`. */
export function readTransferKeys(trainNode: unknown, layers: readonly ResolvedLayer[], train: TrainConfig, src: SourceText, sink: DiagnosticSink, fallback: Range): void {
  const value = (key: string) => (isMap(trainNode) ? findPair(trainNode, key)?.value : undefined);
  const frozen = readLayerSelection(value('freeze'), layers, 'train.freeze', src, sink, fallback) ?? new Set<number>();
  const stages = readStages(value('stages'), layers, frozen, train, src, sink, fallback);
  // The summary shows the model as training starts: the first stage's frozen layers.
  freezeLayers(layers, stages ? new Set(stages[0].frozen) : frozen);
  if (stages) {
    const total = stages.reduce((sum, s) => sum + s.epochs, 0);
    const epochsKey = isMap(trainNode) ? findPair(trainNode, 'epochs') : undefined;
    if (epochsKey && train.epochs !== total) {
      sink.error('bad-value', `train.epochs is ${train.epochs} but the stages add up to ${total}: leave epochs out or make them agree`, nodeRange(src, epochsKey.value, fallback));
    }
    train.stages = stages;
    train.epochs = total;
  }
  readLrMultipliers(value('lr_multipliers'), layers, src, sink, fallback);
}

/** The stages in order, each with the layers it freezes; undefined without `stages` or when it is not a list (reported). */
function readStages(node: unknown, layers: readonly ResolvedLayer[], initial: ReadonlySet<number>, train: TrainConfig, src: SourceText, sink: DiagnosticSink, fallback: Range): TrainingStage[] | undefined {
  if (node == null || (isScalar(node) && node.value === null)) return undefined;
  if (!isSeq(node) || node.items.length === 0) {
    sink.error('bad-value', 'train.stages must be a list of stages, e.g. [{epochs: 3}, {epochs: 5, unfreeze: all, lr: 0.0001}]', nodeRange(src, node, fallback));
    return undefined;
  }
  const stages: TrainingStage[] = [];
  let frozen: ReadonlySet<number> = initial;
  node.items.forEach((item, i) => {
    const where = `train.stages[${i}]`;
    const range = nodeRange(src, item, fallback);
    const read = readSection(item, STAGE_KEYS, where, src, sink, range);
    const pair = (key: string) => (isMap(item) ? findPair(item as YAMLMap, key)?.value : undefined);
    const freeze = readLayerSelection(pair('freeze'), layers, `${where}.freeze`, src, sink, range);
    const unfreeze = readLayerSelection(pair('unfreeze'), layers, `${where}.unfreeze`, src, sink, range);
    const next = new Set(freeze ?? frozen);
    for (const index of unfreeze ?? []) next.delete(index);
    frozen = next;
    stages.push({ epochs: (read.epochs as number | undefined) ?? 1, lr: (read.lr as number | undefined) ?? train.lr, frozen: [...next].sort((a, b) => a - b) });
  });
  return stages;
}

/** Sets each layer's lrMultiplier from the most specific name that covers it (`layer4.1` before `layer4`). */
function readLrMultipliers(node: unknown, layers: readonly ResolvedLayer[], src: SourceText, sink: DiagnosticSink, fallback: Range): void {
  if (node == null || (isScalar(node) && node.value === null)) return;
  if (!isMap(node)) {
    sink.error('bad-value', 'train.lr_multipliers must map module or block names to factors, e.g. {fc: 10}', nodeRange(src, node, fallback));
    return;
  }
  const rules: Array<{ name: string; factor: number }> = [];
  for (const { key, pair } of entries(node as YAMLMap)) {
    const factor = isScalar(pair.value) ? pair.value.value : undefined;
    if (typeof factor !== 'number' || !(factor >= 0) || factor > 1e6) {
      sink.error('bad-value', `train.lr_multipliers.${key} must be a number between 0 and 1000000 (the factor of train.lr for its parameters)`, nodeRange(src, pair.value, nodeRange(src, pair.key)));
      continue;
    }
    if (layersNamed(key, nodeRange(src, pair.key), layers, 'train.lr_multipliers', sink).length) rules.push({ name: key, factor });
  }
  // Longest names last, so the most specific one wins.
  rules.sort((a, b) => a.name.length - b.name.length);
  for (const { name, factor } of rules) {
    for (const layer of layers) if (isInside(layer, name)) layer.lrMultiplier = factor;
  }
}
