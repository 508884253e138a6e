/**
 * A reconstruction run's results and inspector as a person sees them: "CNN Lab: Train Model" on a tiny anomaly
 * detector (shapes, trained on two of five classes), the training panel's per-class errors, histogram with its
 * threshold, ROC with its AUC, a histogram bin's images next to their reconstructions; the inspector's bottleneck
 * embedding and latent plane.
 */
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { commandLabel, commandLabelMatching, type Manifest } from './harness/manifest';
import { poll } from './harness/poll';
import { findRuns, waitForRun } from './harness/runFolders';
import { e2eSuite } from './harness/session';
import type { Workbench } from './harness/workbench';
import { frameText, visibleImages, waitForFrameText, waitForWebview } from './harness/webview';

const e2eTest = e2eSuite('reconstruction');
const TRAIN_TIMEOUT_MS = Number(process.env.CNNLAB_E2E_TRAIN_TIMEOUT_MS ?? 300_000);
const MODEL = 'shapes-anomaly';

/** A finished shapes-anomaly run, trained now unless an earlier test left one. */
async function ensureTrainedRun(wb: Workbench, manifest: Manifest, workspaceDir: string): Promise<void> {
  if (findRuns(workspaceDir, MODEL, 0).some((r) => r.summary.status === 'done')) return;
  await wb.openFile(`${MODEL}.cnn.yaml`);
  const started = Date.now();
  await wb.runCommand(commandLabel(manifest, 'cnnlab.trainModel'));
  const run = await waitForRun(workspaceDir, MODEL, started, 'a finished shapes-anomaly run', (s) => s.status !== 'running', TRAIN_TIMEOUT_MS);
  assert.equal(run.summary.status, 'done', `run ${run.dir} ended ${run.summary.status}: ${run.summary.error ?? run.summary.stopReason}`);
}

/** The threshold line's read-out: "flags A of B anomalies … and C of D normal images". */
async function flagged(frame: Frame): Promise<string> {
  return /flags \d+ of \d+ anomalies \(TPR [\d.]+%\) and \d+ of \d+ normal images/.exec(await frameText(frame))?.[0] ?? '';
}

/**
 * Where the threshold line is across the histogram canvas, in CSS pixels: the column of a row through the middle of
 * the plot whose colour is closest to the theme's orange (the line is drawn over the bars), or null.
 */
async function thresholdLineX(frame: Frame): Promise<number | null> {
  return (await frame.evaluate(`(() => {
    const canvas = document.querySelector('canvas[aria-label="Error histogram"]');
    const probe = document.createElement('canvas').getContext('2d');
    probe.fillStyle = getComputedStyle(document.body).getPropertyValue('--vscode-charts-orange').trim() || '#d18616';
    probe.fillRect(0, 0, 1, 1);
    const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
    const row = canvas.getContext('2d').getImageData(0, Math.round(canvas.height * 0.4), canvas.width, 1).data;
    let best = -1, bestD = 60;
    for (let x = 0; x < canvas.width; x++) {
      const d = Math.abs(row[4 * x] - r) + Math.abs(row[4 * x + 1] - g) + Math.abs(row[4 * x + 2] - b);
      if (d < bestD) { bestD = d; best = x; }
    }
    return best < 0 ? null : best * canvas.getBoundingClientRect().width / canvas.width;
  })()`)) as number | null;
}

e2eTest(
  'training panel: a reconstruction run shows class errors, the histogram with a threshold that moves, the ROC and a bin’s reconstructions',
  async ({ wb, page, manifest, workspaceDir, capture }) => {
    await ensureTrainedRun(wb, manifest, workspaceDir);
    const panel = await waitForWebview(page, 'the training panel with the ROC curve', new RegExp(`${MODEL}[\\s\\S]*ROC curve \\(AUC [\\d.]+\\)`), 120_000);
    await waitForFrameText(panel, 'the test MSE and AUROC', /Test MSE [\d.]+, anomaly AUROC [\d.]+/);
    await waitForFrameText(panel, 'the best threshold', /Threshold [\d.e-]+ \(best Youden J\): flags/);
    assert.ok((await visibleImages(panel, '.results canvas')) >= 3, 'bars, histogram and ROC drawn');
    await panel.locator('canvas[aria-label="Error histogram"]').scrollIntoViewIfNeeded();
    await capture('reconstruction-results');
    // Dragging the threshold line to the right changes what it flags.
    const histogram = panel.locator('canvas[aria-label="Error histogram"]');
    await histogram.scrollIntoViewIfNeeded();
    const box = await histogram.boundingBox();
    assert.ok(box, 'the histogram is on screen');
    const lineX = await thresholdLineX(panel);
    assert.ok(lineX !== null, 'the threshold line is drawn in the theme\'s orange');
    const before = await flagged(panel);
    await page.mouse.move(box.x + lineX, box.y + box.height * 0.4);
    await page.mouse.down();
    await page.mouse.move(box.x + lineX + 40, box.y + box.height * 0.4, { steps: 5 });
    await page.mouse.up();
    const dragged = await poll('the read-out to follow the dragged line', async () => {
      const now = await flagged(panel);
      return now && now !== before ? now : undefined;
    });
    assert.doesNotMatch(await frameText(panel), /\(best Youden J\)/, `dragged: ${dragged}`);
    // The slider (the keyboard's way to move the line) moves it too.
    await panel.locator('.threshold-slider').fill('950');
    await poll('the read-out to follow the slider', async () => {
      const now = await flagged(panel);
      return now && now !== dragged ? now : undefined;
    });
    // A click in the histogram's plot shows its bin's images with their reconstructions (some bins are empty).
    const pairs = await poll('a histogram bin with images', async () => {
      for (let f = 0.12; f < 0.95; f += 0.05) {
        await page.mouse.click(box.x + box.width * f, box.y + box.height * 0.5);
        const shown = await waitForFrameText(panel, 'a bin title', /Error [\d.e-]+ – [\d.e-]+: \d+ test images?/, 5_000).catch(() => '');
        if (shown && (await visibleImages(panel, '.thumb.pair canvas')) >= 2) return true;
      }
      return undefined;
    }, { timeoutMs: 60_000 });
    assert.ok(pairs);
    await panel.evaluate("document.querySelector('.thumbnails')?.scrollIntoView({ block: 'start' })");
    await capture('reconstruction-bin-images');
  },
  TRAIN_TIMEOUT_MS + 120_000,
);

e2eTest('inspector: a reconstruction run embeds its bottleneck and decodes its latent plane', async ({ wb, page, manifest, workspaceDir, capture }) => {
  await ensureTrainedRun(wb, manifest, workspaceDir);
  await wb.openFile(`${MODEL}.cnn.yaml`);
  await wb.runCommand(commandLabelMatching(manifest, /inspect/i, 'the inspector'));
  await wb.pickRow(`${MODEL} · `, 'the shapes-anomaly run in the "Inspect run" quick pick');
  const inspector = await waitForWebview(page, 'the inspector with a Latent Plane tab', /Latent Plane/, 90_000);
  await inspector.locator('.tab-button', { hasText: 'Embeddings' }).click();
  await waitForFrameText(inspector, 'the bottleneck embedding', /2-dimensional features \(output of layer 4, Linear: the bottleneck\)/, 90_000);
  await inspector.locator('.tab-button', { hasText: 'Latent Plane' }).click();
  await poll('the decoded latent grid', async () => ((await visibleImages(inspector, 'img.latent-image')) > 0 ? true : undefined), { timeoutMs: 90_000 });
  await waitForFrameText(inspector, 'the latent plane caption', /Layer 4 \(the bottleneck\): 12 × 12 codes/);
  await inspector.locator('img.latent-image').scrollIntoViewIfNeeded();
  await capture('inspector-latent-plane');
});
