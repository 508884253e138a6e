/**
 * Publishes CNN Lab's diagnostics for PyTorch code (collection `cnnlab-python`, next to the Python language
 * server's own): on open, debounced while typing; a change in a notebook cell re-checks the cells below it.
 */
import * as vscode from 'vscode';
import type { CnnLabConfig } from '../../config';
import { KeyedDebouncer } from '../debounce';
import { toVsDiagnostic } from './diagnosticsController';
import { isPythonDocument, notebookOf, type PythonDocuments } from './pythonDocuments';

export class PythonDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('cnnlab-python');
  private readonly debouncer = new KeyedDebouncer();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly documents: PythonDocuments,
    private readonly config: () => CnnLabConfig,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((d) => void this.refresh(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.debouncer.cancel(d.uri.toString());
        this.collection.delete(d.uri);
      }),
    );
    for (const doc of vscode.workspace.textDocuments) void this.refresh(doc);
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!isPythonDocument(doc)) return;
    const cells = notebookOf(doc)?.getCells().map((c) => c.document).filter(isPythonDocument) ?? [doc];
    const later = cells.slice(Math.max(0, cells.indexOf(doc)));
    for (const d of later) this.debouncer.schedule(d.uri.toString(), this.config().diagnosticsDebounceMs, () => void this.refresh(d));
  }

  private async refresh(doc: vscode.TextDocument): Promise<void> {
    if (!isPythonDocument(doc) || doc.isClosed) return;
    try {
      const analysed = await this.documents.get(doc);
      if (!doc.isClosed) this.collection.set(doc.uri, (analysed?.analysis.diagnostics ?? []).map(toVsDiagnostic));
    } catch (e) {
      this.log.error('python diagnostics failed', e);
    }
  }

  dispose(): void {
    this.debouncer.dispose();
    this.collection.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
