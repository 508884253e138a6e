/**
 * The runs view's "Export…" (pick a format from the export registry, then where to write it) and "CNN Lab: Import
 * Weights…" (a state_dict + a model file → a run folder). Export runs here (src/export needs no TensorFlow); import
 * builds the model with the engine, so it runs the bundled CLI (`cnnlab import`) in a child Node process.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { EXPORT_FORMATS } from '../../export/registry';
import { readExportSource } from '../../export/source';
import { isModelDocument } from '../../language/vscode/modelDocuments';
import type { RunItem } from '../../webviews/runs/runTree';

export async function exportRun(run: RunItem, log: vscode.LogOutputChannel): Promise<void> {
  const picked = await vscode.window.showQuickPick(EXPORT_FORMATS.map((f) => ({ label: f.name, detail: f.summary, format: f })), { title: `Export ${run.model} · ${run.label}`, placeHolder: 'Format' });
  if (!picked) return;
  const format = picked.format;
  const near = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(dirname(run.dir));
  const target = await vscode.window.showSaveDialog({
    title: format.out === 'folder' ? `Folder to create for the ${format.name} export` : `File of the ${format.name} export`,
    defaultUri: vscode.Uri.joinPath(near, `${run.model}-${format.name}`),
    saveLabel: 'Export',
  });
  if (!target) return;
  try {
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Exporting ${run.model} as ${format.name}` }, async () =>
      format.write(await readExportSource(run.dir), target.fsPath),
    );
    log.info(`Exported ${run.dir} as ${format.name}: ${result.files.join(', ')}`);
    result.notes.forEach((note) => log.info(note));
    const choice = await vscode.window.showInformationMessage(`Exported ${run.model} as ${format.name} to ${target.fsPath}.`, ...(result.open ? ['Open'] : []), 'Reveal');
    if (choice === 'Open' && result.open) await vscode.window.showTextDocument(vscode.Uri.file(result.open));
    // The Explorer where the export is in the workspace (also in a browser or on a remote), else the OS's file manager.
    if (choice === 'Reveal') await vscode.commands.executeCommand(vscode.workspace.getWorkspaceFolder(target) ? 'revealInExplorer' : 'revealFileInOS', target);
  } catch (e) {
    log.error(`Export of ${run.dir} as ${format.name} failed`, e);
    void vscode.window.showErrorMessage(`Could not export ${run.model}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export interface ImportDeps {
  /** The bundled CLI (dist/cli.js). */
  cliPath: string;
  /** Runs folder of the workspace (undefined: runs/ next to the model file). */
  runsDirectory(modelFile: vscode.Uri): string | undefined;
  onImported(runDir: string): void;
  log: vscode.LogOutputChannel;
}

export async function importWeights(deps: ImportDeps): Promise<void> {
  const [weights] = (await vscode.window.showOpenDialog({ title: 'Weights to import (a PyTorch state_dict)', filters: { 'State dict': ['pth', 'pt', 'safetensors', 'bin'] }, canSelectMany: false })) ?? [];
  if (!weights) return;
  const active = vscode.window.activeTextEditor?.document;
  const model = active && isModelDocument(active) && active.uri.scheme === 'file' ? active.uri : (await vscode.window.showOpenDialog({ title: 'Model file the weights belong to', filters: { 'CNN model': ['yaml', 'yml'] }, canSelectMany: false }))?.[0];
  if (!model) return;
  const out = deps.runsDirectory(model);
  const args = [deps.cliPath, 'import', weights.fsPath, '--model', model.fsPath, '--json', ...(out ? ['--out', out] : [])];
  // VS Code's own binary runs the CLI as plain Node.
  execFile(process.execPath, args, { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
    const problem = stderr.trim().split('\n').filter((l) => l.startsWith('cnnlab import:')).join('\n') || error?.message;
    if (error) {
      deps.log.error(`Import of ${weights.fsPath} failed: ${stderr}`);
      void vscode.window.showErrorMessage(problem?.replace(/^cnnlab import: /, 'Import failed: ') ?? 'Import failed.');
      return;
    }
    const runDir = (JSON.parse(stdout.trim().split('\n').pop() as string) as { runDir: string }).runDir;
    deps.log.info(`Imported ${weights.fsPath} into ${runDir}`);
    deps.onImported(runDir);
    void vscode.window.showInformationMessage(`Imported ${vscode.workspace.asRelativePath(weights)} as a run of ${vscode.workspace.asRelativePath(model)}: ${join(runDir)}`);
  });
}
