/**
 * "CNN Lab: Download Pretrained Weights": torchvision's ImageNet weights for a zoo model into torch hub's cache,
 * through the core of `cnnlab weights download` (src/weights/downloadZooWeights.ts: the same SHA-256 check, a file
 * already there used as is), with a cancellable progress notification. Offline, the message names the URL and the
 * destination, with a button that copies the URL.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { downloadZooWeights, ZooDownloadError, zooWeightsTarget } from '../weights/downloadZooWeights';
import { ZOO_WEIGHTS } from '../weights/zooWeights';

/** The zoo names, the one the active model file is named after first. */
function choices(activeFile: string | undefined): Array<vscode.QuickPickItem & { name: string }> {
  const active = activeFile && /([^/\\]+)\.cnn\.ya?ml$/i.exec(activeFile)?.[1];
  const names = Object.keys(ZOO_WEIGHTS).sort((a, b) => Number(b === active) - Number(a === active));
  return names.map((name) => {
    const target = zooWeightsTarget(name)!;
    return { name, label: name, description: basename(target.url), detail: target.dest };
  });
}

/** Asks which model, downloads its weights with progress, and returns the file's path (undefined otherwise). */
export async function downloadWeightsCommand(log: vscode.LogOutputChannel): Promise<string | undefined> {
  const picked = await vscode.window.showQuickPick(choices(vscode.window.activeTextEditor?.document.fileName), {
    title: 'Download Pretrained Weights',
    placeHolder: "Which zoo model's ImageNet weights (torchvision's published files)?",
  });
  if (!picked) return undefined;
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Downloading ${picked.name} weights`, cancellable: true },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        let done = 0;
        return downloadZooWeights(picked.name, {
          signal: abort.signal,
          onProgress: (message, fraction) => {
            const increment = fraction === undefined ? undefined : Math.max(0, 100 * fraction - done);
            if (fraction !== undefined) done = 100 * fraction;
            progress.report({ message, increment });
          },
        });
      },
    );
    log.info(`weights: ${picked.name} ${result.cached ? 'already in' : 'downloaded to'} ${result.path}`);
    const copy = 'Copy Path';
    const answer = await vscode.window.showInformationMessage(`${picked.name}'s weights ${result.cached ? 'are already' : 'are now'} at ${result.path}`, copy);
    if (answer === copy) await vscode.env.clipboard.writeText(result.path);
    return result.path;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error(`weights: ${message}`);
    if (err instanceof ZooDownloadError && err.cancelled) {
      void vscode.window.showInformationMessage(message);
      return undefined;
    }
    const copyUrl = 'Copy URL';
    const buttons = err instanceof ZooDownloadError ? [copyUrl] : [];
    if ((await vscode.window.showErrorMessage(message.replace(/\n/g, ' '), ...buttons)) === copyUrl && err instanceof ZooDownloadError) {
      await vscode.env.clipboard.writeText(err.url);
    }
    return undefined;
  }
}
