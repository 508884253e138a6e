/** VS Code adapter for documentSymbols (the Outline view and breadcrumbs). */
import * as vscode from 'vscode';
import { documentSymbols, type SymbolEntry, type SymbolKind } from '../symbols';
import { toVsRange } from './convert';
import { guarded } from './guard';
import type { ModelDocuments } from './modelDocuments';

const KINDS: Record<SymbolKind, vscode.SymbolKind> = {
  section: vscode.SymbolKind.Namespace,
  layer: vscode.SymbolKind.Function,
  block: vscode.SymbolKind.Module,
};

export class ModelSymbolProvider implements vscode.DocumentSymbolProvider {
  constructor(private readonly documents: ModelDocuments, private readonly log: vscode.LogOutputChannel) {}

  provideDocumentSymbols(doc: vscode.TextDocument): vscode.DocumentSymbol[] {
    return guarded(this.log, 'symbols', () => {
      const analysed = this.documents.get(doc);
      return analysed ? documentSymbols(analysed.analysis, analysed.src).map(toVsSymbol) : [];
    }, []);
  }
}

function toVsSymbol(s: SymbolEntry): vscode.DocumentSymbol {
  const symbol = new vscode.DocumentSymbol(s.name, s.detail, KINDS[s.kind], toVsRange(s.range), toVsRange(s.selectionRange));
  symbol.children = s.children.map(toVsSymbol);
  return symbol;
}
