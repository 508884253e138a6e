/** The model summary panel, opened from the command palette on a model with known shapes. */
import { commandLabel } from './harness/manifest';
import { e2eSuite } from './harness/session';
import { waitForFrameText, waitForWebview } from './harness/webview';

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
