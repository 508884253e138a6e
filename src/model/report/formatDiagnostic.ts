/**
 * One diagnostic as a line of text, the way compilers print them (`file:line:col: severity: message [code]`, 1-based
 * positions): the CLI prints these, and the trainer puts them in the error of a model file that cannot train.
 */
import type { Diagnostic } from '../types';

/** `FILE:line:col: severity: message [code]`; without `file`, the line starts at `line:col:`. */
export function formatDiagnostic(d: Diagnostic, file?: string): string {
  const where = `${d.range.start.line + 1}:${d.range.start.character + 1}`;
  return `${file ? `${file}:` : ''}${where}: ${d.severity}: ${d.message} [${d.code}]`;
}
