/**
 * Object detection as a person trains it: "CNN Lab: Train Model" from the palette on a copy of
 * examples/detector-shapes.cnn.yaml made small here (a few epochs on a few hundred scenes), and its training panel:
 * the strip of fixed validation images with their true boxes (dashed) and the detections from the score slider's
 * threshold, the mAP per epoch, and the results: test mAP, the per-class AP table and the precision/recall curves;
 * a click on a class shows its worst test images with their boxes.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { commandLabel } from './harness/manifest';
import { poll } from './harness/poll';
import { waitForRun } from './harness/runFolders';
import { e2eSuite } from './harness/session';
import { frameText, waitForWebview } from './harness/webview';

const e2eTest = e2eSuite('detection');
const TRAIN_TIMEOUT_MS = Number(process.env.CNNLAB_E2E_TRAIN_TIMEOUT_MS ?? 300_000);
const MODEL = 'detector-shapes-e2e';
const EPOCHS = 3;

/** The example with its name, epochs and data shrunk (the layers as committed). */
function smallCopy(example: string): string {
  const text = example
    .replace(/^name: detector-shapes$/m, `name: ${MODEL}`)
    .replace(/^ {2}train_samples: \d+$/m, '  train_samples: 256')
    .replace(/^ {2}test_samples: \d+$/m, '  test_samples: 48')
    .replace(/^ {2}epochs: \d+$/m, `  epochs: ${EPOCHS}`);
  for (const expected of [`name: ${MODEL}`, 'train_samples: 256', 'test_samples: 48', `epochs: ${EPOCHS}`]) {
    if (!text.includes(expected)) throw new Error(`examples/detector-shapes.cnn.yaml changed: cannot set ${expected}`);
  }
  return text;
}

interface BoxCanvas {
  /** data-truth / data-shown: true boxes and detections drawn at the slider's score. */
  truth: number;
  shown: number;
  /** Pixels in the boxes' colours (Tableau 10): the strokes are on the canvas. */
  stroked: number;
  width: number;
}

/** The box canvases under `selector` (the validation strip or the worst images). */
async function boxCanvases(frame: Frame, selector: string): Promise<BoxCanvas[]> {
  const read = frame.evaluate(`[...document.querySelectorAll(${JSON.stringify(`${selector} .box-strip canvas`)})].map((c) => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let stroked = 0;
    // Box colours are saturated; shapes scenes are grey: a pixel whose channels differ a lot is a stroke.
    for (let i = 0; i < data.length; i += 4) if (Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]) > 60) stroked += 1;
    return { truth: Number(c.dataset.truth), shown: Number(c.dataset.shown), stroked, width: c.getBoundingClientRect().width };
  })`);
  return read.then((v) => v as BoxCanvas[], () => []);
}

async function setScore(frame: Frame, value: number): Promise<void> {
  await frame.evaluate(`(() => { const s = document.querySelector('.samples .box-score'); s.value = '${value}'; s.dispatchEvent(new Event('input')); })()`);
}

e2eTest(
  'training panel: Train Model on a small detector shows the validation images with true and predicted boxes, mAP per epoch, per-class AP and PR curves',
  async ({ wb, page, manifest, workspaceDir, file, capture }) => {
    writeFileSync(file(`${MODEL}.cnn.yaml`), smallCopy(readFileSync(file('detector-shapes.cnn.yaml'), 'utf8')));
    await wb.openFile(`${MODEL}.cnn.yaml`);
    const started = Date.now();
    await wb.runCommand(commandLabel(manifest, 'cnnlab.trainModel'));
    const run = await waitForRun(workspaceDir, MODEL, started, `the ${MODEL} run to finish`, (s) => s.status !== 'running', TRAIN_TIMEOUT_MS);
    assert.equal(run.summary.status, 'done', `run ${run.dir} ended ${run.summary.status}: ${run.summary.error ?? run.summary.stopReason}`);
    const detection = run.summary.test?.detection;
    assert.ok(detection && Number.isFinite(detection.map50), `run ${run.dir} has no test mAP@0.5`);

    const panel = await waitForWebview(page, `the training panel of ${MODEL} with its strip`, new RegExp(`${MODEL}[\\s\\S]*fixed validation images after epoch ${EPOCHS}`), 120_000);
    let seen: BoxCanvas[] = [];
    await poll('the strip: painted canvases with their true boxes', async () => {
      seen = await boxCanvases(panel, '.samples');
      return seen.length >= 1 && seen.every((c) => c.width > 0 && c.truth > 0 && c.stroked > 0) ? true : undefined;
    }, { timeoutMs: 60_000, saw: async () => `${seen.length} canvases ${JSON.stringify(seen.slice(0, 3))}` });

    // Down to score 0 the slider shows every detection the decoding kept: a trained head has some.
    await setScore(panel, 0);
    await poll('detections drawn at score ≥ 0', async () => {
      seen = await boxCanvases(panel, '.samples');
      return seen.some((c) => c.shown > 0) ? true : undefined;
    }, { timeoutMs: 20_000, saw: async () => JSON.stringify(seen.map((c) => c.shown)) });
    // Up to 1, none is left (scores are below 1).
    await setScore(panel, 1);
    await poll('no detection at score ≥ 1', async () => {
      seen = await boxCanvases(panel, '.samples');
      return seen.length > 0 && seen.every((c) => c.shown === 0) ? true : undefined;
    }, { timeoutMs: 20_000, saw: async () => JSON.stringify(seen.map((c) => c.shown)) });
    await setScore(panel, 0.3);

    const text = await frameText(panel);
    assert.match(text, /circle[\s\S]*square[\s\S]*triangle/, 'the legend names the classes');
    assert.match(text, /Validation mAP per epoch[\s\S]*Val mAP@0\.5/);
    assert.match(text, /Loss parts per epoch \(classes, boxes, centerness\)/, 'the loss parts have their chart');
    const partsChart = await panel.evaluate(`(() => { const f = [...document.querySelectorAll('figure.chart')].find((x) => /Loss parts/.test(x.textContent)); const c = f && f.querySelector('canvas'); return c ? c.getBoundingClientRect().height : 0; })()`);
    assert.ok(Number(partsChart) > 0, 'the loss parts chart is drawn');
    assert.match(text, /Test mAP@0\.5 \d\.\d{3} · mAP@\[\.5:\.95\] \d\.\d{3}[\s\S]*Per-class AP[\s\S]*AP@0\.5[\s\S]*Precision\/recall curves/);
    const prChart = await panel.evaluate(`(() => { const c = document.querySelector('.pr-chart canvas'); return c ? c.getBoundingClientRect().height : 0; })()`);
    assert.ok(Number(prChart) > 0, 'the precision/recall chart is drawn');
    assert.match(text, new RegExp(`circle\\s+${detection.perClass[0].ap50 === null ? '—' : detection.perClass[0].ap50.toFixed(3)}`), 'the circle row shows its AP@0.5');

    // The worst test images (all classes) with their boxes: a detector trained this little misses objects.
    const worstFile = join(run.dir, 'detection-worst.json');
    assert.ok(existsSync(worstFile), 'the test pass wrote detection-worst.json');
    const stored = (JSON.parse(readFileSync(worstFile, 'utf8')) as { images: unknown[] }).images.length;
    assert.ok(stored > 0, 'some test image has missed or false detections');
    const clicked = () => panel.evaluate(`(() => { const b = [...document.querySelectorAll('.results [appearance]')].find((x) => /Worst Images \\(${stored}\\)/.test(x.textContent)); if (!b || b.hasAttribute('disabled')) return false; b.click(); return true; })()`);
    await poll('the Worst Images button (once the host sent detection-worst.json)', async () => ((await clicked()) ? true : undefined), { timeoutMs: 30_000 });
    await poll('the worst test images with their boxes', async () => {
      seen = await boxCanvases(panel, '.thumbnails');
      return seen.length === stored && seen.every((c) => c.truth > 0 && c.stroked > 0) ? true : undefined;
    }, { timeoutMs: 30_000, saw: async () => `${seen.length} of ${stored}: ${JSON.stringify(seen.slice(0, 3))}` });
    const scrollTo = (selector: string) => () => panel.evaluate(`document.querySelector('${selector}')?.scrollIntoView({ block: 'start' })`);
    await capture('detection-training-panel', scrollTo('.samples'));
    await capture('detection-results', scrollTo('.results'));
  },
  TRAIN_TIMEOUT_MS + 180_000,
);
