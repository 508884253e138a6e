/**
 * "CNN Lab: Install Native TensorFlow Backend": installs @tensorflow/tfjs-node(-gpu) into the extension's global
 * storage (src/trainer/backend/install.ts does the work), with a cancellable progress notification and npm's
 * output in the log. The trainer worker looks there (RunRequest.extraModulePaths), so 'auto' picks it up.
 */
import * as vscode from 'vscode';
import { CONFIG_SECTION } from '../config';
import { installNativeBackend, nativePackage, type NativeBackendName } from '../trainer/backend/install';

const CHOICES: Array<vscode.QuickPickItem & { name: NativeBackendName }> = [
  { name: 'tensorflow', label: 'tensorflow', description: '@tensorflow/tfjs-node', detail: 'Native TensorFlow on the CPU (Linux, macOS, Windows).' },
  { name: 'tensorflow-gpu', label: 'tensorflow-gpu', description: '@tensorflow/tfjs-node-gpu', detail: 'Native TensorFlow on an NVIDIA GPU (Linux or Windows with CUDA and cuDNN installed).' },
  { name: 'webgpu', label: 'webgpu', description: 'webgpu (Dawn)', detail: 'Any GPU through WebGPU: Vulkan, Metal or D3D12 (Linux, macOS, Windows; no CUDA needed).' },
];

/** Asks which backend, installs it into `dir`, and says how it went (offline: what to do instead). */
export async function installBackendCommand(dir: string, log: vscode.LogOutputChannel): Promise<void> {
  const picked = await vscode.window.showQuickPick(CHOICES, { title: 'Install Native TensorFlow Backend', placeHolder: 'Which native backend should training use?' });
  if (!picked) return;
  const { name } = picked;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Installing ${nativePackage(name)}`, cancellable: true },
    (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return installNativeBackend(name, {
        dir,
        signal: abort.signal,
        onProgress: (line) => {
          log.info(`install-backend: ${line}`);
          progress.report({ message: line.length > 80 ? `${line.slice(0, 79)}…` : line });
        },
      });
    },
  );
  if (!result.ok) {
    log.error(`install-backend: ${result.message}`);
    if ((await vscode.window.showErrorMessage(`Could not install ${name}: ${result.message}`, 'Show Log')) === 'Show Log') log.show();
    return;
  }
  log.info(`install-backend: ${result.message}`);
  const use = `Use ${name}`;
  if ((await vscode.window.showInformationMessage(result.message, use)) === use) {
    await vscode.workspace.getConfiguration(CONFIG_SECTION).update('backend', name, vscode.ConfigurationTarget.Global);
  }
}
