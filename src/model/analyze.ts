/**
 * analyzeModel: text of a `*.cnn.yaml` file → ModelAnalysis (resolved layers, graph, shapes, totals,
 * data/train configs, diagnostics). Pure and synchronous; never throws on any input.
 */
import { namedBlocks } from './namedBlocks';
import { DATA_KEYS, toDataConfig } from './config/dataKeys';
import { readSection } from './config/schema';
import { TRAIN_KEYS, toTrainConfig } from './config/trainKeys';
import { DiagnosticSink } from './diagnostics';
import { checkModel, resolveClasses } from './infer/modelChecks';
import { GraphWalker } from './infer/walk';
import { checkModuleNames } from './stateKeys';
import { checkWeights } from './weightsCheck';
import { readTransferKeys } from './transfer';
import { product } from './layers/arithmetic';
import { readModelFile } from './parse/modelFile';
import { SourceText } from './parse/sourceText';
import { DEFAULT_TASK, TASKS } from './tasks/registry';
import { findPair, isMap, nodeRange } from './parse/yamlNodes';
import { readImageFolder, type AnalysisEnvironment } from './config/imageFolder';
import { legacyPipeline } from './transforms/legacy';
import { datasetPipeline } from './transforms/datasetPipeline';
import type { Diagnostic, ModelAnalysis, ModelTotals, Range, ResolvedLayer, ResolvedMerge } from './types';

/**
 * @param env what the analysis may look at outside the text (the image folder's class folders); without it the
 *   analysis depends on the text alone.
 */
export function analyzeModel(text: string, env: AnalysisEnvironment = {}): ModelAnalysis {
  const src = new SourceText(typeof text === 'string' ? text : '');
  const sink = new DiagnosticSink();
  try {
    return analyze(src, sink, env);
  } catch (e) {
    // A bug in the core must not take the editor or the CLI down: report it as a diagnostic instead.
    sink.error('internal-error', `Internal error while analysing the model: ${e instanceof Error ? e.message : String(e)}`, src.range(0, 0));
    return emptyAnalysis(sink);
  }
}

function analyze(src: SourceText, sink: DiagnosticSink, env: AnalysisEnvironment): ModelAnalysis {
  const spec = readModelFile(src, sink);
  const dataRead = readSection(spec.data?.node, DATA_KEYS, 'data', src, sink, spec.data?.range ?? spec.topRange);
  const data = toDataConfig(dataRead);
  const task = spec.task?.value ?? DEFAULT_TASK;
  const train = toTrainConfig(readSection(spec.train?.node, TRAIN_KEYS, 'train', src, sink, spec.train?.range ?? spec.topRange), TASKS[task].defaultLoss);
  const input = spec.input?.value ?? [];
  const imageSize: [number, number] = input.length === 3 ? [input[1], input[2]] : [1, 1];
  const pipeline = datasetPipeline(spec, data, input, src, sink);
  const walker = new GraphWalker(src, sink, imageSize);
  const start = { shape: input.length ? input : undefined, receptive: { rf: [1, 1] as [number, number], jump: [1, 1] as [number, number] }, source: 'the input' };
  const { nodes, flow } = walker.walkModel(spec.layers, start);
  checkModuleNames(walker.layers, sink);
  checkWeights(spec.weights, walker.layers, env, sink);
  readTransferKeys(spec.train?.node, walker.layers, train, src, sink, spec.train?.range ?? spec.topRange);
  const hasData = spec.data !== undefined;
  const hasTrain = spec.train !== undefined;
  // A rejected dataset name (already reported) must not be checked as the default dataset.
  const datasetKnown = !(sectionKey(src, spec.data?.node, 'dataset') && dataRead.dataset === undefined);
  const folder = data.dataset === 'imagefolder' && data.path && env.folders ? (readImageFolder(data.path, env.folders) ?? null) : undefined;
  const classes = resolveClasses(spec, data, hasData && datasetKnown, flow.shape, folder, TASKS[task]);
  checkModel(
    { spec, task: TASKS[task], layers: walker.layers, output: flow.shape, classes, data, train, hasData, hasTrain, datasetKnown, folder,
      dataRange: spec.data?.range ?? spec.topRange, trainRange: spec.train?.range ?? spec.topRange,
      keyRange: (section, key, part) => sectionKey(src, spec[section]?.node, key, part),
      writtenRange: (layer, arg) => walker.writtenRange(layer, arg),
      removeLayer: (layer) => walker.removeItem(layer) },
    sink,
  );
  return {
    name: spec.name ?? 'model', task, input, classes, layers: walker.layers, graph: nodes, blocks: namedBlocks(spec.layers), outputShape: flow.shape ?? [],
    ...(spec.weights ? { weights: { file: spec.weights.file, strict: spec.weights.strict } } : {}),
    data, pipeline, train, hasData, hasTrain, totals: totalsOf(walker.layers, walker.merges), diagnostics: inFileOrder(sink.list),
  };
}

/** The range of `key` (or of its value) in a section's mapping (dotted for nested keys: `schedule.type`), if written. */
function sectionKey(src: SourceText, node: unknown, key: string, part: 'key' | 'value' = 'key'): Range | undefined {
  let map = node;
  let pair;
  for (const name of key.split('.')) {
    pair = isMap(map) ? findPair(map, name) : undefined;
    if (!pair) return undefined;
    map = pair.value;
  }
  if (!pair) return undefined;
  return part === 'key' ? nodeRange(src, pair.key) : nodeRange(src, pair.value, nodeRange(src, pair.key));
}

function inFileOrder(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

export function totalsOf(layers: ResolvedLayer[], merges: ResolvedMerge[]): ModelTotals {
  const t: ModelTotals = { params: 0, trainableParams: 0, buffers: 0, macs: 0, activationBytes: 0, paramBytes: 0 };
  // A merge has no weights, but it computes (add, multiply) and keeps its output.
  for (const m of merges) {
    t.macs += m.macs;
    if (m.outputShape.length) t.activationBytes += 4 * product(m.outputShape);
  }
  for (const l of layers) {
    t.params += l.params;
    t.trainableParams += l.trainableParams;
    t.buffers += l.buffers;
    t.macs += l.macs;
    if (l.outputShape.length) t.activationBytes += 4 * product(l.outputShape);
  }
  t.paramBytes = 4 * (t.params + t.buffers);
  return t;
}

function emptyAnalysis(sink: DiagnosticSink): ModelAnalysis {
  return {
    name: 'model', task: DEFAULT_TASK, input: [], classes: [], layers: [], graph: [], outputShape: [],
    data: toDataConfig({}), pipeline: legacyPipeline(toDataConfig({}), undefined), train: toTrainConfig({}), hasData: false, hasTrain: false, totals: totalsOf([], []), diagnostics: sink.list,
  };
}
