/**
 * "CNN Lab: Show Model Summary": a panel beside the editor with the summary table, the architecture
 * drawing and the problems of the active model file, following it as it changes.
 */
import { totalmem } from 'node:os';
import * as vscode from 'vscode';
import type { CnnLabConfig } from '../../config';
import { KeyedDebouncer } from '../../language/debounce';
import { isModelDocument, type ModelDocuments } from '../../language/vscode/modelDocuments';
import {
  isFromSummaryWebview,
  type FromSummaryWebview,
  type SummaryViewModel,
  type ToSummaryWebview,
} from '../../protocol/webview-summary';
import { panelOptions, WebviewPanelHost } from '../panelHost';
import { buildSummaryViewModel } from './summaryViewModel';

/** The view type (also in package.json's `onWebviewPanel:` activation event). */
export const SUMMARY_VIEW_TYPE = 'cnnlab.summary';

export interface SummaryPanelDeps {
  extensionUri: vscode.Uri;
  documents: ModelDocuments;
  config: () => CnnLabConfig;
  log: vscode.LogOutputChannel;
}

export class SummaryPanel extends WebviewPanelHost<ToSummaryWebview, FromSummaryWebview> {
  private static current: SummaryPanel | undefined;
  private documentUri: vscode.Uri | undefined;
  private model: SummaryViewModel | undefined;
  private emptyMessage = 'Open a *.cnn.yaml model file to see its summary.';
  private readonly debouncer = new KeyedDebouncer();

  /** Shows the panel (creating it if needed) for `uri`, or for the active model file. */
  static createOrShow(deps: SummaryPanelDeps, uri?: vscode.Uri): SummaryPanel {
    const target = uri ?? activeModelUri();
    if (SummaryPanel.current) {
      SummaryPanel.current.panel.reveal(undefined, true);
      if (target) SummaryPanel.current.follow(target);
      return SummaryPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      SUMMARY_VIEW_TYPE,
      'Model Summary',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      panelOptions(deps.extensionUri),
    );
    return new SummaryPanel(panel, deps, target);
  }

  /** Re-attaches a panel restored after a window reload (see SummaryPanelSerializer). */
  static revive(panel: vscode.WebviewPanel, deps: SummaryPanelDeps, uri: vscode.Uri | undefined): SummaryPanel {
    SummaryPanel.current?.dispose();
    return new SummaryPanel(panel, deps, uri ?? activeModelUri());
  }

  private constructor(panel: vscode.WebviewPanel, private readonly deps: SummaryPanelDeps, uri: vscode.Uri | undefined) {
    const assets = { bundle: 'summary', styles: ['media/components/base.css', 'media/summary/summary.css'] };
    super(panel, deps.extensionUri, assets, isFromSummaryWebview, deps.log);
    SummaryPanel.current = this;
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'cnn-file.svg');
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor && isModelDocument(editor.document)) this.follow(editor.document.uri);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.documentUri?.toString() !== e.document.uri.toString()) return;
        this.debouncer.schedule('update', this.deps.config().diagnosticsDebounceMs, () => void this.update());
      }),
      { dispose: () => this.debouncer.dispose() },
    );
    this.messages.on('reveal', (m) => {
      this.reveal(m.line, m.character).catch((e) => this.deps.log.error('Model summary: reveal failed', e));
    });
    if (uri) this.follow(uri);
  }

  /** Switches the panel to another model file. */
  follow(uri: vscode.Uri): void {
    this.documentUri = uri;
    void this.update();
  }

  private async update(): Promise<void> {
    const uri = this.documentUri;
    if (!uri) return;
    try {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? (await vscode.workspace.openTextDocument(uri));
      const analysed = this.deps.documents.get(doc);
      if (!analysed) return;
      this.model = buildSummaryViewModel(analysed.analysis, uri.toString(), baseName(uri), totalmem());
      this.panel.title = `Summary: ${this.model.name}`;
      this.post({ type: 'update', model: this.model });
    } catch (e) {
      this.deps.log.warn(`Model summary: cannot read ${uri.toString()}: ${String(e)}`);
      this.model = undefined;
      this.emptyMessage = `Cannot read ${baseName(uri)}.`;
      this.post({ type: 'empty', message: this.emptyMessage });
    }
  }

  protected onReady(): void {
    this.post(this.model ? { type: 'update', model: this.model } : { type: 'empty', message: this.emptyMessage });
  }

  /** Shows the followed model file with the cursor at a layer or problem the user clicked in the panel. */
  private async reveal(requestedLine: number, character: number): Promise<void> {
    if (!this.documentUri) return;
    const doc = await vscode.workspace.openTextDocument(this.documentUri);
    const line = Math.min(requestedLine, Math.max(0, doc.lineCount - 1));
    const position = new vscode.Position(line, character);
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === doc.uri.toString());
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One, selection: new vscode.Range(position, position) });
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  override dispose(): void {
    if (SummaryPanel.current === this) SummaryPanel.current = undefined;
    super.dispose();
  }
}

function activeModelUri(): vscode.Uri | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  return doc && isModelDocument(doc) ? doc.uri : undefined;
}

function baseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}
