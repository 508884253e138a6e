/**
 * Registration of the inspector: the "CNN Lab: Inspect Run" command (from a runs-view row, a run folder path or
 * Uri, or a quick pick of the runs found), "show this layer's feature maps" for the editor, and the panel
 * serializer that restores inspectors after a reload. extension.ts pushes what this returns.
 */
import * as vscode from 'vscode';
import { INSPECTOR_COMMANDS, INSPECTOR_VIEW_TYPE } from './inspectorIds';
import { InspectorPanel, type InspectorPanelDeps } from './inspectorPanel';
import { InspectorPanelSerializer } from './inspectorSerializer';

export interface InspectorRegistration extends InspectorPanelDeps {
  /** The runs to offer when the command is run without a run (e.g. the runs view's runs). */
  runs(): Array<{ dir: string; label: string; description?: string }>;
}

/** Reads a run folder from a command argument: a runs-view row ({ dir }), a path string, or a file Uri. */
export function runDirOf(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg) return arg;
  if (arg instanceof vscode.Uri) return arg.fsPath;
  const dir = (arg as { dir?: unknown } | null)?.dir;
  return typeof dir === 'string' ? dir : undefined;
}

export function registerInspector(deps: InspectorRegistration): vscode.Disposable[] {
  return [
    vscode.window.registerWebviewPanelSerializer(INSPECTOR_VIEW_TYPE, new InspectorPanelSerializer(deps)),
    vscode.commands.registerCommand(INSPECTOR_COMMANDS.inspectRun, async (arg?: unknown) => {
      const dir = runDirOf(arg) ?? (await pickRun(deps));
      if (dir) InspectorPanel.show(deps, dir);
    }),
    vscode.commands.registerCommand(INSPECTOR_COMMANDS.showLayerMaps, (layer: unknown, runDir?: unknown) => {
      const panel = InspectorPanel.find(typeof runDir === 'string' ? runDir : undefined);
      if (!panel) void vscode.window.showInformationMessage('Open a run with "CNN Lab: Inspect Run" first.');
      else if (typeof layer === 'number' && Number.isInteger(layer) && layer >= 1) panel.showLayer(layer);
    }),
  ];
}

async function pickRun(deps: InspectorRegistration): Promise<string | undefined> {
  const runs = deps.runs();
  if (runs.length === 0) {
    void vscode.window.showInformationMessage('No training runs found: train a model first ("CNN Lab: Train Model").');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(runs.map((r) => ({ label: r.label, description: r.description, dir: r.dir })), { title: 'Inspect run', placeHolder: 'Choose a run to inspect' });
  return picked?.dir;
}
