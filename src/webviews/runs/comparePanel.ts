/**
 * "Compare Runs": one panel with the selected runs' curves overlaid, the hyperparameters that differ and their
 * results. Restored after a window reload from the run folders the webview saved in its state.
 */
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { isFromCompareWebview, parseCompareState, type FromCompareWebview, type ToCompareWebview } from '../../protocol/webview-training';
import { readRun } from '../../trainer/runs/reader';
import { COMPARE_VIEW_TYPE } from '../../training/ids';
import { panelOptions, WebviewPanelHost } from '../panelHost';
import { compareView } from './compareModel';


export interface ComparePanelDeps {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  /** Opens a run's training panel. */
  openRun(runDir: string): void;
}

export class ComparePanel extends WebviewPanelHost<ToCompareWebview, FromCompareWebview> {
  private static current: ComparePanel | undefined;

  /** Shows the comparison of `runDirs` (reusing the open Compare panel). */
  static show(deps: ComparePanelDeps, runDirs: string[]): ComparePanel {
    if (ComparePanel.current) {
      ComparePanel.current.runDirs = runDirs;
      ComparePanel.current.panel.reveal();
      ComparePanel.current.onReady();
      return ComparePanel.current;
    }
    const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, 'Compare Runs', vscode.ViewColumn.Active, panelOptions(deps.extensionUri));
    return new ComparePanel(panel, deps, runDirs);
  }

  /** Re-attaches a panel restored after a window reload. */
  static revive(panel: vscode.WebviewPanel, deps: ComparePanelDeps, state: unknown): ComparePanel {
    ComparePanel.current?.dispose();
    return new ComparePanel(panel, deps, parseCompareState(state).runDirs ?? []);
  }

  private constructor(panel: vscode.WebviewPanel, deps: ComparePanelDeps, private runDirs: string[]) {
    super(panel, deps.extensionUri, { bundle: 'compare', styles: ['media/components/base.css', 'media/training/charts.css', 'media/compare/compare.css'] }, isFromCompareWebview, deps.log);
    ComparePanel.current = this;
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'cnn-file.svg');
    this.messages.on('openRun', (m) => {
      if (this.runDirs.includes(m.runDir)) deps.openRun(m.runDir);
    });
  }

  protected onReady(): void {
    // Runs deleted since (or after a reload) are left out rather than shown empty.
    const runs = this.runDirs.filter((dir) => existsSync(dir)).map((dir) => readRun(dir));
    this.post({ type: 'compare', view: compareView(runs) });
  }

  override dispose(): void {
    if (ComparePanel.current === this) ComparePanel.current = undefined;
    super.dispose();
  }
}

/** Restores the Compare panel after a reload. */
export class ComparePanelSerializer implements vscode.WebviewPanelSerializer {
  constructor(private readonly deps: ComparePanelDeps) {}

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    ComparePanel.revive(panel, this.deps, state);
  }
}
