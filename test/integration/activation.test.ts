/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activatedExtension, openFixture } from './helpers';

suite('activation', () => {
  test('activation: the extension activates and registers its commands', async () => {
    const extension = await activatedExtension();
    assert.ok(extension.isActive);
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['cnnlab.showSummary', 'cnnlab.trainModel', 'cnnlab.newModelFile']) {
      assert.ok(commands.includes(id), `command ${id} is not registered`);
    }
  });

  test('activation: *.cnn.yaml files get the cnn-yaml language', async () => {
    const doc = await openFixture('tiny.cnn.yaml');
    assert.equal(doc.languageId, 'cnn-yaml');
  });
});
