/** Restores Inspector panels after a window reload, from the run folder their page saved in its state. */
import * as vscode from 'vscode';
import { parseInspectorState } from '../../protocol/inspectValidate';
import { InspectorPanel, type InspectorPanelDeps } from './inspectorPanel';

export class InspectorPanelSerializer implements vscode.WebviewPanelSerializer {
  constructor(private readonly deps: InspectorPanelDeps) {}

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    // Validated like any message: without a usable run folder the panel says so instead of breaking.
    InspectorPanel.revive(panel, this.deps, parseInspectorState(state).runDir);
  }
}
