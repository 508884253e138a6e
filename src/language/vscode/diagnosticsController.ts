/** Publishes the core's diagnostics for model files: immediately on open, debounced while typing. */
import * as vscode from 'vscode';
import type { CnnLabConfig } from '../../config';
import type { Diagnostic } from '../../model/types';
import { KeyedDebouncer } from '../debounce';
import { toVsRange, toVsSeverity } from './convert';
import { guarded } from './guard';
import { isModelDocument, type ModelDocuments } from './modelDocuments';

export class DiagnosticsController implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('cnnlab');
  private readonly debouncer = new KeyedDebouncer();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly documents: ModelDocuments,
    private readonly config: () => CnnLabConfig,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.refresh(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.debouncer.cancel(d.uri.toString());
        this.collection.delete(d.uri);
      }),
    );
    for (const doc of vscode.workspace.textDocuments) this.refresh(doc);
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!isModelDocument(doc)) return;
    this.debouncer.schedule(doc.uri.toString(), this.config().diagnosticsDebounceMs, () => this.refresh(doc));
  }

  private refresh(doc: vscode.TextDocument): void {
    if (!isModelDocument(doc) || doc.isClosed) return;
    guarded(this.log, 'diagnostics', () => {
      const analysed = this.documents.get(doc);
      this.collection.set(doc.uri, analysed ? analysed.analysis.diagnostics.map(toVsDiagnostic) : []);
    }, undefined);
  }

  dispose(): void {
    this.debouncer.dispose();
    this.collection.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

/** A core diagnostic as VS Code's, with CNN Lab as its source (model files and PyTorch code alike). */
export function toVsDiagnostic(d: Diagnostic): vscode.Diagnostic {
  const out = new vscode.Diagnostic(toVsRange(d.range), d.message, toVsSeverity(d.severity));
  out.source = 'cnnlab';
  out.code = d.code;
  return out;
}
