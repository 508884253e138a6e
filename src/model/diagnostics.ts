/** Collects diagnostics, dropping exact duplicates (a repeated block reports each problem once). */
import type { DiagnosticCode } from './diagnosticCodes';
import type { Diagnostic, FixEdit, Range, Severity } from './types';

export class DiagnosticSink {
  readonly list: Diagnostic[] = [];
  private readonly seen = new Set<string>();

  add(severity: Severity, code: DiagnosticCode, message: string, range: Range, fixes?: FixEdit[]): void {
    const key = `${code}|${message}|${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push(fixes && fixes.length ? { severity, code, message, range, fixes } : { severity, code, message, range });
  }

  error(code: DiagnosticCode, message: string, range: Range, fixes?: FixEdit[]): void {
    this.add('error', code, message, range, fixes);
  }

  warning(code: DiagnosticCode, message: string, range: Range, fixes?: FixEdit[]): void {
    this.add('warning', code, message, range, fixes);
  }

  get hasErrors(): boolean {
    return this.list.some((d) => d.severity === 'error');
  }
}
