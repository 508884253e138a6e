/**
 * Entry point: builds the services and registers them; no logic here. Activation stays cheap: nothing
 * heavy is imported (TensorFlow.js lives in the trainer worker, never on the extension host's thread).
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_SECTION, readConfig } from './config';
import { COMMANDS } from './language/commands';
import { copyAsPyTorch } from './language/vscode/copyAsPyTorch';
import { ModelDocuments } from './language/vscode/modelDocuments';
import { newModelFile } from './language/vscode/newModelFile';
import { registerLanguageFeatures } from './language/vscode/registerLanguageFeatures';
import { registerPythonFeatures } from './language/vscode/registerPythonFeatures';
import { SUMMARY_VIEW_TYPE, SummaryPanel, type SummaryPanelDeps } from './webviews/summary/summaryPanel';
import { SummaryPanelSerializer } from './webviews/summary/summarySerializer';
import { registerTraining, type ExtensionStorage } from './training/registerTraining';
import { registerInspector } from './webviews/inspector/inspectorCommands';
import { DEFAULT_WORKERS } from './trainer/parallel/cores';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('CNN Lab', { log: true });
  const config = () => readConfig(vscode.workspace.getConfiguration(CONFIG_SECTION));
  const documents = new ModelDocuments(log);
  const services: SummaryPanelDeps = { extensionUri: context.extensionUri, documents, config, log };
  context.subscriptions.push(
    log,
    documents,
    ...registerLanguageFeatures({ documents, config, log, canTrain: true }),
    ...registerPythonFeatures(context.extensionUri, config, log),
    vscode.window.registerWebviewPanelSerializer(SUMMARY_VIEW_TYPE, new SummaryPanelSerializer(services)),
    vscode.commands.registerCommand(COMMANDS.showSummary, (uri?: unknown) =>
      SummaryPanel.createOrShow(services, uri instanceof vscode.Uri ? uri : undefined),
    ),
    vscode.commands.registerCommand(COMMANDS.newModelFile, newModelFile),
    vscode.commands.registerCommand(COMMANDS.copyAsPyTorch, (uri?: unknown) => copyAsPyTorch(documents, uri)),
  );
  const storage: ExtensionStorage = {
    cacheDir: join(context.globalStorageUri.fsPath, 'datasets'),
    nativeBackendDir: join(context.globalStorageUri.fsPath, 'backends'),
  };
  const training = registerTraining(context, { documents, config, log, storage });
  context.subscriptions.push(
    ...registerInspector({
      extensionUri: context.extensionUri,
      log,
      port: () => training.client().inspectPort(),
      backend: () => config().backend,
      maxImagePixels: () => config().maxImagePixels,
      workers: () => config().workers ?? DEFAULT_WORKERS,
      extraModulePaths: [storage.nativeBackendDir],
      cacheDir: storage.cacheDir,
      runs: () => training.runs().map((run) => ({ dir: run.dir, label: `${run.model} · ${run.label}`, description: run.description })),
    }),
  );
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
