/**
 * "CNN Lab: Train Model" on a model file (palette, editor title, CodeLens, explorer): a file with errors does
 * not start (its problems are shown); otherwise the run request is built from the file and the settings and
 * handed to the orchestrator (which queues it, or asks whether to stop the active run).
 */
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { resolveRunsDirectory, type CnnLabConfig } from '../config';
import { isModelDocument, type ModelDocuments } from '../language/vscode/modelDocuments';
import type { RunRequest } from '../protocol/runTypes';
import type { TrainingOrchestrator } from './orchestrator';
import { DEFAULT_WORKERS } from '../trainer/parallel/cores';

export interface TrainCommandDeps {
  documents: ModelDocuments;
  config: () => CnnLabConfig;
  orchestrator: TrainingOrchestrator;
  /** Dataset download / decode cache. */
  cacheDir: string;
  /** Install prefixes that may hold native TensorFlow (the extension's storage). */
  extraModulePaths: string[];
  /** Called with the runs folder a request writes to (so the runs view watches it). */
  onRunsRoot(path: string): void;
}

/** Trains `uri`, or the active model file. */
export async function trainModel(deps: TrainCommandDeps, uri: unknown): Promise<void> {
  const doc = await modelDocument(uri);
  if (!doc) return;
  const analysed = deps.documents.get(doc);
  const errors = analysed?.analysis.diagnostics.filter((d) => d.severity === 'error') ?? [];
  if (errors.length) {
    const first = errors[0];
    const choice = await vscode.window.showErrorMessage(
      `Cannot train: the model file has ${errors.length} error${errors.length === 1 ? '' : 's'} (line ${first.range.start.line + 1}: ${first.message}).`,
      'Show Problems',
    );
    if (choice) await vscode.commands.executeCommand('workbench.actions.view.problems');
    return;
  }
  const request = runRequest(doc, deps);
  if (request.outDir) deps.onRunsRoot(request.outDir);
  await deps.orchestrator.submit({ label: analysed?.analysis.name ?? baseName(doc.uri), task: analysed?.analysis.task, request });
}

export async function modelDocument(uri: unknown): Promise<vscode.TextDocument | undefined> {
  try {
    const doc = uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (doc && isModelDocument(doc)) return doc;
  } catch (e) {
    void vscode.window.showErrorMessage(`Cannot open the model file: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  void vscode.window.showErrorMessage('Open a *.cnn.yaml model file to train it.');
  return undefined;
}

/** The run request: the editor's text (unsaved edits included), the settings, the workspace's runs folder. */
function runRequest(doc: vscode.TextDocument, deps: TrainCommandDeps): RunRequest {
  const config = deps.config();
  const modelPath = doc.uri.scheme === 'file' ? doc.uri.fsPath : undefined;
  // Outside a workspace the runs folder sits next to the model file.
  const base = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath ?? (modelPath ? dirname(modelPath) : undefined);
  return {
    modelText: doc.getText(),
    modelPath,
    outDir: resolveRunsDirectory(config.runsDirectory, base),
    backend: config.backend,
    maxImagePixels: config.maxImagePixels,
    workers: config.workers ?? DEFAULT_WORKERS,
    searchPaths: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
    cacheDir: deps.cacheDir,
    extraModulePaths: deps.extraModulePaths,
  };
}

function baseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1).replace(/\.cnn\.ya?ml$/, '');
}
