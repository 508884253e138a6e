/** "CNN Lab: New Model File": an untitled model file filled from the "New model file" snippet. */
import * as vscode from 'vscode';
import { NEW_MODEL_SNIPPET } from '../commands';
import { MODEL_LANGUAGE_ID } from './modelDocuments';

export async function newModelFile(): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ language: MODEL_LANGUAGE_ID, content: '' });
  await vscode.window.showTextDocument(doc);
  await vscode.commands.executeCommand('editor.action.insertSnippet', { langId: MODEL_LANGUAGE_ID, name: NEW_MODEL_SNIPPET });
}
