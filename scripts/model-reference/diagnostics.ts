/**
 * The diagnostics table of the reference, read from the core's own list (DIAGNOSTIC_CODES in
 * src/model/diagnosticCodes.ts), so the docs cannot drift from the codes the core reports.
 */
import { DIAGNOSTIC_CODES, type Severity } from '../../src/model';

export interface DiagnosticDoc {
  code: string;
  /** Every severity the core reports this code with. */
  severities: readonly Severity[];
  meaning: string;
}

/** In the core's reading order: the file, the layer list, arguments, shapes, blocks, settings, the model as a whole. */
export const DIAGNOSTIC_DOCS: DiagnosticDoc[] = Object.entries(DIAGNOSTIC_CODES).map(([code, d]) => ({ code, severities: d.severities, meaning: d.meaning }));
