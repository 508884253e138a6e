/**
 * PyTorch code in the editor: which documents (Python files, notebook cells, untitled Python) and their analysis
 * with the cells above them. The Python parser is loaded from beside the bundle on first need, never at activation.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { loadPythonParser } from '../../python/parser';
import { PythonAnalyses, type AnalysedPython, type PythonSource } from '../python/pythonAnalyses';

export const PYTHON_SELECTOR: vscode.DocumentSelector = [
  { language: 'python', scheme: 'file' },
  { language: 'python', scheme: 'vscode-notebook-cell' },
  { language: 'python', scheme: 'untitled' },
];

export function isPythonDocument(doc: vscode.TextDocument): boolean {
  return vscode.languages.match(PYTHON_SELECTOR, doc) > 0;
}

export class PythonDocuments implements vscode.Disposable {
  private readonly analyses: PythonAnalyses;
  private readonly subscription: vscode.Disposable;

  constructor(extensionUri: vscode.Uri, log: vscode.LogOutputChannel) {
    const wasmDir = join(extensionUri.fsPath, 'dist', 'tree-sitter');
    this.analyses = new PythonAnalyses(() => loadPythonParser(wasmDir), (e) => log.error('analyzePython failed', e));
    this.subscription = vscode.workspace.onDidCloseTextDocument((doc) => this.analyses.delete(doc.uri.toString()));
  }

  get(doc: vscode.TextDocument): Promise<AnalysedPython | undefined> {
    return this.analyses.get(source(doc), earlierCells(doc).map(source));
  }

  dispose(): void {
    this.subscription.dispose();
    this.analyses.dispose();
  }
}

function source(doc: vscode.TextDocument): PythonSource {
  return { key: doc.uri.toString(), version: doc.version, text: doc.getText() };
}

/** The notebook that holds a cell document, if any. */
export function notebookOf(doc: vscode.TextDocument): vscode.NotebookDocument | undefined {
  if (doc.uri.scheme !== 'vscode-notebook-cell') return undefined;
  return vscode.workspace.notebookDocuments.find((nb) => nb.getCells().some((c) => c.document === doc));
}

/** The Python code cells above a notebook cell (none for a file). */
function earlierCells(doc: vscode.TextDocument): vscode.TextDocument[] {
  const cells = notebookOf(doc)?.getCells() ?? [];
  const at = cells.findIndex((c) => c.document === doc);
  return cells.slice(0, Math.max(0, at)).filter((c) => c.kind === vscode.NotebookCellKind.Code && c.document.languageId === 'python').map((c) => c.document);
}
