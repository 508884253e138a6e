/// <reference types="mocha" />
/** Panels and training, driven by the extension's commands as the command palette would run them. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { findRuns, waitForRun } from '../e2e/harness/runFolders';
import { closeAllEditors, contributedCommand, openFixture, poll, workspaceRoot } from './helpers';

const TRAIN_TIMEOUT_MS = 240_000;

/** View types of the webview tabs open in any editor group. */
function webviewTabs(): string[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .map((t) => t.input)
    .filter((i): i is vscode.TabInputWebview => i instanceof vscode.TabInputWebview)
    .map((i) => i.viewType);
}

suite('panels and training', function () {
  this.timeout(TRAIN_TIMEOUT_MS + 60_000);
  teardown(closeAllEditors);

  test('summary: Show Summary opens the summary panel', async () => {
    await openFixture('tiny.cnn.yaml');
    await vscode.commands.executeCommand('cnnlab.showSummary');
    await poll('a summary webview tab', async () => webviewTabs().some((v) => /summary/i.test(v)) || undefined, {
      timeoutMs: 15_000,
      saw: async () => `[${webviewTabs().join(', ')}]`,
    });
  });

  test('train: Train Model on shapes-tiny writes a finished run folder with summary.json', async () => {
    const doc = await openFixture('shapes-tiny.cnn.yaml');
    const started = Date.now();
    // The command may resolve when training starts or when it ends; the run folder is what counts.
    void vscode.commands.executeCommand('cnnlab.trainModel', doc.uri);
    const run = await waitForRun(workspaceRoot().fsPath, 'shapes-tiny', started, 'a finished shapes-tiny run', (s) => s.status !== 'running', TRAIN_TIMEOUT_MS);
    assert.equal(run.summary.status, 'done', `run ${run.dir}: ${run.summary.status} ${run.summary.error ?? ''}`);
    assert.equal(run.summary.epochsCompleted, run.summary.epochs);
    assert.ok(run.summary.test, 'no test metrics in summary.json');
    assert.ok((run.summary.test.accuracy ?? -1) >= 0 && (run.summary.test.accuracy ?? 2) <= 1, `test accuracy ${run.summary.test.accuracy}`);
  });

  test('train: cancelling a long run leaves it stopped before its last epoch', async () => {
    const doc = await openFixture('shapes-long.cnn.yaml');
    const cancel = await contributedCommand(/cancel|stop/i, 'cancelling training');
    const started = Date.now();
    void vscode.commands.executeCommand('cnnlab.trainModel', doc.uri);
    await waitForRun(workspaceRoot().fsPath, 'shapes-long', started, 'the long run to start', (s) => s.status === 'running', 60_000);
    await vscode.commands.executeCommand(cancel);
    const run = await waitForRun(workspaceRoot().fsPath, 'shapes-long', started, 'the run to stop', (s) => s.status !== 'running', 60_000);
    assert.equal(run.summary.status, 'stopped', `run ${run.dir} ended ${run.summary.status}`);
    assert.ok(run.summary.epochsCompleted < run.summary.epochs);
    assert.equal(findRuns(workspaceRoot().fsPath, 'shapes-long', started).length, 1, 'cancelling started another run');
  });
});
