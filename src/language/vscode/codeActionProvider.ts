/** VS Code adapter for codeActionsAt: the core's quick fixes plus padding and form conversion. */
import * as vscode from 'vscode';
import { codeActionsAt } from '../codeActions';
import { fromVsRange, toVsRange } from './convert';
import { guarded } from './guard';
import type { ModelDocuments } from './modelDocuments';

export class ModelCodeActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite],
  };

  constructor(private readonly documents: ModelDocuments, private readonly log: vscode.LogOutputChannel) {}

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    return guarded(this.log, 'code actions', () => {
      const analysed = this.documents.get(doc);
      if (!analysed) return [];
      // The lightbulb (automatic requests) only for fixes of reported problems; suggestions such as padding
      // or form conversion appear when the user asks (Ctrl+. or the context menu), not on every layer line.
      const invoked = context.triggerKind === vscode.CodeActionTriggerKind.Invoke;
      const entries = codeActionsAt(analysed.analysis, analysed.src, fromVsRange(range)).filter((e) => invoked || e.diagnostic);
      return entries.map((entry) => {
        const kind = entry.kind === 'quickfix' ? vscode.CodeActionKind.QuickFix : vscode.CodeActionKind.RefactorRewrite;
        const action = new vscode.CodeAction(entry.title, kind);
        action.edit = new vscode.WorkspaceEdit();
        for (const e of entry.edits) action.edit.replace(doc.uri, toVsRange(e.range), e.newText);
        action.isPreferred = entry.preferred;
        if (entry.diagnostic) {
          const d = entry.diagnostic;
          // Link to the published diagnostic so the lightbulb and Problems view show the fix next to it.
          action.diagnostics = context.diagnostics.filter((v) => v.code === d.code && v.message === d.message);
        }
        return action;
      });
    }, []);
  }
}
