/** Registers the editor features for PyTorch code (Python files and notebook cells); returns what to dispose. */
import * as vscode from 'vscode';
import type { CnnLabConfig } from '../../config';
import { registerPythonCommands } from './pythonCommands';
import { PythonDiagnostics } from './pythonDiagnostics';
import { PYTHON_SELECTOR, PythonDocuments } from './pythonDocuments';
import { PythonCodeActionProvider, PythonCodeLensProvider, PythonHoverProvider, PythonInlayHintsProvider } from './pythonProviders';

export function registerPythonFeatures(extensionUri: vscode.Uri, config: () => CnnLabConfig, log: vscode.LogOutputChannel): vscode.Disposable[] {
  const documents = new PythonDocuments(extensionUri, log);
  return [
    documents,
    new PythonDiagnostics(documents, config, log),
    vscode.languages.registerHoverProvider(PYTHON_SELECTOR, new PythonHoverProvider(documents, log)),
    vscode.languages.registerInlayHintsProvider(PYTHON_SELECTOR, new PythonInlayHintsProvider(documents, config, log)),
    vscode.languages.registerCodeActionsProvider(PYTHON_SELECTOR, new PythonCodeActionProvider(documents, log), PythonCodeActionProvider.metadata),
    vscode.languages.registerCodeLensProvider(PYTHON_SELECTOR, new PythonCodeLensProvider(documents, log)),
    ...registerPythonCommands(documents, log),
  ];
}
