/**
 * Reads a whole model file: YAML syntax (with exact error positions), the top-level keys, `input`,
 * `classes` and `layers`. The data/train sections are returned as YAML nodes for the config readers.
 */
import { parseDocument, type YAMLMap } from 'yaml';
import type { DiagnosticSink } from '../diagnostics';
import { didYouMean, suggestionSuffix } from '../didYouMean';
import type { ItemSpec } from '../spec';
import type { Range } from '../types';
import { TASK_NAMES, isTaskName, type TaskName } from '../tasks/registry';
import { LayerItemReader } from './layerItems';
import type { SourceText } from './sourceText';
import { entries, findPair, isMap, isScalar, isSeq, nodeRange } from './yamlNodes';

/** Top-level keys of a model file, with docs for hovers and completion. */
export const MODEL_KEYS: Record<string, string> = {
  name: 'A name for the model, used in summaries and run folders.',
  task: `What the model learns: ${TASK_NAMES.join(' or ')} (default classification). The task decides the target, the losses allowed, the metrics and what the panels show.`,
  input: 'Shape of one input image in PyTorch order: [channels, height, width], e.g. [1, 28, 28] (or [features] for vectors).',
  classes: 'Class names in label order (or their number). Defaults to the dataset’s names.',
  layers: 'The network, first layer first: PyTorch calls such as Conv2d(1, 16, 3, padding=1), mapping forms such as conv2d: {out_channels: 16, kernel_size: 3}, bare names such as relu, and repeat / residual blocks.',
  data: 'Which dataset to train on and how to prepare it (optional).',
  train: 'How to train: epochs, batch size, optimizer, learning rate, loss… (optional).',
  weights: 'Weights to start from: a PyTorch state_dict (.pth / .pt), a .safetensors file or one of our runs (runs/<model>/<time> or its best/ checkpoint), relative to this file’s folder; `{file: …, strict: false}` loads what matches and says what it skipped (optional).',
};

/** `weights:` as written: the file (relative to the model file's folder) and whether every key must match. */
export interface WeightsSpec {
  file: string;
  /** Default true. */
  strict: boolean;
  /** The `weights` key, where problems with the file as a whole are reported. */
  range: Range;
}

export interface ModelFileSpec {
  name?: string;
  task?: { value: TaskName; range: Range };
  input?: { value: number[]; range: Range };
  classes?: { value: string[]; range: Range };
  layers: ItemSpec[];
  data?: { node: unknown; range: Range };
  train?: { node: unknown; range: Range };
  weights?: WeightsSpec;
  /** Where to report "missing …" problems: the start of the document. */
  topRange: Range;
}

export function readModelFile(src: SourceText, sink: DiagnosticSink): ModelFileSpec {
  const doc = parseDocument(src.text, { prettyErrors: false, uniqueKeys: true });
  for (const e of doc.errors) sink.error('yaml-syntax', cleanYamlMessage(e.message), src.range(e.pos[0], e.pos[1]));
  for (const w of doc.warnings) sink.warning('yaml-warning', cleanYamlMessage(w.message), src.range(w.pos[0], w.pos[1]));
  const topRange = src.range(0, Math.min(src.text.length, Math.max(1, src.lineText(0).length)));
  const spec: ModelFileSpec = { layers: [], topRange };
  const root = doc.contents;
  if (!isMap(root)) {
    if (doc.errors.length === 0) sink.error('not-a-model', 'A model file is a YAML mapping with at least input: and layers:', nodeRange(src, root, topRange));
    return spec;
  }
  for (const { key, pair } of entries(root as YAMLMap)) {
    const keyRange = nodeRange(src, pair.key);
    const valueRange = nodeRange(src, pair.value, keyRange);
    switch (key) {
      case 'name':
        spec.name = isScalar(pair.value) && pair.value.value != null ? String(pair.value.value) : undefined;
        break;
      case 'task':
        spec.task = readTask(pair.value, valueRange, sink);
        break;
      case 'input':
        spec.input = readInput(pair.value, valueRange, sink);
        break;
      case 'classes':
        spec.classes = readClasses(pair.value, valueRange, sink);
        break;
      case 'layers':
        spec.layers = new LayerItemReader(src, sink).readList(pair.value, keyRange);
        if (isSeq(pair.value) && pair.value.items.length === 0) sink.error('no-layers', 'The model has no layers', keyRange);
        break;
      case 'data':
        spec.data = { node: pair.value, range: keyRange };
        break;
      case 'train':
        spec.train = { node: pair.value, range: keyRange };
        break;
      case 'weights':
        spec.weights = readWeights(pair.value, keyRange, valueRange, sink);
        break;
      default: {
        const guess = didYouMean(key, Object.keys(MODEL_KEYS));
        const fixes = guess ? [{ title: `Change to '${guess}'`, range: keyRange, newText: guess }] : undefined;
        // A near-miss of a real key (`trian:`) would silently drop settings: an error. Other keys are tolerated metadata.
        const report = guess ? sink.error.bind(sink) : sink.warning.bind(sink);
        report('unknown-key', `Unknown top-level key '${key}' (ignored).${suggestionSuffix(guess)}`, keyRange, fixes);
      }
    }
  }
  if (!findPair(root as YAMLMap, 'input')) sink.error('missing-input', 'Missing input: the shape of one image, e.g. input: [1, 28, 28]', topRange);
  if (!findPair(root as YAMLMap, 'layers')) sink.error('missing-layers', 'Missing layers: the list of layers of the network', topRange);
  return spec;
}

/** `weights: path` or `weights: {file: path, strict: false}`. */
function readWeights(node: unknown, keyRange: Range, valueRange: Range, sink: DiagnosticSink): WeightsSpec | undefined {
  if (isScalar(node) && typeof node.value === 'string' && node.value.trim()) return { file: node.value.trim(), strict: true, range: keyRange };
  if (isMap(node)) {
    const file = findPair(node, 'file')?.value;
    const strict = findPair(node, 'strict')?.value;
    const unknown = entries(node).filter((e) => e.key !== 'file' && e.key !== 'strict');
    const strictValue = strict === undefined ? true : isScalar(strict) && typeof strict.value === 'boolean' ? strict.value : undefined;
    if (isScalar(file) && typeof file.value === 'string' && file.value.trim() && strictValue !== undefined && unknown.length === 0) {
      return { file: file.value.trim(), strict: strictValue, range: keyRange };
    }
  }
  sink.error('bad-weights', 'weights: expected the path of a weight file (.pth, .pt, .safetensors) or of a run folder, or {file: path, strict: false}', valueRange);
  return undefined;
}

/** yaml's messages end with "at line L, column C"; the editor shows the position itself. */
function cleanYamlMessage(message: string): string {
  return message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
}

function readTask(node: unknown, range: Range, sink: DiagnosticSink): ModelFileSpec['task'] {
  const value = isScalar(node) ? node.value : undefined;
  if (isTaskName(value)) return { value, range };
  const guess = typeof value === 'string' ? didYouMean(value, TASK_NAMES) : undefined;
  const fixes = guess ? [{ title: `Change to '${guess}'`, range, newText: guess }] : undefined;
  sink.error('unknown-task', `task must be one of ${TASK_NAMES.join(', ')}.${suggestionSuffix(guess)}`, range, fixes);
  return undefined;
}

function readInput(node: unknown, range: Range, sink: DiagnosticSink): ModelFileSpec['input'] {
  const items = isSeq(node) ? node.items.map((i) => (isScalar(i) ? i.value : undefined)) : [];
  const ok = (items.length === 3 || items.length === 1) && items.every((v) => typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 1e6);
  if (!ok) {
    sink.error('bad-input', 'input must be [channels, height, width] (positive integers, PyTorch order), e.g. [1, 28, 28], or [features]', range);
    return undefined;
  }
  const [c, h, w] = items as number[];
  // [28, 28, 1], [32, 32, 3]: channels last, as Keras writes it; a channel count is never the image's height.
  if (items.length === 3 && (w === 1 || w === 3) && c > 4 && h > 4) {
    const fixed = `[${w}, ${c}, ${h}]`;
    sink.warning('input-order', `input [${c}, ${h}, ${w}] looks like Keras order [height, width, channels]; PyTorch order is [C, H, W]: ${fixed}`, range,
      [{ title: `Change to ${fixed}`, range, newText: fixed }]);
  }
  return { value: items as number[], range };
}

function readClasses(node: unknown, range: Range, sink: DiagnosticSink): ModelFileSpec['classes'] {
  if (isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value) && node.value >= 1 && node.value <= 100000) {
    return { value: Array.from({ length: node.value }, (_, i) => String(i)), range };
  }
  if (isSeq(node) && node.items.length > 0 && node.items.every((i) => isScalar(i) && i.value != null)) {
    const names = node.items.map((i) => String((i as { value: unknown }).value));
    if (new Set(names).size !== names.length) sink.warning('duplicate-class', 'classes contains the same name twice', range);
    return { value: names, range };
  }
  sink.error('bad-classes', 'classes must be a list of names (in label order) or a number of classes', range);
  return undefined;
}
