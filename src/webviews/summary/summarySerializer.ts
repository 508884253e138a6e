/** Restores the Model Summary panel after a window reload, from the state its webview saved. */
import * as vscode from 'vscode';
import { parseSummaryState } from '../../protocol/webview-summary';
import { SummaryPanel, type SummaryPanelDeps } from './summaryPanel';

export class SummaryPanelSerializer implements vscode.WebviewPanelSerializer {
  constructor(private readonly deps: SummaryPanelDeps) {}

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    // State comes from the webview's setState: validate it like any message. Unusable state still gives a
    // working panel that follows the active model file.
    const restored = parseSummaryState(state);
    let uri: vscode.Uri | undefined;
    try {
      uri = restored.model ? vscode.Uri.parse(restored.model.uri, true) : undefined;
    } catch (e) {
      this.deps.log.warn(`Model summary: ignoring restored state with a bad URI: ${String(e)}`);
    }
    SummaryPanel.revive(panel, this.deps, uri);
  }
}
