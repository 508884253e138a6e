/**
 * Reads `data.transforms.train` / `test` (call syntax, as layers are written), binds each transform to
 * torchvision's signature and works the image size through it. Without `data.transforms`, the older `augment`
 * and `normalize` keys are turned into the same pipelines (images are then stretched to `input` on loading).
 */
import type { DiagnosticSink } from '../diagnostics';
import { DiagnosticSink as Sink } from '../diagnostics';
import { didYouMean, suggestionSuffix } from '../didYouMean';
import { bindArgs } from '../layers/bind';
import { formatPy } from '../layers/formatPy';
import { renderCall } from '../layers/renderCall';
import { LayerItemReader } from '../parse/layerItems';
import type { SourceText } from '../parse/sourceText';
import { entries, findPair, isMap, nodeRange } from '../parse/yamlNodes';
import type { LayerSpec } from '../spec';
import type { DataConfig, DataPipeline, ImageSize, PyValue, Range, ResolvedTransform, TransformType } from '../types';
import { legacyPipeline } from './legacy';
import { lookupTransformType, TRANSFORM_CATALOG, TRANSFORM_TYPES } from './catalog';
import { sizeText, transformOutput } from './sizes';

export interface PipelineInput {
  /** The `data:` node and the range to report on when a key is missing. */
  dataNode: unknown;
  dataRange: Range;
  data: DataConfig;
  /** The model's [C, H, W] (anything else: no size checks). */
  input: number[];
  /** [height, width] of the dataset's stored images; undefined when they vary (imagefolder). */
  datasetSize: ImageSize;
  /** How the dataset is named in messages: "fashion-mnist images (28×28)". */
  datasetLabel: string;
}

type Split = 'train' | 'test';

export function readPipeline(p: PipelineInput, src: SourceText, sink: DiagnosticSink): DataPipeline {
  const channels = p.input.length === 3 ? p.input[0] : 1;
  const target: ImageSize = p.input.length === 3 ? [p.input[1], p.input[2]] : undefined;
  const pair = isMap(p.dataNode) ? findPair(p.dataNode, 'transforms') : undefined;
  if (!pair) return legacyPipeline(p.data, target);
  const keyRange = nodeRange(src, pair.key);
  reportConflicts(p.dataNode, src, sink);
  const nodes: Partial<Record<Split, { node: unknown; range: Range }>> = {};
  if (isMap(pair.value)) for (const { key, pair: inner } of entries(pair.value)) if (key === 'train' || key === 'test') nodes[key] = { node: inner.value, range: nodeRange(src, inner.key) };
  const resolve = (specs: LayerSpec[], s: DiagnosticSink) => resolveSteps(specs, p.datasetSize, channels, s);
  const trainSpecs = nodes.train ? readSpecs(nodes.train.node, nodes.train.range, src, sink) : [];
  const train = resolve(trainSpecs, sink);
  let test: Resolved;
  if (nodes.test) test = resolve(readSpecs(nodes.test.node, nodes.test.range, src, sink), sink);
  else {
    // Errors in these steps were reported for the train pipeline: resolve them again quietly.
    const deterministic = trainSpecs.filter((s) => !TRANSFORM_CATALOG[lookupTransformType(s.name) ?? 'ToTensor'].random);
    const quiet = resolve(deterministic, new Sink());
    test = { ok: quiet.ok, steps: quiet.steps.map(({ range: _range, ...step }) => step) };
  }
  const checks = { target, p, sink, channels };
  checkOutput('train', train, nodes.train?.range ?? keyRange, checks, false);
  checkOutput('test', test, nodes.test?.range ?? nodes.train?.range ?? keyRange, checks, !nodes.test);
  return { train: train.steps, test: test.steps, fitToInput: false, testDerived: !nodes.test };
}

/** The items of one pipeline list (the layer reader parses call syntax; blocks make no sense here). */
function readSpecs(node: unknown, range: Range, src: SourceText, sink: DiagnosticSink): LayerSpec[] {
  const out: LayerSpec[] = [];
  for (const item of new LayerItemReader(src, sink).readList(node, range)) {
    if (item.kind === 'layer') out.push(item);
    else sink.error('bad-transform-item', `A pipeline holds transforms such as RandomCrop(32, padding=4), not a ${item.kind} block`, item.range);
  }
  return out;
}

/** The resolved steps; `ok` is false when one of them could not be resolved (its error is reported). */
interface Resolved {
  steps: ResolvedTransform[];
  ok: boolean;
}

function resolveSteps(specs: LayerSpec[], start: ImageSize, channels: number, sink: DiagnosticSink): Resolved {
  const steps: ResolvedTransform[] = [];
  let ok = true;
  let size: ImageSize | 'error' = start;
  for (const spec of specs) {
    const type = transformType(spec, sink);
    if (!type) {
      size = 'error';
      ok = false;
      continue;
    }
    const signature = TRANSFORM_CATALOG[type];
    const { bound, complete } = bindArgs(spec, signature, sink);
    const text = renderCall(type, signature, bound.written(), new Set(signature.args.filter((a) => a.required).map((a) => a.name)), formatPy);
    const args: Record<string, PyValue> = {};
    for (const a of signature.args) args[a.name] = bound.raw(a.name) ?? null;
    const input: ImageSize | 'error' = size;
    // Checked even after an earlier error (with an unknown size), so every problem is reported at once.
    const out: ImageSize | 'error' = complete ? transformOutput({ type, input: input === 'error' ? undefined : input, channels, bound, sink, text }) : 'error';
    size = input === 'error' ? 'error' : out;
    // After an error the sizes are unknown: they are shown as varying, and no size error follows from them.
    const known = (s: ImageSize | 'error') => (s === 'error' ? undefined : s);
    if (size === 'error') ok = false;
    steps.push({ type, args, text, range: spec.range, inputSize: known(input), outputSize: known(size) });
  }
  return { steps, ok: ok && size !== 'error' };
}

function transformType(spec: LayerSpec, sink: DiagnosticSink): TransformType | undefined {
  const type = lookupTransformType(spec.name);
  if (type) return type;
  const guess = didYouMean(spec.name, TRANSFORM_TYPES);
  const fixes = guess ? [{ title: `Change to ${guess}`, range: spec.nameRange, newText: guess }] : undefined;
  sink.error('unknown-transform', `Unknown transform '${spec.name}'.${suggestionSuffix(guess)}${guess ? '' : ` Transforms: ${TRANSFORM_TYPES.join(', ')}`}`, spec.nameRange, fixes);
  return undefined;
}

interface OutputChecks {
  target: ImageSize;
  p: PipelineInput;
  sink: DiagnosticSink;
  channels: number;
}

/** The pipeline must end at input's height and width; imagefolder images must reach one size before any random step. */
function checkOutput(split: Split, { steps, ok }: Resolved, range: Range, c: OutputChecks, derived: boolean): void {
  if (!c.target || !ok) return;
  const out = steps.length ? steps[steps.length - 1].outputSize : c.p.datasetSize;
  const worked = [`${c.p.datasetLabel} ${sizeText(c.p.datasetSize)}`, ...steps.filter((s) => s.outputSize !== s.inputSize).map((s) => `${s.text} → ${sizeText(s.outputSize)}`)].join(' → ');
  const where = derived ? 'data.transforms.test is not written, so validation and test images go through the train pipeline without its random transforms, which' : `data.transforms.${split}`;
  const fix = derived ? `: write data.transforms.test, e.g. [Resize(${c.target[0]}), CenterCrop(${c.target[0] === c.target[1] ? c.target[0] : `(${c.target[0]}, ${c.target[1]})`})]` : '';
  if (!out || out[0] !== c.target[0] || out[1] !== c.target[1]) {
    c.sink.error('transform-size', `${where} gives ${out ? `${sizeText(out)} images` : 'images of varying sizes'} but input is ${c.channels}×${sizeText(c.target)} (${worked})${fix}`, range);
    return;
  }
  if (c.p.datasetSize) return;
  // imagefolder: decoded images are stored at one size, after the leading deterministic steps.
  const stored = storedSize(steps, c.p.datasetSize);
  if (!stored) {
    // Why: pictures are decoded once and kept as 8-bit images of one size; keeping each at its own size for a random
    // first step would hold every decoded original in memory (a 12-megapixel photo is 36 MB).
    const first = steps.find((s) => TRANSFORM_CATALOG[s.type].random);
    const n = Math.ceil((Math.max(c.target[0], c.target[1]) * 8) / 7);
    c.sink.error('transform-size',
      `data.transforms.${split}: imagefolder pictures vary in size, and CNN Lab decodes them once and keeps them at the size the pipeline's leading non-random steps give (not each at its own size, which would keep every decoded original in memory), so ${first ? `the random ${first.type} cannot come first` : 'the pipeline must reach one size'}: begin it with Resize((h, w)), or Resize(n) then CenterCrop(n), e.g. [Resize(${n}), CenterCrop(${n}), ${first ? first.text : `RandomCrop(${c.target[0]})`}, …]`,
      range);
  }
}

/** The size after the leading deterministic steps (what the loader stores), undefined when it still varies. */
export function storedSize(steps: ReadonlyArray<{ type: TransformType; outputSize: ImageSize }>, start: ImageSize): ImageSize {
  let size = start;
  for (const s of steps) {
    if (TRANSFORM_CATALOG[s.type].random) break;
    size = s.outputSize;
  }
  return size;
}

/** augment / normalize written next to data.transforms: one of them would be ignored. */
function reportConflicts(dataNode: unknown, src: SourceText, sink: DiagnosticSink): void {
  if (!isMap(dataNode)) return;
  for (const key of ['augment', 'normalize']) {
    const other = findPair(dataNode, key);
    if (other) {
      sink.error('transforms-conflict', `data.${key} cannot be combined with data.transforms: write it in the pipelines instead (${key === 'normalize' ? 'Normalize(mean, std)' : 'RandomCrop, RandomHorizontalFlip, RandomAffine, ColorJitter'})`, nodeRange(src, other.key));
    }
  }
}
