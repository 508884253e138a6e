/**
 * Helpers for the integration suite, which runs inside VS Code's extension host (mocha via @vscode/test-cli):
 * open fixture models from the test workspace (a copy of test/fixtures/integration), ask VS Code's own
 * provider commands for hovers, code actions and inlay hints, and poll for diagnostics.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { poll } from '../e2e/harness/poll';

export { poll };

/** The extension under test, activated. */
export async function activatedExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension('cnn-lab.cnn-lab');
  assert.ok(extension, 'the extension cnn-lab.cnn-lab is not loaded in the extension host');
  await extension.activate();
  return extension;
}

/** The test workspace folder (the runner opens a fresh copy of the fixtures). */
export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration tests need a workspace folder (see .vscode-test.mjs)');
  return folder.uri;
}

/** Opens a fixture model in an editor and checks VS Code gave it the cnn-yaml language. */
export async function openFixture(name: string): Promise<vscode.TextDocument> {
  await activatedExtension();
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceRoot(), name));
  await vscode.window.showTextDocument(doc);
  assert.equal(doc.languageId, 'cnn-yaml', `${name} opened as "${doc.languageId}", not cnn-yaml`);
  return doc;
}

/** Position of the first match of `pattern` in the document, plus `offset` characters. */
export function positionOf(doc: vscode.TextDocument, pattern: RegExp, offset = 0): vscode.Position {
  const match = pattern.exec(doc.getText());
  assert.ok(match, `${pattern} does not occur in ${doc.uri.path}`);
  return doc.positionAt(match.index + offset);
}

/** All hover text VS Code's providers return at `position`, as one markdown string. */
export async function hoverText(doc: vscode.TextDocument, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, position);
  return (hovers ?? [])
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

/** Waits until the document's diagnostics satisfy `ok` (they are computed after a debounce). */
export function waitForDiagnostics(
  doc: vscode.TextDocument,
  what: string,
  ok: (d: readonly vscode.Diagnostic[]) => boolean,
  timeoutMs = 10_000,
): Promise<readonly vscode.Diagnostic[]> {
  let seen: readonly vscode.Diagnostic[] = [];
  return poll(
    what,
    async () => {
      seen = vscode.languages.getDiagnostics(doc.uri);
      return ok(seen) ? seen : undefined;
    },
    { timeoutMs, saw: async () => JSON.stringify(seen.map((d) => `${d.range.start.line}:${d.range.start.character} ${d.message}`)) },
  );
}

/** Labels of the inlay hints in the whole document. */
export async function inlayHintLabels(doc: vscode.TextDocument): Promise<string[]> {
  const range = new vscode.Range(0, 0, doc.lineCount, 0);
  const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', doc.uri, range);
  return (hints ?? []).map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')));
}

/** Quick fixes VS Code's providers offer for `range`. */
export async function quickFixes(doc: vscode.TextDocument, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
    'vscode.executeCodeActionProvider',
    doc.uri,
    range,
    vscode.CodeActionKind.QuickFix.value,
  );
  return (actions ?? []).filter((a): a is vscode.CodeAction => 'title' in a && !('command' in a && typeof a.command === 'string'));
}

/** Id of a command the extension contributes whose id matches `pattern`; fails clearly when there is none. */
export async function contributedCommand(pattern: RegExp, what: string): Promise<string> {
  const extension = await activatedExtension();
  const commands = ((extension.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? []).map(
    (c) => c.command,
  );
  const found = commands.find((c) => pattern.test(c));
  assert.ok(found, `feature missing: no contributed command for ${what} (ids: ${commands.join(', ')})`);
  return found;
}

/** Closes every editor, discarding unsaved edits, so each test starts from the files on disk. */
export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
