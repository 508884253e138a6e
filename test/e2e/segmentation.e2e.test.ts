/**
 * Segmentation as a person trains it: "CNN Lab: Train Model" from the palette on a copy of
 * examples/unet-shapes.cnn.yaml made small here (2 epochs, 96 training images: well under 2 minutes), and its
 * training panel: the strip of fixed validation images with the true and predicted masks over each input (painted
 * canvases, a legend of the classes, an opacity slider that repaints the overlays), mIoU instead of accuracy per epoch,
 * and the per-class IoU with the pixel confusion matrix.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Frame } from 'playwright-core';
import { commandLabel } from './harness/manifest';
import { poll } from './harness/poll';
import { waitForRun } from './harness/runFolders';
import { e2eSuite } from './harness/session';
import { frameText, waitForWebview } from './harness/webview';

const e2eTest = e2eSuite('segmentation');
const TRAIN_TIMEOUT_MS = Number(process.env.CNNLAB_E2E_TRAIN_TIMEOUT_MS ?? 300_000);
const MODEL = 'unet-shapes-e2e';
const EPOCHS = 2;
const ROWS = ['input', 'truth', 'prediction'];

/** The example with its name, epochs and data shrunk (the layers as committed). */
function smallCopy(example: string): string {
  const text = example
    .replace(/^name: unet-shapes$/m, `name: ${MODEL}`)
    .replace(/^ {2}train_samples: \d+$/m, '  train_samples: 96')
    .replace(/^ {2}test_samples: \d+$/m, '  test_samples: 24')
    .replace(/^ {2}epochs: \d+$/m, `  epochs: ${EPOCHS}`);
  for (const expected of [`name: ${MODEL}`, 'train_samples: 96', 'test_samples: 24', `epochs: ${EPOCHS}`]) {
    if (!text.includes(expected)) throw new Error(`examples/unet-shapes.cnn.yaml changed: cannot set ${expected}`);
  }
  return text;
}

interface StripCanvas {
  column: string;
  /** A hash of the pixels (to see a repaint) and the count of distinct colours (a blank canvas has 1). */
  hash: number;
  colours: number;
  shown: number;
}

async function stripCanvases(frame: Frame): Promise<StripCanvas[]> {
  const read = frame.evaluate(`[...document.querySelectorAll('.samples .sample-strip canvas')].map((c) => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const colours = new Set();
    let hash = 0;
    for (let i = 0; i < data.length; i += 4) {
      colours.add(data[i] * 65536 + data[i + 1] * 256 + data[i + 2]);
      hash = (hash * 31 + data[i] + 7 * data[i + 1] + 13 * data[i + 2]) | 0;
    }
    const r = c.getBoundingClientRect();
    return { column: c.dataset.column, hash, colours: colours.size, shown: Math.min(r.width, r.height) };
  })`);
  return read.then((v) => v as StripCanvas[], () => []);
}

e2eTest(
  'training panel: Train Model on a small U-Net shows the validation strip with true and predicted masks over the images, mIoU and per-class IoU',
  async ({ wb, page, manifest, workspaceDir, file, capture }) => {
    writeFileSync(file(`${MODEL}.cnn.yaml`), smallCopy(readFileSync(file('unet-shapes.cnn.yaml'), 'utf8')));
    await wb.openFile(`${MODEL}.cnn.yaml`);
    const started = Date.now();
    await wb.runCommand(commandLabel(manifest, 'cnnlab.trainModel'));
    const run = await waitForRun(workspaceDir, MODEL, started, `the ${MODEL} run to finish`, (s) => s.status !== 'running', TRAIN_TIMEOUT_MS);
    assert.equal(run.summary.status, 'done', `run ${run.dir} ended ${run.summary.status}: ${run.summary.error ?? run.summary.stopReason}`);
    assert.ok(Number.isFinite(run.summary.test?.segmentation?.meanIou), `run ${run.dir} has no test mIoU`);

    const panel = await waitForWebview(page, `the training panel of ${MODEL} with its strip`, new RegExp(`${MODEL}[\\s\\S]*fixed validation images after epoch ${EPOCHS}`), 120_000);
    let seen: StripCanvas[] = [];
    await poll('the strip: input, truth and prediction rows of painted canvases', async () => {
      seen = await stripCanvases(panel);
      const n = seen.length / ROWS.length;
      return n >= 1 && Number.isInteger(n) && seen.every((c) => c.shown > 0 && c.colours > 1) ? true : undefined;
    }, { timeoutMs: 60_000, saw: async () => `${seen.length} canvases ${JSON.stringify(seen.slice(0, 3))}` });
    const n = seen.length / ROWS.length;
    assert.deepEqual(seen.map((c) => c.column), ROWS.flatMap((name) => Array<string>(n).fill(name)));
    // The truth overlay colours the shapes: it differs from the plain input for every image.
    for (let i = 0; i < n; i++) assert.notEqual(seen[n + i].hash, seen[i].hash, `image ${i}: the truth overlay is the plain input`);

    const text = await frameText(panel);
    assert.match(text, /background \(not drawn\)[\s\S]*circle[\s\S]*square/, 'the legend names the classes');
    assert.match(text, /Mean IoU and pixel accuracy per epoch[\s\S]*Val mIoU/);
    assert.match(text, /Test mIoU 0\.\d{3}[\s\S]*Per-class IoU[\s\S]*Pixel confusion matrix/);

    // Opacity 0 shows the plain input under both masks.
    await panel.evaluate(`(() => { const s = document.querySelector('.mask-opacity'); s.value = '0'; s.dispatchEvent(new Event('input')); })()`);
    await poll('the overlays repainted at opacity 0 (the input alone)', async () => {
      seen = await stripCanvases(panel);
      return seen.length === n * ROWS.length && seen.slice(n).every((c, k) => c.hash === seen[k % n].hash) ? true : undefined;
    }, { timeoutMs: 20_000 });
    await panel.evaluate(`(() => { const s = document.querySelector('.mask-opacity'); s.value = '50'; s.dispatchEvent(new Event('input')); document.querySelector('.samples')?.scrollIntoView({ block: 'center' }); })()`);
    await capture('segmentation-training-panel');
  },
  TRAIN_TIMEOUT_MS + 180_000,
);
