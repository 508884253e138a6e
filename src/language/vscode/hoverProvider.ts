/** VS Code adapter for hoverAt. */
import * as vscode from 'vscode';
import { hoverAt } from '../hover';
import { fromVsPosition, toVsRange } from './convert';
import { guarded } from './guard';
import type { ModelDocuments } from './modelDocuments';

export class ModelHoverProvider implements vscode.HoverProvider {
  constructor(private readonly documents: ModelDocuments, private readonly log: vscode.LogOutputChannel) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    return guarded(this.log, 'hover', () => {
      const analysed = this.documents.get(doc);
      const hover = analysed && hoverAt(analysed.analysis, analysed.src, fromVsPosition(position));
      return hover && new vscode.Hover(new vscode.MarkdownString(hover.markdown), toVsRange(hover.range));
    }, undefined);
  }
}
