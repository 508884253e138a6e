/** Restores Training panels after a window reload, from the run folder their webview saved in its state. */
import * as vscode from 'vscode';
import { parseTrainingState } from '../../protocol/webview-training';
import { TrainingPanel, type TrainingPanelDeps } from './trainingPanel';

export class TrainingPanelSerializer implements vscode.WebviewPanelSerializer {
  constructor(private readonly deps: TrainingPanelDeps) {}

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    // Validated like any message: without a usable run folder the panel says so instead of breaking.
    TrainingPanel.revive(panel, this.deps, parseTrainingState(state).runDir);
  }
}
