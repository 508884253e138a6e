/** VS Code adapter for inlayHints; honours `cnnlab.inlayHints.enabled` and refreshes when it changes. */
import * as vscode from 'vscode';
import type { CnnLabConfig } from '../../config';
import { inlayHints, type InlayHintEntry } from '../inlayHints';
import { toVsPosition } from './convert';
import { guarded } from './guard';
import type { ModelDocuments } from './modelDocuments';

export class ModelInlayHintsProvider implements vscode.InlayHintsProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeInlayHints = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly documents: ModelDocuments,
    private readonly config: () => CnnLabConfig,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('cnnlab.inlayHints')) this.changed.fire();
    });
  }

  provideInlayHints(doc: vscode.TextDocument, range: vscode.Range): vscode.InlayHint[] {
    if (!this.config().inlayHintsEnabled) return [];
    return guarded(this.log, 'inlay hints', () => {
      const analysed = this.documents.get(doc);
      if (!analysed) return [];
      return inlayHints(analysed.analysis, analysed.src)
        .filter((h) => h.position.line >= range.start.line && h.position.line <= range.end.line)
        .map(toVsInlayHint);
    }, []);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** A hint `→ shape · params` after a layer (model files and PyTorch code alike). */
export function toVsInlayHint(h: InlayHintEntry): vscode.InlayHint {
  const hint = new vscode.InlayHint(toVsPosition(h.position), h.label, vscode.InlayHintKind.Type);
  hint.paddingLeft = true;
  hint.tooltip = new vscode.MarkdownString(h.tooltip);
  return hint;
}
