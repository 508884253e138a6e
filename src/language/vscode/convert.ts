/** Conversions between the core's plain positions/ranges and VS Code's classes. */
import * as vscode from 'vscode';
import type { Position, Range, Severity } from '../../model/types';

export function toVsPosition(p: Position): vscode.Position {
  return new vscode.Position(p.line, p.character);
}

export function toVsRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export function fromVsPosition(p: vscode.Position): Position {
  return { line: p.line, character: p.character };
}

export function fromVsRange(r: vscode.Range): Range {
  return { start: fromVsPosition(r.start), end: fromVsPosition(r.end) };
}

export function toVsSeverity(s: Severity): vscode.DiagnosticSeverity {
  return s === 'error' ? vscode.DiagnosticSeverity.Error : s === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
}
