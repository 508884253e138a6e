/**
 * Autoencoders as a person trains them: "CNN Lab: Train Model" from the palette on a tiny denoising conv autoencoder
 * (shapes-autoencoder, seconds), its training panel showing the strip of fixed validation images (input | noisy
 * input | output, painted canvases) and the validation MSE instead of accuracy, and the same strip when the finished run is reopened
 * from the runs view. Each test can run on its own (CNNLAB_E2E_GREP).
 */
import assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import { commandLabel, viewNameMatching, type Manifest } from './harness/manifest';
import { poll } from './harness/poll';
import { findRuns, waitForRun, type FoundRun } from './harness/runFolders';
import { e2eSuite } from './harness/session';
import { frameText, waitForWebview, webviewFrames } from './harness/webview';
import type { Workbench } from './harness/workbench';

const e2eTest = e2eSuite('autoencoder');
const TRAIN_TIMEOUT_MS = Number(process.env.CNNLAB_E2E_TRAIN_TIMEOUT_MS ?? 300_000);
const MODEL = 'shapes-autoencoder';
const EPOCHS = 3;
const IMAGES = 8;
const COLUMNS = ['input', 'noisy input', 'output'];

/** A finished shapes-autoencoder run, trained from the palette now unless an earlier test left one. */
async function trainedRun(wb: Workbench, manifest: Manifest, workspaceDir: string): Promise<FoundRun> {
  const done = findRuns(workspaceDir, MODEL, 0).find((r) => r.summary.status === 'done');
  if (done) return done;
  await wb.openFile(`${MODEL}.cnn.yaml`);
  const started = Date.now();
  await wb.runCommand(commandLabel(manifest, 'cnnlab.trainModel'));
  const run = await waitForRun(workspaceDir, MODEL, started, `the ${MODEL} run to finish`, (s) => s.status !== 'running', TRAIN_TIMEOUT_MS);
  assert.equal(run.summary.status, 'done', `run ${run.dir} ended ${run.summary.status}: ${run.summary.error ?? run.summary.stopReason}`);
  return run;
}

/**
 * The training panel showing the last epoch's strip. A panel's first page can take 30 s or more to load on a busy
 * machine; the strip then comes from the run folder rather than live, which is the same page.
 */
function stripPanel(page: Page): Promise<Frame> {
  const pattern = new RegExp(`${MODEL}[\\s\\S]*${IMAGES} fixed validation images after epoch ${EPOCHS}`, 'i');
  return waitForWebview(page, `the training panel of ${MODEL} with the strip of epoch ${EPOCHS}`, pattern, 120_000);
}

interface StripCanvas {
  column: string;
  width: number;
  height: number;
  /** Size on screen. */
  shown: number;
  /** Distinct gray levels painted: 1 for a blank canvas. */
  levels: number;
  /** A hash of the pixels, to compare an output with its input. */
  hash: number;
}

/** The strip's canvases with what they hold; [] while the frame does not answer. */
async function stripCanvases(frame: Frame): Promise<StripCanvas[]> {
  const read = frame.evaluate(`[...document.querySelectorAll('.sample-strip canvas')].map((c) => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const levels = new Set();
    let hash = 0;
    for (let i = 0; i < data.length; i += 4) {
      levels.add(data[i]);
      hash = (hash * 31 + data[i]) | 0;
    }
    const r = c.getBoundingClientRect();
    return { column: c.dataset.column, width: c.width, height: c.height, shown: Math.min(r.width, r.height), levels: levels.size, hash };
  })`);
  return read.then((v) => v as StripCanvas[], () => []);
}

/** Waits for the 24 canvases of the strip, each painted, and checks that every output differs from its input. */
async function checkStrip(frame: Frame): Promise<void> {
  let seen: StripCanvas[] = [];
  await poll('the strip of 8 × (input | noisy input | output) painted canvases', async () => {
    seen = await stripCanvases(frame);
    return seen.length === IMAGES * COLUMNS.length && seen.every((c) => c.shown > 0 && c.levels > 1) ? true : undefined;
  }, { timeoutMs: 60_000, saw: async () => JSON.stringify(seen.slice(0, 3)) + ` (${seen.length} canvases)` });
  // The grid holds one row per column name, one image per validation image.
  assert.deepEqual(seen.map((c) => c.column), COLUMNS.flatMap((name) => Array<string>(IMAGES).fill(name)));
  assert.ok(seen.every((c) => c.width === 24 && c.height === 24), JSON.stringify(seen.map((c) => `${c.width}x${c.height}`)));
  const [inputs, noisy, outputs] = COLUMNS.map((_, k) => seen.slice(k * IMAGES, (k + 1) * IMAGES));
  inputs.forEach((input, i) => {
    assert.notEqual(noisy[i].hash, input.hash, `image ${i}: the noisy input is the input`);
    assert.notEqual(outputs[i].hash, input.hash, `image ${i}: the output is the input`);
  });
}

e2eTest(
  'training panel: Train Model on a conv autoencoder shows the strip of validation reconstructions and the MSE, no accuracy',
  async ({ wb, page, manifest, workspaceDir, capture }) => {
    const run = await trainedRun(wb, manifest, workspaceDir);
    assert.equal(run.summary.task, 'reconstruction');
    assert.ok(Number.isFinite(run.summary.test?.reconstruction?.mse), `run ${run.dir} has no test MSE`);
    const panel = await stripPanel(page);
    await checkStrip(panel);
    const text = await frameText(panel);
    assert.match(text, /Test MSE 0\.\d{4}/);
    assert.match(text, /Validation MSE per epoch[\s\S]*Val MSE/);
    assert.doesNotMatch(text, /Accuracy per epoch|Val acc|Confusion matrix/i);
    await panel.evaluate("document.querySelector('.samples')?.scrollIntoView({ block: 'center' })");
    await capture('autoencoder-training-panel');
  },
  TRAIN_TIMEOUT_MS + 180_000,
);

e2eTest(
  'training panel: the finished autoencoder run reopened from the runs view shows its last strip',
  async ({ wb, page, manifest, workspaceDir, capture }) => {
    const run = await trainedRun(wb, manifest, workspaceDir);
    await wb.executeCommand('workbench.action.closeAllEditors');
    await poll('the training panels to close', async () => {
      for (const frame of await webviewFrames(page)) if (/fixed validation images/.test(await frameText(frame))) return undefined;
      return true;
    });
    await wb.openView(viewNameMatching(manifest, /runs/i, 'the runs view'));
    const row = await wb.runRow(run.dir, MODEL);
    await row.click();
    const panel = await stripPanel(page);
    await checkStrip(panel);
    await panel.evaluate("document.querySelector('.samples')?.scrollIntoView({ block: 'center' })");
    await capture('autoencoder-reopened-run');
  },
  TRAIN_TIMEOUT_MS + 180_000,
);
