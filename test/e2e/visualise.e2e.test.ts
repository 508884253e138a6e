/**
 * The inspector's "Visualising CNNs" tabs on a model trained here: each new tab draws its picture. Grad-CAM (and its
 * opacity slider), guided backprop with guided Grad-CAM and the deconvnet, SmoothGrad in the saliency tab, the
 * theoretical and effective receptive fields, activation maximisation and the top test images of a channel.
 */
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { commandLabelMatching } from './harness/manifest';
import { poll } from './harness/poll';
import { e2eSuite } from './harness/session';
import { ensureTrainedRun, TRAIN_TIMEOUT_MS } from './harness/trainedRun';
import { visibleImages, waitForFrameText, waitForWebview } from './harness/webview';

const e2eTest = e2eSuite('visualise');

async function openTab(inspector: Frame, title: string): Promise<void> {
  await inspector.locator('.tab-button', { hasText: title }).first().click();
}

async function imagesShown(inspector: Frame, selector: string, count: number, what: string): Promise<void> {
  await poll(what, async () => ((await visibleImages(inspector, selector)) >= count ? true : undefined), { timeoutMs: 60_000 });
}

e2eTest(
  'inspector: the visualisation tabs draw Grad-CAM, guided backprop, receptive fields, activation maximisation and top images',
  async ({ wb, page, manifest, workspaceDir, capture }) => {
    await ensureTrainedRun(wb, manifest, workspaceDir);
    await wb.openFile('shapes-tiny.cnn.yaml');
    await wb.runCommand(commandLabelMatching(manifest, /inspect/i, 'the inspector'));
    await wb.pickRow('shapes-tiny · ', 'the shapes-tiny run in the "Inspect run" quick pick');
    const inspector = await waitForWebview(page, 'the inspector with its first input', /output \[8, 24, 24\], values/);

    await openTab(inspector, 'Saliency & occlusion');
    await inspector.locator('select').filter({ has: inspector.locator('option[value="smoothgrad"]') }).selectOption('smoothgrad');
    await waitForFrameText(inspector, 'the SmoothGrad caption', /SmoothGrad: \|gradient\| averaged over 25 noisy copies of the score of '/);

    await openTab(inspector, 'Grad-CAM');
    await waitForFrameText(inspector, 'the Grad-CAM caption', /Grad-CAM of the score of '[^']+' on layer 5: ReLU\(Σ α_k A_k\) at 12×12/);
    await imagesShown(inspector, '.stack img', 2, 'the input and the Grad-CAM map stacked');
    const opacity = async (): Promise<string> => (await inspector.evaluate("document.querySelector('.stack-top').style.opacity")) as string;
    assert.equal(await opacity(), '0.6');
    await inspector.locator('input.slider').fill('25');
    await poll('the map to follow the opacity slider', async () => ((await opacity()) === '0.25' ? true : undefined));
    await inspector.locator('.stack').scrollIntoViewIfNeeded();
    await capture('inspector-gradcam');

    await openTab(inspector, 'Guided backprop');
    await waitForFrameText(inspector, 'the guided backprop caption', /Gradients of the score of '[^']+'; guided Grad-CAM weights them by Grad-CAM of layer 5/);
    await waitForFrameText(inspector, 'the deconvnet caption', /Strongest unit of layer 5: channel \d+ at \(\d+, \d+\)/);
    await imagesShown(inspector, 'img.overlay-image', 3, 'guided backprop, guided Grad-CAM and the deconvnet pictures');
    await inspector.locator('img.overlay-image').first().scrollIntoViewIfNeeded();
    await capture('inspector-guided-backprop');

    await openTab(inspector, 'Receptive field');
    await waitForFrameText(inspector, 'the receptive-field caption', /Central unit \(6, 6\) of layer 5: theoretical field \d+×\d+ pixels; 90% of the effective field's weight lies within \d+×\d+/);
    await imagesShown(inspector, 'img.overlay-image', 2, 'the theoretical and effective fields');
    await inspector.locator('img.overlay-image').first().scrollIntoViewIfNeeded();
    await capture('inspector-receptive-field');

    await openTab(inspector, 'Activation max');
    await inspector.locator('.button', { hasText: 'Synthesise' }).click();
    await waitForFrameText(inspector, 'the synthesised inputs', /Layer 5, channels 0–15 after 64 steps: \d+ of 16 channels rose/, 120_000);
    await imagesShown(inspector, 'img.grid-image', 1, 'the grid of synthesised inputs');
    await inspector.locator('img.grid-image.clickable').click({ position: { x: 8, y: 8 } });
    await waitForFrameText(inspector, 'the top test images of channel 0', /Layer 5, channel 0: the 9 strongest of \d+ test images/);
    await imagesShown(inspector, 'img.grid-image', 2, 'the top test images');
    await inspector.locator('img.grid-image').last().scrollIntoViewIfNeeded();
    await capture('inspector-activation-max');
  },
  TRAIN_TIMEOUT_MS + 240_000,
);
