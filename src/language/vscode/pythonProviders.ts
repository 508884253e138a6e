/**
 * Thin VS Code adapters for PyTorch code: hovers (added to the Python language server's, never replacing them),
 * inlay hints, quick fixes that edit the Python, and the CodeLenses on each model definition.
 */
import * as vscode from 'vscode';
import type { CnnLabConfig } from '../../config';
import { formatCount } from '../../model';
import { shapeLabel } from '../format';
import { pythonHoverAt } from '../python/pythonHover';
import { pythonInlayHints } from '../python/pythonInlayHints';
import { fromVsPosition, fromVsRange, toVsRange } from './convert';
import { toVsInlayHint } from './inlayHintsProvider';
import type { PythonDocuments } from './pythonDocuments';

export const PYTHON_COMMANDS = {
  setInputShape: 'cnnlab.python.setInputShape',
  openAsModel: 'cnnlab.python.openAsModel',
} as const;

/** Runs async provider code so that an error is logged, never thrown into the extension host. */
async function guardedAsync<T>(log: vscode.LogOutputChannel, what: string, fn: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    log.error(`${what} failed`, error);
    return fallback;
  }
}

export class PythonHoverProvider implements vscode.HoverProvider {
  constructor(private readonly documents: PythonDocuments, private readonly log: vscode.LogOutputChannel) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    return guardedAsync(this.log, 'python hover', async () => {
      const analysed = await this.documents.get(doc);
      const hover = analysed && pythonHoverAt(analysed.analysis, fromVsPosition(position));
      return hover && new vscode.Hover(new vscode.MarkdownString(hover.markdown), toVsRange(hover.range));
    }, undefined);
  }
}

export class PythonInlayHintsProvider implements vscode.InlayHintsProvider {
  constructor(private readonly documents: PythonDocuments, private readonly config: () => CnnLabConfig, private readonly log: vscode.LogOutputChannel) {}

  provideInlayHints(doc: vscode.TextDocument, range: vscode.Range): Promise<vscode.InlayHint[]> {
    if (!this.config().inlayHintsEnabled) return Promise.resolve([]);
    return guardedAsync(this.log, 'python inlay hints', async () => {
      const analysed = await this.documents.get(doc);
      if (!analysed) return [];
      return pythonInlayHints(analysed.analysis, analysed.src)
        .filter((h) => h.position.line >= range.start.line && h.position.line <= range.end.line)
        .map(toVsInlayHint);
    }, []);
  }
}

export class PythonCodeActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly documents: PythonDocuments, private readonly log: vscode.LogOutputChannel) {}

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    return guardedAsync(this.log, 'python code actions', async () => {
      const analysed = await this.documents.get(doc);
      const wanted = fromVsRange(range);
      const touches = (r: typeof wanted) => !(r.end.line < wanted.start.line || r.start.line > wanted.end.line);
      return (analysed?.analysis.diagnostics ?? []).filter((d) => d.fixes?.length && touches(d.range)).flatMap((d) =>
        d.fixes!.map((fix, i) => {
          const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
          action.edit = new vscode.WorkspaceEdit();
          action.edit.replace(doc.uri, toVsRange(fix.range), fix.newText);
          action.isPreferred = i === 0;
          action.diagnostics = context.diagnostics.filter((v) => v.code === d.code && v.message === d.message);
          return action;
        }));
    }, []);
  }
}

export class PythonCodeLensProvider implements vscode.CodeLensProvider {
  constructor(private readonly documents: PythonDocuments, private readonly log: vscode.LogOutputChannel) {}

  provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    return guardedAsync(this.log, 'python code lenses', async () => {
      const analysed = await this.documents.get(doc);
      return (analysed?.analysis.models ?? []).flatMap((m) => {
        const range = toVsRange(m.definition.nameRange);
        const args = [doc.uri, m.definition.name];
        const a = m.analysis;
        const summary = m.input && a
          ? `CNN Lab: ${shapeLabel(m.input.shape)} → ${shapeLabel(a.outputShape)} · ${formatCount(a.totals.params)} params`
          : 'CNN Lab: Set input shape…';
        const lenses = [new vscode.CodeLens(range, { title: summary, command: PYTHON_COMMANDS.setInputShape, arguments: args, tooltip: 'Set the shape of one input (writes a # cnnlab: input comment)' })];
        if (m.input && a) lenses.push(new vscode.CodeLens(range, { title: 'Open as CNN Lab model', command: PYTHON_COMMANDS.openAsModel, arguments: args, tooltip: 'Write this model as a *.cnn.yaml file to train and inspect it' }));
        return lenses;
      });
    }, []);
  }
}
