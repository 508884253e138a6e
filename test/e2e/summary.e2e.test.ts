/** The model summary panel, opened from the command palette on a model with known shapes. */
import assert from 'node:assert/strict';
import { commandLabel } from './harness/manifest';
import { poll } from './harness/poll';
import { e2eSuite } from './harness/session';
import { frameText, waitForFrameText, waitForWebview } from './harness/webview';

const e2eTest = e2eSuite('summary');

e2eTest('summary: CNN Lab: Show Summary opens a panel with the layers, shapes and parameter counts', async ({ wb, page, manifest, capture }) => {
  await wb.openFile('tiny.cnn.yaml');
  await wb.runCommand(commandLabel(manifest, 'cnnlab.showSummary'));
  const frame = await waitForWebview(page, 'the summary panel', /Conv2d/);
  // 16×28×28 after the conv, 31,370 parameters in Linear(3136, 10) (written with or without a separator).
  await waitForFrameText(frame, 'the conv output shape in the summary', /16\s*×\s*28\s*×\s*28/);
  await waitForFrameText(frame, 'the Linear parameter count in the summary', /31[,\s\u202f]?370/);
  await capture('summary-panel');
});

e2eTest('summary: a ResNet-50 shows its stages collapsed; a block expands on click and collapses with the keyboard', async ({ wb, page, manifest, capture }) => {
  await wb.openFile('zoo/resnet50.cnn.yaml');
  await wb.runCommand(commandLabel(manifest, 'cnnlab.showSummary'));
  const frame = await waitForWebview(page, 'the summary panel of resnet50', /layer4/);
  // Collapsed: one row per stage with its output shape and parameters, none of its blocks.
  await waitForFrameText(frame, 'layer1 as one row with its output shape and parameters', /layer1 \(29 layers\)\s*256\s*×\s*56\s*×\s*56\s*215[,\s\u202f]?808/);
  const layer1 = frame.locator('vscode-data-grid-row[data-id="layer1"]');
  await layer1.waitFor();
  assert.equal(await layer1.getAttribute('aria-expanded'), 'false');
  assert.doesNotMatch(await frameText(frame), /layer1\.0/);
  await capture('summary-resnet50-collapsed');

  await layer1.click();
  await waitForFrameText(frame, 'layer1 expanded to its bottlenecks', /layer1\.0 \(10 layers\)\s*256\s*×\s*56\s*×\s*56\s*75[,\s\u202f]?008/);
  assert.equal(await frame.locator('vscode-data-grid-row[data-id="layer1"]').getAttribute('aria-expanded'), 'true');
  await capture('summary-resnet50-expanded');

  // The focus stays on the toggled row (the table is rebuilt), so Enter collapses it again.
  await poll('the focus on the layer1 row', async () =>
    (await frame.evaluate(`document.activeElement?.closest('[data-id]')?.dataset.id ?? ''`)) === 'layer1' ? true : undefined,
  );
  await page.keyboard.press('Enter');
  await poll('layer1 collapsed by the keyboard', async () => (/layer1\.0/.test(await frameText(frame)) ? undefined : true));
  assert.equal(await frame.locator('vscode-data-grid-row[data-id="layer1"]').getAttribute('aria-expanded'), 'false');
});
