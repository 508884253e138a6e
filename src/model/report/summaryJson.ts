/** The JSON that `cnnlab summary --json` prints: a stable shape other tools rely on (see the issue). */
import type { ModelAnalysis, Severity } from '../types';

export interface SummaryJson {
  name: string;
  input: number[];
  layers: Array<{ index: number; type: string; line: number; outputShape: number[]; params: number; trainableParams: number }>;
  totalParams: number;
  trainableParams: number;
  diagnostics: Array<{ severity: Severity; message: string; line: number; column: number; code: string }>;
}

/** Lines and columns are 1-based here, as people and compilers count them. */
export function summaryJson(analysis: ModelAnalysis): SummaryJson {
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
  };
}
