/**
 * The editor's PyTorch flows as a person uses them: Export… on a run of the runs view (format pytorch, then the
 * folder in the save dialog) writes the exported files, and its notification's Open shows the export's README.md; "Train with PyTorch" on a small model starts torchrun (2
 * processes), the training panel follows the live run, and its Stop button ends it as stopped with its checkpoints.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { commandLabel, viewNameMatching } from './harness/manifest';
import { poll } from './harness/poll';
import { findRuns, waitForRun } from './harness/runFolders';
import { e2eSuite } from './harness/session';
import { ensureTrainedRun } from './harness/trainedRun';
import { waitForFrameText, waitForWebview } from './harness/webview';

const e2eTest = e2eSuite('pytorch');
const PYTORCH_FILES = ['model.py', 'weights.pth', 'predict.py', 'train.py', 'task.py', 'requirements.txt'];

// Long enough to be stopped by hand, small enough to start at once. Epochs of 250 small batches per process take
// 0.5–1.5 s: shorter ones (0.2 s at batch 32) flooded the panel with a re-render every epoch on a loaded machine.
const LONG_MODEL = `name: torch-long
input: [1, 16, 16]
layers: [Conv2d(1, 8, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(), Linear(512, 5)]
data: {dataset: shapes, train_samples: 4000, test_samples: 100}
train: {epochs: 200, batch_size: 8, optimizer: adam, lr: 0.003, seed: 1}
`;

e2eTest(
  'runs view: Export… as pytorch writes model.py, weights.pth, predict.py and train.py, and its notification opens them',
  async ({ wb, page, manifest, workspaceDir, capture }) => {
    const title = manifest.contributes?.commands?.find((c) => c.command === 'cnnlab.runs.export')?.title;
    assert.ok(title, 'feature missing: the cnnlab.runs.export command');
    await ensureTrainedRun(wb, manifest, workspaceDir);
    const [run] = findRuns(workspaceDir, 'shapes-tiny', 0).filter((r) => r.summary.status === 'done');
    await wb.openView(viewNameMatching(manifest, /runs/i, 'the runs view'));
    const row = await wb.runRow(run.dir, 'shapes-tiny');
    await wb.chooseFromContextMenu(row, title);
    await wb.pickRow('pytorch', 'the pytorch format');
    // code-server's save dialog is VS Code's simple file dialog: a quick input that takes a path.
    const out = join(workspaceDir, `exported-${Date.now()}`);
    const input = page.locator('.quick-input-widget input').first();
    await poll('the save dialog', async () => ((await input.isVisible()) && /shapes-tiny-pytorch/.test(await input.inputValue()) ? true : undefined));
    await input.fill(out);
    await input.press('Enter');
    await poll(`the exported files in ${out}`, async () => (PYTORCH_FILES.every((f) => existsSync(join(out, f))) ? true : undefined), {
      timeoutMs: 60_000,
      saw: async () => `[${PYTORCH_FILES.filter((f) => existsSync(join(out, f))).join(', ')}]; notifications: ${(await wb.notifications()).join(' | ')}`,
    });
    await poll('the export notification', async () => ((await wb.notifications()).some((n) => /Exported shapes-tiny as pytorch/.test(n)) ? true : undefined), { timeoutMs: 60_000 });
    // It offers to open the export (its README.md, the guide to the files) and to reveal the folder.
    const toast = page.locator('.notification-toast', { hasText: 'Exported shapes-tiny as pytorch' });
    await poll('the Open and Reveal buttons', async () => {
      const buttons = await toast.locator('.monaco-button').allTextContents();
      return ['Open', 'Reveal'].every((b) => buttons.includes(b)) ? true : undefined;
    }, { timeoutMs: 30_000, saw: async () => `[${(await toast.locator('.monaco-button').allTextContents()).join(' | ')}]` });
    await capture('runs-export-pytorch');
    await toast.locator('.monaco-button', { hasText: 'Open' }).click();
    // The export's README.md in the active editor: its tab, and the breadcrumbs naming the export folder.
    await poll(`the export's README.md in the editor`, async () => {
      const tab = await page.$('.tab.active[aria-label^="README.md"]');
      const crumbs = (await page.locator('.editor-group-container.active .breadcrumbs-control').first().textContent().catch(() => '')) ?? '';
      return tab && crumbs.includes(basename(out)) ? true : undefined;
    }, {
      timeoutMs: 60_000,
      saw: async () => `tabs: [${(await page.locator('.tab').evaluateAll((ts) => ts.map((t) => `${t.getAttribute('aria-label')}${t.classList.contains('active') ? ' (active)' : ''}`))).join(' | ')}]; notifications: ${(await wb.notifications()).join(' | ')}`,
    });
    await poll('the README to show the export', async () => ((await page.locator('.editor-instance .view-lines').first().textContent())?.includes('train.py') ? true : undefined), { timeoutMs: 30_000 });
  },
  420_000,
);

e2eTest(
  'train: Train with PyTorch follows the torchrun run live in the training panel, and Stop ends it with its checkpoints',
  async ({ wb, page, manifest, workspaceDir, capture }) => {
    writeFileSync(join(workspaceDir, 'torch-long.cnn.yaml'), LONG_MODEL);
    await wb.bridge.updateSetting('cnnlab.pytorch.python', '/usr/bin/python3');
    await wb.openFile('torch-long.cnn.yaml');
    const started = Date.now();
    await wb.runCommand(commandLabel(manifest, 'cnnlab.trainWithPyTorch'));
    const running = await waitForRun(workspaceDir, 'torch-long', started, 'the PyTorch run to finish an epoch', (s) => s.status === 'running' && s.epochsCompleted >= 1, 180_000);
    assert.equal(running.summary.backend, 'pytorch');
    assert.match(running.summary.backendDescription, /2 process\(es\), DistributedDataParallel/);
    // The panel of the live run: its epochs as train.py appends them to metrics.jsonl.
    const panel = await waitForWebview(page, 'the training panel of the PyTorch run', /torch-long[\s\S]*epoch \d+/i, 120_000);
    await panel.locator('[title^="Stop after the current batch"]').click();
    const run = await waitForRun(workspaceDir, 'torch-long', started, 'the PyTorch run to stop', (s) => s.status !== 'running', 60_000);
    assert.equal(run.summary.status, 'stopped', `run ${run.dir} ended ${run.summary.status}: ${run.summary.stopReason}`);
    assert.ok(run.summary.epochsCompleted >= 1 && run.summary.epochsCompleted < 200);
    for (const f of ['best/model.json', 'best/weights.bin', 'last/model.json', 'last/weights.bin', 'metrics.jsonl']) assert.ok(existsSync(join(run.dir, f)), `${run.dir}/${f}`);
    await waitForFrameText(panel, 'the stopped status in the training panel', /stopped/i);
    await capture('train-with-pytorch-stopped');
  },
  360_000,
);
