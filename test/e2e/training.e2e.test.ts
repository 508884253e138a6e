/**
 * Training as a person does it: "CNN Lab: Train Model" from the palette on a small shapes model, the training
 * panel's chart receiving points, the run finishing with a test accuracy, the runs view, the inspector's
 * feature maps, and cancelling a long run. Each test can run on its own (CNNLAB_E2E_GREP).
 */
import assert from 'node:assert/strict';
import { commandLabel, commandLabelMatching, viewNameMatching } from './harness/manifest';
import { poll } from './harness/poll';
import { findRuns, waitForRun } from './harness/runFolders';
import { e2eSuite } from './harness/session';
import { ensureTrainedRun, TRAIN_TIMEOUT_MS } from './harness/trainedRun';
import type { Frame, Page } from 'playwright-core';
import { canvasFingerprints, visibleImages, waitForFrameText, waitForWebview } from './harness/webview';

const e2eTest = e2eSuite('training');

/**
 * The training panel of `model`'s finished run, once its page has loaded and shows the test accuracy. A panel's
 * first page takes from a few to 30 seconds to load on a busy machine: longer than shapes-tiny trains.
 */
function finishedRunPanel(page: Page, model: string): Promise<Frame> {
  return waitForWebview(page, `the training panel of ${model} with its test accuracy`, new RegExp(`${model}[\\s\\S]*test accuracy`, 'i'), 120_000);
}

e2eTest(
  'train: Train Model on shapes-tiny from the palette finishes a run with a test accuracy',
  async ({ wb, page, manifest, workspaceDir, capture }) => {
    await wb.openFile('shapes-tiny.cnn.yaml');
    const started = Date.now();
    await wb.runCommand(commandLabel(manifest, 'cnnlab.trainModel'));
    const run = await waitForRun(workspaceDir, 'shapes-tiny', started, 'the run to finish', (s) => s.status !== 'running', TRAIN_TIMEOUT_MS);
    assert.equal(run.summary.status, 'done', `run ${run.dir} ended ${run.summary.status}: ${run.summary.error ?? run.summary.stopReason}`);
    assert.equal(run.summary.epochsCompleted, run.summary.epochs);
    assert.ok(run.summary.test, `run ${run.dir} finished without test metrics`);
    await finishedRunPanel(page, 'shapes-tiny');
    await capture('train-shapes-tiny');
  },
  TRAIN_TIMEOUT_MS + 60_000,
);

e2eTest(
  'training panel: its chart receives points live and it shows the test accuracy at the end',
  async ({ wb, page, manifest, workspaceDir, capture }) => {
    // shapes-panel trains for about 30 s, about a second per epoch. A new run takes over the panel of a finished
    // one (shapes-tiny's) and its page, already loaded: the chart then gets the epochs as they come, whereas a
    // panel's first page can take longer to load than the whole run on a busy machine.
    await ensureTrainedRun(wb, manifest, workspaceDir);
    await finishedRunPanel(page, 'shapes-tiny');
    await wb.openFile('shapes-panel.cnn.yaml');
    const started = Date.now();
    await wb.runCommand(commandLabel(manifest, 'cnnlab.trainModel'));
    // Earlier tests' panels may still be open: find the one of this run, again at every look, because VS Code may
    // replace the panel's page (a frame kept from before then never answers).
    const panel = (pattern = /shapes-panel[\s\S]*(epoch|loss)/i) => waitForWebview(page, 'the training panel of shapes-panel', pattern);
    const first = await poll('a chart (canvas) in the training panel', async () => {
      const prints = await canvasFingerprints(await panel());
      return prints.length ? prints.join() : undefined;
    });
    const runs = () => findRuns(workspaceDir, 'shapes-panel', started);
    const firstSeenAt = runs().map((r) => `${r.summary.epochsCompleted}/${r.summary.epochs}`).join() || 'before the run folder';
    const repainted = await poll('the chart to repaint while training (or the run to end)', async () => {
      if ((await canvasFingerprints(await panel())).join() !== first) return 'repainted';
      return runs().some((r) => r.summary.status !== 'running') ? 'finished first' : undefined;
    }, { timeoutMs: TRAIN_TIMEOUT_MS });
    assert.equal(repainted, 'repainted', `the training chart (first seen at epoch ${firstSeenAt}) never changed while the run went on`);
    await waitForRun(workspaceDir, 'shapes-panel', started, 'the run to finish', (s) => s.status !== 'running', TRAIN_TIMEOUT_MS);
    const done = await finishedRunPanel(page, 'shapes-panel');
    await capture('training-panel');
    // The run stored its test predictions: a confusion-matrix cell opens thumbnails of its test images.
    await waitForFrameText(done, 'the confusion matrix offering thumbnails', /Click a cell to see its test images/);
    await done.locator('.confusion .cell.diagonal').first().click();
    await waitForFrameText(done, 'the test images of the clicked cell', /True \S+ · predicted \S+: \d+ test images?/);
    await poll('thumbnails of the cell', async () => ((await visibleImages(done, '.thumb-grid canvas')) > 0 ? true : undefined));
    await done.evaluate("document.querySelector('.thumbnails')?.scrollIntoView({ block: 'start' })");
    await capture('training-confusion-thumbnails');
  },
  TRAIN_TIMEOUT_MS + 60_000,
);

e2eTest('runs view: the finished shapes-tiny run is listed', async ({ wb, manifest, workspaceDir, capture }) => {
  await ensureTrainedRun(wb, manifest, workspaceDir);
  await wb.openView(viewNameMatching(manifest, /runs/i, 'the runs view'));
  let rows: string[] = [];
  await poll('a row for shapes-tiny in the runs view', async () => {
    rows = await wb.treeRows();
    return rows.some((r) => /shapes-tiny/.test(r)) ? true : undefined;
  }, { saw: async () => `[${rows.slice(0, 10).join(' | ')}]` });
  await capture('runs-view');
});

e2eTest('inspector: the inspector shows feature maps of the trained model', async ({ wb, page, manifest, workspaceDir, capture }) => {
  const inspect = commandLabelMatching(manifest, /inspect/i, 'the inspector');
  await ensureTrainedRun(wb, manifest, workspaceDir);
  await wb.openFile('shapes-tiny.cnn.yaml');
  await wb.runCommand(inspect);
  // Without a run argument the command asks which run: pick shapes-tiny's, as a person would.
  await wb.pickRow('shapes-tiny · ', 'the shapes-tiny run in the "Inspect run" quick pick');
  const inspector = await waitForWebview(page, 'the inspector', /feature|activation|Conv2d/i);
  // The Feature maps tab: the first layer's maps as one decoded grid image, with the layer's output shape.
  await poll('the feature-map grid in the inspector', async () => ((await visibleImages(inspector, 'img.grid-image')) > 0 ? true : undefined), { timeoutMs: 60_000 });
  await waitForFrameText(inspector, "the feature maps' shape and value range", /output \[8, 24, 24\], values/);
  await inspector.locator('img.grid-image').first().scrollIntoViewIfNeeded();
  await capture('inspector');
});

e2eTest('inspector: "Show feature maps" in a layer hover shows that layer in the open inspector', async ({ wb, page, editor, manifest, workspaceDir, capture }) => {
  await ensureTrainedRun(wb, manifest, workspaceDir);
  await wb.openFile('shapes-tiny.cnn.yaml');
  await wb.runCommand(commandLabelMatching(manifest, /inspect/i, 'the inspector'));
  await wb.pickRow('shapes-tiny · ', 'the shapes-tiny run in the "Inspect run" quick pick');
  await waitForWebview(page, 'the inspector', /output \[8, 24, 24\], values/);
  // Quick Open may open the file over the inspector (in the active group): the link must bring it back.
  await wb.openFile('shapes-tiny.cnn.yaml');
  // Line 8 is the second Conv2d (layer 4, output 16×12×12).
  await editor.hoverText({ line: 8, column: 6 }, /Show feature maps/);
  await page.locator('.monaco-hover:not(.workbench-hover) a', { hasText: 'Show feature maps' }).first().click();
  const inspector = await waitForWebview(page, "layer 4's feature maps in the inspector", /output \[16, 12, 12\], values/);
  await inspector.locator('img.grid-image').first().scrollIntoViewIfNeeded();
  await capture('inspector-layer-from-hover');
});

e2eTest(
  'train: cancelling a long run stops it (status stopped)',
  async ({ wb, manifest, workspaceDir, capture }) => {
    await wb.openFile('shapes-long.cnn.yaml');
    const started = Date.now();
    await wb.runCommand(commandLabel(manifest, 'cnnlab.trainModel'));
    await waitForRun(workspaceDir, 'shapes-long', started, 'the long run to start', (s) => s.status === 'running', TRAIN_TIMEOUT_MS);
    const stop = manifest.contributes?.commands?.find((c) => /cancel|stop/i.test(c.command));
    if (stop) await wb.runCommand(commandLabelMatching(manifest, /cancel|stop/i, 'cancelling training'));
    else await wb.clickNotificationButton('Cancel');
    const run = await waitForRun(workspaceDir, 'shapes-long', started, 'the run to stop', (s) => s.status !== 'running', 60_000);
    assert.equal(run.summary.status, 'stopped', `cancelled run ${run.dir} ended ${run.summary.status}`);
    assert.ok(run.summary.epochsCompleted < run.summary.epochs, 'the run completed every epoch before the cancel took effect');
    await capture('train-cancelled');
  },
  TRAIN_TIMEOUT_MS + 60_000,
);

e2eTest(
  'training panel: Stop during validation ends the run within a batch of the validation pass',
  async ({ wb, page, manifest, workspaceDir, capture }) => {
    // shapes-validate validates 3,600 images through wide convolutions after 13 training batches: its validation
    // passes take most of each epoch (seconds each), and its 20 epochs leave time for the panel to load.
    await wb.openFile('shapes-validate.cnn.yaml');
    const started = Date.now();
    await wb.runCommand(commandLabel(manifest, 'cnnlab.trainModel'));
    const panel = await waitForWebview(page, 'the training panel validating', /shapes-validate[\s\S]*validation of epoch \d+ on 3600 samples/, TRAIN_TIMEOUT_MS);
    // Click first: a screenshot before the click took longer than a validation pass under load (the stop then landed in
    // the next epoch's training).
    const clicked = Date.now();
    await panel.locator('[title^="Stop after the current batch"]').click();
    await capture('training-panel-validating');
    const run = await waitForRun(workspaceDir, 'shapes-validate', started, 'the run to stop', (s) => s.status !== 'running', 60_000);
    assert.equal(run.summary.status, 'stopped', `run ${run.dir} ended ${run.summary.status}: ${run.summary.stopReason}`);
    // The click landed in a validation pass (the panel said so): the run ends in that pass, not after it.
    const epoch = Number(/stopped at epoch (\d+) during validation/.exec(run.summary.stopReason ?? '')?.[1]);
    assert.ok(epoch >= 1, `stop reason: ${run.summary.stopReason}`);
    assert.equal(run.summary.epochsCompleted, epoch - 1);
    await waitForFrameText(panel, 'the stopped status in the training panel', /stopped \(stopped at epoch \d+ during validation\)/);
    // For the record: from the click to the final summary (one validation batch, last/ and the summary).
    console.log(`# Stop during validation: summary written ${Date.now() - clicked} ms after the click (polled every 500 ms)`);
  },
  TRAIN_TIMEOUT_MS + 60_000,
);
