/**
 * VS Code adapter for hoverAt. A layer's hover ends with a "Show feature maps" link to the open inspector; the
 * markdown is trusted for that one command only.
 */
import * as vscode from 'vscode';
import { INSPECTOR_COMMANDS, showLayerMapsLink } from '../../webviews/inspector/inspectorIds';
import { hoverAt, type HoverContent } from '../hover';
import { fromVsPosition, toVsRange } from './convert';
import { guarded } from './guard';
import type { ModelDocuments } from './modelDocuments';

export class ModelHoverProvider implements vscode.HoverProvider {
  constructor(private readonly documents: ModelDocuments, private readonly log: vscode.LogOutputChannel) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    return guarded(this.log, 'hover', () => {
      const analysed = this.documents.get(doc);
      const hover = analysed && hoverAt(analysed.analysis, analysed.src, fromVsPosition(position));
      return hover && new vscode.Hover(hoverMarkdown(hover), toVsRange(hover.range));
    }, undefined);
  }
}

function hoverMarkdown(hover: HoverContent): vscode.MarkdownString {
  if (hover.layerIndex === undefined) return new vscode.MarkdownString(hover.markdown);
  const markdown = new vscode.MarkdownString(`${hover.markdown}\n\n[$(eye) Show feature maps](${showLayerMapsLink(hover.layerIndex)} "Show this layer's feature maps in the open inspector")`, true);
  markdown.isTrusted = { enabledCommands: [INSPECTOR_COMMANDS.showLayerMaps] };
  return markdown;
}
