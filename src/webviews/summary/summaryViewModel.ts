/** Turns a ModelAnalysis into what the Model Summary panel shows. Pure, so it is tested without VS Code. */
import type { GraphNode, ModelAnalysis } from '../../model/types';
import { estimateTrainingMemory, memoryLine, memoryRefusal } from '../../model/memory/estimate';
import { summaryBlocks } from './summaryBlocks';
import type { SummaryGraphNode, SummaryProblem, SummaryRow, SummaryTotals, SummaryViewModel, TrainingMemoryView } from '../../protocol/webview-summary';

const FLOAT32 = 4;

/** The panel's view of one analysed model file. */
export function buildSummaryViewModel(analysis: ModelAnalysis, uri: string, fileName: string, machineBytes?: number): SummaryViewModel {
  const rows: SummaryRow[] = analysis.layers.map((l) => ({
    index: l.index,
    type: l.type,
    text: l.text,
    line: l.range.start.line,
    character: l.range.start.character,
    inputShape: l.inputShape,
    outputShape: l.outputShape,
    params: l.params,
    trainable: l.trainableParams === l.params,
    macs: l.macs,
    receptiveField: l.receptiveField,
    jump: l.jump,
    module: l.module,
  }));
  const problems: SummaryProblem[] = analysis.diagnostics.map((d) => ({
    severity: d.severity,
    message: d.message,
    line: d.range.start.line,
    character: d.range.start.character,
  }));
  const trainingMemory = analysis.diagnostics.some((d) => d.severity === 'error') ? undefined : trainingMemoryViews(analysis, machineBytes);
  const rowOf = new Map(analysis.layers.map((l, i) => [l.index, i]));
  const graph = graphView(analysis.graph, rowOf);
  const blocks = summaryBlocks(analysis);
  return { uri, fileName, name: analysis.name, input: analysis.input, outputShape: analysis.outputShape, rows, graph, blocks, totals: memoryEstimate(analysis), trainingMemory, problems };
}

/** The core's graph with layers replaced by their row (what the architecture drawing needs). */
function graphView(nodes: readonly GraphNode[], rowOf: ReadonlyMap<number, number>): SummaryGraphNode[] {
  return nodes.flatMap((n): SummaryGraphNode[] => {
    switch (n.kind) {
      case 'layer': {
        const row = rowOf.get(n.layer.index);
        return row === undefined ? [] : [{ kind: 'layer', row }];
      }
      case 'residual':
        return [{ kind: 'residual', body: graphView(n.body, rowOf), projection: graphView(n.projection, rowOf), outputShape: n.outputShape }];
      case 'store':
      case 'load':
        return [{ kind: n.kind, slot: n.slot, name: n.name }];
      case 'merge': {
        const m = n.merge;
        return [{ kind: 'merge', op: m.op, slots: n.slots, inputs: m.inputs, outputShape: m.outputShape, line: m.range.start.line, character: m.range.start.character }];
      }
    }
  });
}

/** The trainer's own estimate (the one that refuses a run that cannot fit), on the wasm engine and native TensorFlow. */
export function trainingMemoryViews(analysis: ModelAnalysis, machineBytes?: number): TrainingMemoryView[] {
  return (['wasm', 'native'] as const).map((backend) => {
    const e = estimateTrainingMemory(analysis, { backend, machineBytes });
    return {
      backend,
      batchSize: e.batchSize,
      totalBytes: e.totalBytes,
      limitBytes: Number.isFinite(e.limitBytes) ? e.limitBytes : null,
      fits: e.fits,
      maxBatchSize: e.maxBatchSize,
      line: memoryLine(e),
      parts: e.parts.map((p) => ({ name: p.name, bytes: p.bytes })),
      advice: memoryRefusal(e, analysis.name),
    };
  });
}

/**
 * torchinfo's estimate for one batch: input, forward outputs plus their gradients (×2), parameters
 * and buffers. Batch size from `train.batch_size` (its default when the file has no train section).
 */
export function memoryEstimate(analysis: ModelAnalysis): SummaryTotals {
  const t = analysis.totals;
  const batchSize = analysis.train.batch_size;
  const inputBytes = FLOAT32 * analysis.input.reduce((a, b) => a * b, 1) * batchSize;
  const forwardBackwardBytes = 2 * t.activationBytes * batchSize;
  return {
    params: t.params,
    trainableParams: t.trainableParams,
    buffers: t.buffers,
    macs: t.macs,
    batchSize,
    inputBytes,
    forwardBackwardBytes,
    paramBytes: t.paramBytes,
    totalBytes: inputBytes + forwardBackwardBytes + t.paramBytes,
  };
}
