/**
 * The Python that "Train with PyTorch" runs: the `cnnlab.pytorch.python` setting, else the interpreter the Python
 * extension (ms-python.python) has selected for the file, else `python3` on the PATH.
 */
import * as vscode from 'vscode';

/** What we read of the Python extension's API (both its current and its older shape). */
interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath?(resource?: vscode.Uri): { path: string } | undefined;
    resolveEnvironment?(env: { path: string }): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
  };
  settings?: { getExecutionDetails?(resource?: vscode.Uri): { execCommand?: string[] } | undefined };
}

export async function pythonInterpreter(setting: string, resource: vscode.Uri, log: vscode.LogOutputChannel): Promise<string> {
  if (setting) return setting;
  try {
    const extension = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
    if (extension) {
      const api = extension.isActive ? extension.exports : await extension.activate();
      const active = api?.environments?.getActiveEnvironmentPath?.(resource);
      if (active?.path) {
        const resolved = await api.environments?.resolveEnvironment?.(active);
        return resolved?.executable?.uri?.fsPath ?? active.path;
      }
      const command = api?.settings?.getExecutionDetails?.(resource)?.execCommand?.[0];
      if (command) return command;
    }
  } catch (e) {
    log.warn(`The Python extension did not give an interpreter (${e instanceof Error ? e.message : String(e)}); using python3`);
  }
  return 'python3';
}
