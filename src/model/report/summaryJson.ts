/** The JSON that `cnnlab summary --json` prints: a stable shape other tools rely on (see the issue). */
import { estimateTrainingMemory, type MemoryBackend, type MemoryPart } from '../memory/estimate';
import type { ModelAnalysis, Severity } from '../types';

/** One backend's training-memory estimate, in bytes. */
export interface MemoryEstimateJson {
  totalBytes: number;
  /** What the bytes are for, as the summary table lists them. */
  parts: MemoryPart[];
  /** The wasm engine's 4 GiB address space, or the machine's RAM for native TensorFlow (null when unknown). */
  limitBytes: number | null;
  fits: boolean;
  /** The largest batch size whose estimate fits (0: not even one sample). */
  maxBatchSize: number;
}

export interface SummaryJson {
  name: string;
  input: number[];
  layers: Array<{ index: number; type: string; line: number; outputShape: number[]; params: number; trainableParams: number }>;
  totalParams: number;
  trainableParams: number;
  diagnostics: Array<{ severity: Severity; message: string; line: number; column: number; code: string }>;
  /** Peak training memory at the file's batch size on each engine; null when the file has errors. */
  memory: ({ batchSize: number } & Record<MemoryBackend, MemoryEstimateJson>) | null;
}

export interface SummaryJsonOptions {
  /** The machine's RAM, the native backends' limit (the core cannot ask the OS). */
  machineBytes?: number;
}

/** Lines and columns are 1-based here, as people and compilers count them. */
export function summaryJson(analysis: ModelAnalysis, options: SummaryJsonOptions = {}): SummaryJson {
  return {
    name: analysis.name,
    input: analysis.input,
    layers: analysis.layers.map((l) => ({
      index: l.index, type: l.type, line: l.range.start.line + 1, outputShape: l.outputShape, params: l.params, trainableParams: l.trainableParams,
    })),
    totalParams: analysis.totals.params,
    trainableParams: analysis.totals.trainableParams,
    diagnostics: analysis.diagnostics.map((d) => ({
      severity: d.severity, message: d.message, line: d.range.start.line + 1, column: d.range.start.character + 1, code: d.code,
    })),
    memory: analysis.diagnostics.some((d) => d.severity === 'error') ? null : memoryJson(analysis, options),
  };
}

function memoryJson(analysis: ModelAnalysis, options: SummaryJsonOptions): NonNullable<SummaryJson['memory']> {
  const at = (backend: MemoryBackend): MemoryEstimateJson => {
    const e = estimateTrainingMemory(analysis, { backend, machineBytes: options.machineBytes });
    return { totalBytes: e.totalBytes, parts: e.parts, limitBytes: Number.isFinite(e.limitBytes) ? e.limitBytes : null, fits: e.fits, maxBatchSize: e.maxBatchSize };
  };
  return { batchSize: Math.max(1, analysis.train.batch_size), wasm: at('wasm'), native: at('native') };
}
