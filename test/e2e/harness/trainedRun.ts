/** A finished run to inspect, trained through the palette unless an earlier test of the file left one. */
import { commandLabel, type Manifest } from './manifest';
import { findRuns, waitForRun } from './runFolders';
import type { Workbench } from './workbench';

export const TRAIN_TIMEOUT_MS = Number(process.env.CNNLAB_E2E_TRAIN_TIMEOUT_MS ?? 300_000);

/** A finished shapes-tiny run, trained now unless an earlier test left one (tests may be selected alone). */
export async function ensureTrainedRun(wb: Workbench, manifest: Manifest, workspaceDir: string): Promise<void> {
  if (findRuns(workspaceDir, 'shapes-tiny', 0).some((r) => r.summary.status === 'done')) return;
  await wb.openFile('shapes-tiny.cnn.yaml');
  const started = Date.now();
  await wb.runCommand(commandLabel(manifest, 'cnnlab.trainModel'));
  await waitForRun(workspaceDir, 'shapes-tiny', started, 'a finished shapes-tiny run', (s) => s.status === 'done', TRAIN_TIMEOUT_MS);
}
