/**
 * The commands behind the CodeLenses on PyTorch models: "Set input shape…" writes (or rewrites) the
 * `# cnnlab: input [C, H, W]` comment above the definition; "Open as CNN Lab model" writes a `*.cnn.yaml` beside
 * the file (or notebook) and opens it.
 */
import { tmpdir } from 'node:os';
import { posix } from 'node:path';
import * as vscode from 'vscode';
import { inputComment, parseShape } from '../../python/inputShape';
import { modelFileStem, toModelFile } from '../../python/toModelFile';
import { toVsRange } from './convert';
import { PYTHON_COMMANDS } from './pythonProviders';
import { notebookOf, type PythonDocuments } from './pythonDocuments';

export function registerPythonCommands(documents: PythonDocuments, log: vscode.LogOutputChannel): vscode.Disposable[] {
  const find = async (uri: unknown, name: unknown) => {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === String(uri));
    const model = doc && (await documents.get(doc))?.analysis.models.find((m) => m.definition.name === name);
    return doc && model ? { doc, model } : undefined;
  };
  return [
    vscode.commands.registerCommand(PYTHON_COMMANDS.setInputShape, async (uri: unknown, name: unknown) => {
      const found = await find(uri, name);
      if (!found) return;
      const { doc, model } = found;
      const value = await vscode.window.showInputBox({
        title: `Input shape of ${model.definition.name}`,
        prompt: 'One input without the batch dimension: [channels, height, width], or [features]',
        value: `[${(model.input?.shape ?? [1, 28, 28]).join(', ')}]`,
        validateInput: (text) => (parseShape(text) ? undefined : 'Write [channels, height, width] (e.g. [1, 28, 28]) or [features], positive integers'),
      });
      const shape = value === undefined ? undefined : parseShape(value);
      if (!shape) return;
      const edit = new vscode.WorkspaceEdit();
      const comment = inputComment(shape);
      if (model.input?.range) edit.replace(doc.uri, toVsRange(model.input.range), comment);
      else {
        const indent = /^\s*/.exec(doc.lineAt(model.definition.firstLine).text)![0];
        edit.insert(doc.uri, new vscode.Position(model.definition.firstLine, 0), `${indent}${comment}\n`);
      }
      await vscode.workspace.applyEdit(edit);
    }),
    vscode.commands.registerCommand(PYTHON_COMMANDS.openAsModel, async (uri: unknown, name: unknown) => {
      const found = await find(uri, name);
      if (!found) return;
      const owner = notebookOf(found.doc)?.uri ?? found.doc.uri;
      const result = toModelFile(found.model, posix.basename(owner.path));
      if ('error' in result) {
        void vscode.window.showWarningMessage(result.error);
        return;
      }
      const target = await freeUri(owner, found.model.definition.name);
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(result.text));
      log.info(`Open as CNN Lab model: wrote ${target.toString()}`);
      await vscode.window.showTextDocument(target);
    }),
  ];
}

/** `<name>.cnn.yaml` beside the file (untitled: in the first workspace folder), `<name>-2.cnn.yaml` when taken. */
async function freeUri(owner: vscode.Uri, name: string): Promise<vscode.Uri> {
  const folder = owner.scheme === 'untitled' ? vscode.workspace.workspaceFolders?.[0]?.uri : owner.with({ path: posix.dirname(owner.path), query: '', fragment: '' });
  const base = folder ?? vscode.Uri.file(tmpdir());
  const stem = modelFileStem(name);
  for (let i = 1; ; i++) {
    const uri = vscode.Uri.joinPath(base, `${stem}${i === 1 ? '' : `-${i}`}.cnn.yaml`);
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      return uri;
    }
  }
}
