/** VS Code adapter for codeLenses on the `layers:` line. */
import * as vscode from 'vscode';
import { codeLenses } from '../codeLens';
import { toVsRange } from './convert';
import { guarded } from './guard';
import type { ModelDocuments } from './modelDocuments';

export class ModelCodeLensProvider implements vscode.CodeLensProvider {
  constructor(
    private readonly documents: ModelDocuments,
    private readonly canTrain: boolean,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    return guarded(this.log, 'code lens', () => {
      const analysed = this.documents.get(doc);
      if (!analysed) return [];
      return codeLenses(analysed.analysis, analysed.src, this.canTrain).map(
        (l) => new vscode.CodeLens(toVsRange(l.range), { title: l.title, command: l.command, arguments: [doc.uri] }),
      );
    }, []);
  }
}
