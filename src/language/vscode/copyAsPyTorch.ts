/**
 * "Copy as PyTorch" on a model file: the same model.py the PyTorch export writes, with its input comment (see
 * pytorchFromModelFile), put on the clipboard, ready to paste into a notebook or a .py file.
 */
import { posix } from 'node:path';
import * as vscode from 'vscode';
import { pytorchFromModelFile } from '../../python/fromModelFile';
import type { ModelDocuments } from './modelDocuments';

export async function copyAsPyTorch(documents: ModelDocuments, uri?: unknown): Promise<void> {
  const doc = uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  const analysed = doc && documents.get(doc);
  if (!doc || !analysed) {
    void vscode.window.showWarningMessage('Copy as PyTorch: open a *.cnn.yaml model file first.');
    return;
  }
  const { analysis } = analysed;
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error').length;
  if (errors || !analysis.layers.length) {
    void vscode.window.showWarningMessage(`Copy as PyTorch: ${posix.basename(doc.uri.path)} has ${errors ? `${errors} error(s)` : 'no layers'}; fix ${errors ? 'them' : 'that'} first.`);
    return;
  }
  await vscode.env.clipboard.writeText(pytorchFromModelFile(analysis, posix.basename(doc.uri.path)));
  void vscode.window.showInformationMessage(`Copied ${analysis.name} as a PyTorch nn.Module (class Model) to the clipboard.`);
}
