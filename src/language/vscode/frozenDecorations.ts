/** Greys the frozen layers of visible model files (thin adapter over frozenLayerRanges). */
import * as vscode from 'vscode';
import type { CnnLabConfig } from '../../config';
import { KeyedDebouncer } from '../debounce';
import { frozenLayerRanges } from '../frozenLayers';
import { toVsRange } from './convert';
import { guarded } from './guard';
import { isModelDocument, type ModelDocuments } from './modelDocuments';

export class FrozenLayerDecorations implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({ opacity: '0.55' });
  private readonly debouncer = new KeyedDebouncer();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly documents: ModelDocuments,
    private readonly config: () => CnnLabConfig,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.refresh(e))),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!isModelDocument(e.document)) return;
        this.debouncer.schedule(e.document.uri.toString(), this.config().diagnosticsDebounceMs, () => {
          vscode.window.visibleTextEditors.filter((ed) => ed.document === e.document).forEach((ed) => this.refresh(ed));
        });
      }),
    );
    vscode.window.visibleTextEditors.forEach((e) => this.refresh(e));
  }

  private refresh(editor: vscode.TextEditor): void {
    if (!isModelDocument(editor.document) || editor.document.isClosed) return;
    guarded(this.log, 'frozen layers', () => {
      const analysed = this.documents.get(editor.document);
      editor.setDecorations(this.decoration, analysed ? frozenLayerRanges(analysed.analysis).map(toVsRange) : []);
    }, undefined);
  }

  dispose(): void {
    this.debouncer.dispose();
    this.decoration.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
