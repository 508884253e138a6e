/**
 * The runs view's actions: open the training panel, compare, open the model snapshot, diff it against the
 * current model file, reveal in the explorer, evaluate on the test set, export, delete with confirmation. Commands take the clicked row and,
 * for multi-selection, the selected rows (VS Code passes both to view/item/context commands).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { readRunConfig } from '../../trainer/runs/reader';
import { RUN_FILES } from '../../trainer/runs/store';
import { RUN_COMMANDS } from '../../training/ids';
import type { LiveRuns } from '../../training/liveRuns';
import type { RunItem } from './runTree';
import type { RunsTreeProvider } from './runsTreeProvider';

export interface RunsCommandDeps {
  tree: RunsTreeProvider;
  live: LiveRuns;
  openPanel(runDir: string): void;
  compare(runDirs: string[]): void;
  /** Runs the test pass on the run's checkpoint (through the trainer worker) and records the figures in the run. */
  evaluate(run: RunItem): Promise<void>;
  /** Writes the run in another format (src/export), asking which and where. */
  exportRun(run: RunItem): Promise<void>;
  log: vscode.LogOutputChannel;
}

const isRun = (v: unknown): v is RunItem => typeof v === 'object' && v !== null && (v as RunItem).kind === 'run' && typeof (v as RunItem).dir === 'string';

/** The rows a command applies to: the selection when the clicked row is part of it, else the clicked row. */
function targets(clicked: unknown, selected: unknown): RunItem[] {
  const many = Array.isArray(selected) ? selected.filter(isRun) : [];
  if (isRun(clicked) && many.some((r) => r.dir === clicked.dir)) return many;
  return isRun(clicked) ? [clicked] : many;
}

export function registerRunsCommands(deps: RunsCommandDeps): vscode.Disposable[] {
  const one = (handler: (run: RunItem) => unknown) => (clicked: unknown, selected: unknown) => {
    const [run] = targets(clicked, selected);
    if (run) return handler(run);
    void vscode.window.showInformationMessage('Select a run in the CNN Lab runs view first.');
  };
  return [
    vscode.commands.registerCommand(RUN_COMMANDS.refresh, () => deps.tree.refresh()),
    vscode.commands.registerCommand(RUN_COMMANDS.openPanel, one((run) => deps.openPanel(run.dir))),
    vscode.commands.registerCommand(RUN_COMMANDS.compare, (clicked: unknown, selected: unknown) => compareRuns(deps, targets(clicked, selected))),
    vscode.commands.registerCommand(RUN_COMMANDS.openModel, one((run) => vscode.window.showTextDocument(snapshotUri(run), { preview: true }))),
    vscode.commands.registerCommand(RUN_COMMANDS.diffModel, one((run) => diffModel(run))),
    vscode.commands.registerCommand(RUN_COMMANDS.reveal, one((run) => reveal(run))),
    vscode.commands.registerCommand(RUN_COMMANDS.evaluate, one((run) => evaluate(deps, run))),
    vscode.commands.registerCommand(RUN_COMMANDS.export, one((run) => deps.exportRun(run))),
    vscode.commands.registerCommand(RUN_COMMANDS.delete, (clicked: unknown, selected: unknown) => deleteRuns(deps, targets(clicked, selected))),
  ];
}

function snapshotUri(run: RunItem): vscode.Uri {
  return vscode.Uri.file(join(run.dir, RUN_FILES.model));
}

/** Two or more runs: compare them; fewer: let the user pick the others. */
async function compareRuns(deps: RunsCommandDeps, chosen: RunItem[]): Promise<void> {
  let runs = chosen;
  if (runs.length < 2) {
    const items = deps.tree.allRuns().map((r) => ({ label: `${r.model} · ${r.label}`, description: r.description, picked: runs.some((c) => c.dir === r.dir), run: r }));
    const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Compare runs', placeHolder: 'Select two or more runs' });
    if (!picked) return;
    runs = picked.map((p) => p.run);
  }
  if (runs.length < 2) {
    void vscode.window.showInformationMessage('Select at least two runs to compare (Ctrl/Cmd+click in the runs view).');
    return;
  }
  deps.compare(runs.map((r) => r.dir));
}

/** The run's model snapshot against the model file it was trained from (config.json's request.modelPath). */
async function diffModel(run: RunItem): Promise<void> {
  const config = readRunConfig(run.dir) as { request?: { modelPath?: unknown } } | null;
  const modelPath = typeof config?.request?.modelPath === 'string' ? config.request.modelPath : undefined;
  let current = modelPath ? vscode.Uri.file(modelPath) : undefined;
  if (!current || !(await exists(current))) {
    const picked = await vscode.window.showOpenDialog({ title: 'Current model file to compare with', filters: { 'CNN model': ['yaml', 'yml'] }, canSelectMany: false });
    current = picked?.[0];
    if (!current) return;
  }
  await vscode.commands.executeCommand('vscode.diff', snapshotUri(run), current, `${run.model} (${run.label}) ↔ ${vscode.workspace.asRelativePath(current)}`);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function reveal(run: RunItem): Promise<void> {
  const uri = vscode.Uri.file(run.dir);
  // The explorer can only reveal what is inside the workspace; elsewhere, the OS file manager.
  if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
  else await vscode.commands.executeCommand('revealFileInOS', uri);
}

async function evaluate(deps: RunsCommandDeps, run: RunItem): Promise<void> {
  if (deps.live.isLive(run.dir)) {
    void vscode.window.showWarningMessage('This run is still training: its test pass comes at the end (or stop it, then evaluate).');
    return;
  }
  await deps.evaluate(run);
  deps.tree.refresh();
}

async function deleteRuns(deps: RunsCommandDeps, runs: RunItem[]): Promise<void> {
  if (!runs.length) return;
  const live = runs.filter((r) => deps.live.isLive(r.dir));
  if (live.length) {
    void vscode.window.showWarningMessage('A run that is training cannot be deleted: stop it first.');
    return;
  }
  const what = runs.length === 1 ? `the run ${runs[0].model} · ${runs[0].label}` : `${runs.length} runs`;
  const answer = await vscode.window.showWarningMessage(`Delete ${what}? Its folder, checkpoints and metrics are removed from disk.`, { modal: true }, 'Delete');
  if (answer !== 'Delete') return;
  for (const run of runs) {
    try {
      await rm(run.dir, { recursive: true, force: true });
      deps.log.info(`Deleted run folder ${run.dir}`);
    } catch (e) {
      deps.log.error(`Deleting ${run.dir} failed`, e);
      void vscode.window.showErrorMessage(`Could not delete ${run.dir}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  deps.tree.refresh();
}
