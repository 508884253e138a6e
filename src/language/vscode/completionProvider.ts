/** VS Code adapter for completionsAt. */
import * as vscode from 'vscode';
import { completionsAt, type CompletionKind } from '../completion';
import { fromVsPosition } from './convert';
import { guarded } from './guard';
import type { ModelDocuments } from './modelDocuments';

const KINDS: Record<CompletionKind, vscode.CompletionItemKind> = {
  layer: vscode.CompletionItemKind.Class,
  transform: vscode.CompletionItemKind.Function,
  argument: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.EnumMember,
  key: vscode.CompletionItemKind.Field,
};

/** Characters after which completion opens by itself: `(` and `,` in calls, `{`/`:` in mappings, `=` before values. */
export const COMPLETION_TRIGGERS = ['(', ',', '{', ':', '='];

export class ModelCompletionProvider implements vscode.CompletionItemProvider {
  constructor(private readonly documents: ModelDocuments, private readonly log: vscode.LogOutputChannel) {}

  provideCompletionItems(doc: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
    return guarded(this.log, 'completion', () => {
      const analysed = this.documents.get(doc);
      if (!analysed) return [];
      // Quotes belong to the typed value (`padding='sa`), so they are replaced along with it.
      const range = doc.getWordRangeAtPosition(position, /['"]?[\w-]+['"]?/);
      const replace = range && new vscode.Range(range.start, position);
      return completionsAt(analysed.src, fromVsPosition(position)).map((e) => {
        const item = new vscode.CompletionItem(e.label, KINDS[e.kind]);
        item.insertText = e.snippet ? new vscode.SnippetString(e.insertText) : e.insertText;
        item.detail = e.detail;
        item.documentation = new vscode.MarkdownString(e.documentation);
        item.sortText = e.sortText;
        item.filterText = e.insertText.replace(/\$\{?\d+:?|\}/g, '');
        if (replace) item.range = replace;
        return item;
      });
    }, []);
  }
}
