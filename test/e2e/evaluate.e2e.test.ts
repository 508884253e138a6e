/**
 * The runs view's "Evaluate on Test Set" as a person uses it: a shapes-tiny run that stopped before its test pass
 * (its summary.json has no test figures), right-click on its row, the action from the context menu, a progress
 * notification, then the test figures in the run's summary.json, equal to those of the training's own test pass.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandLabel, viewNameMatching } from './harness/manifest';
import { poll } from './harness/poll';
import { waitForRun } from './harness/runFolders';
import { e2eSuite } from './harness/session';

const e2eTest = e2eSuite('evaluate');
const TRAIN_TIMEOUT_MS = Number(process.env.CNNLAB_E2E_TRAIN_TIMEOUT_MS ?? 300_000);

e2eTest(
  'runs view: Evaluate on Test Set writes the test figures of a stopped run into it',
  async ({ wb, manifest, workspaceDir, capture }) => {
    const title = manifest.contributes?.commands?.find((c) => c.command === 'cnnlab.runs.evaluate')?.title;
    assert.ok(title, 'feature missing: the cnnlab.runs.evaluate command');
    await wb.openFile('shapes-tiny.cnn.yaml');
    const started = Date.now();
    await wb.runCommand(commandLabel(manifest, 'cnnlab.trainModel'));
    const run = await waitForRun(workspaceDir, 'shapes-tiny', started, 'a finished shapes-tiny run', (s) => s.status === 'done', TRAIN_TIMEOUT_MS);
    const trained = run.summary.test;
    assert.ok(trained, `run ${run.dir} finished without test metrics`);
    // As a run stopped before its test pass leaves it.
    writeFileSync(join(run.dir, 'summary.json'), JSON.stringify({ ...run.summary, status: 'stopped', test: null }));

    await wb.openView(viewNameMatching(manifest, /runs/i, 'the runs view'));
    const row = await wb.runRow(run.dir, 'shapes-tiny');
    await wb.chooseFromContextMenu(row, title);

    const evaluated = await waitForRun(workspaceDir, 'shapes-tiny', started, 'the test figures in summary.json', (s) => s.test !== null && s.testCheckpoint !== undefined, 120_000);
    assert.equal(evaluated.summary.test?.accuracy, trained.accuracy);
    assert.equal(evaluated.summary.status, 'stopped');
    await poll('the test accuracy in a notification', async () => ((await wb.notifications()).some((n) => /test accuracy/.test(n)) ? true : undefined));
    await capture('runs-evaluate');
  },
  TRAIN_TIMEOUT_MS + 180_000,
);
