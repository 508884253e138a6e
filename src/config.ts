/**
 * CNN Lab's settings, typed, with their defaults in one place. Reads through a minimal
 * `get(key)` interface (which `vscode.WorkspaceConfiguration` satisfies) so tests need no VS Code.
 */
import { isAbsolute, join } from 'node:path';
import { isBackendChoice, type BackendChoiceName } from './protocol/runTypes';

/** Where training runs: 'auto' picks the fastest backend that loads. */
export type BackendSetting = BackendChoiceName;

export interface CnnLabConfig {
  /** `cnnlab.inlayHints.enabled`: show `→ shape · params` after each layer line. Default true. */
  inlayHintsEnabled: boolean;
  /** `cnnlab.diagnostics.debounceMs`: delay after the last keystroke before re-diagnosing. Default 200. */
  diagnosticsDebounceMs: number;
  /** `cnnlab.backend`: training backend. Default 'auto'. */
  backend: BackendSetting;
  /** `cnnlab.runsDirectory`: folder for run outputs, relative to the workspace. Default '.cnnlab/runs'. */
  runsDirectory: string;
  /** `cnnlab.maxImagePixels`: largest image decoded. Default undefined: $CNNLAB_MAX_IMAGE_PIXELS or 100 megapixels. */
  maxImagePixels: number | undefined;
  /** `cnnlab.workers`: data-parallel training workers. Default undefined: DEFAULT_WORKERS (1). */
  workers: number | undefined;
  /** `cnnlab.pytorch.python`: interpreter for "Train with PyTorch". Default '': the Python extension's, else python3. */
  pytorchPython: string;
  /** `cnnlab.pytorch.command`: the launcher, `{python}`, `{nproc}` and `{port}` substituted; train.py and its arguments follow. */
  pytorchCommand: string[];
  /** `cnnlab.pytorch.nprocPerNode`: processes torchrun starts. Default 2. */
  pytorchNprocPerNode: number;
}

/** The configuration section all keys live under. */
export const CONFIG_SECTION = 'cnnlab';

export const CONFIG_DEFAULTS: Readonly<CnnLabConfig> = {
  inlayHintsEnabled: true,
  diagnosticsDebounceMs: 200,
  backend: 'auto',
  runsDirectory: '.cnnlab/runs',
  maxImagePixels: undefined,
  workers: undefined,
  pytorchPython: '',
  // --redirects 1 --tee 1: Debian's torchrun (torch 1.13, Python 3.11) crashes without them; harmless elsewhere.
  // Not --standalone: torch 1.13 fixes its rendezvous at port 29400 there, so two runs at once would collide.
  pytorchCommand: ['{python}', '-m', 'torch.distributed.run', '--rdzv_backend', 'c10d', '--rdzv_endpoint', 'localhost:{port}', '--nnodes', '1', '--redirects', '1', '--tee', '1', '--nproc_per_node={nproc}'],
  pytorchNprocPerNode: 2,
};


/** What `readConfig` needs from a configuration object. */
export interface ConfigSource {
  get(key: string): unknown;
}

/** Reads the settings, falling back to the default for any missing or ill-typed value. */
export function readConfig(source: ConfigSource): CnnLabConfig {
  const enabled = source.get('inlayHints.enabled');
  const debounce = source.get('diagnostics.debounceMs');
  const backend = source.get('backend');
  const runs = source.get('runsDirectory');
  const pixels = source.get('maxImagePixels');
  const workers = source.get('workers');
  const python = source.get('pytorch.python');
  const command = source.get('pytorch.command');
  const nproc = source.get('pytorch.nprocPerNode');
  return {
    inlayHintsEnabled: typeof enabled === 'boolean' ? enabled : CONFIG_DEFAULTS.inlayHintsEnabled,
    diagnosticsDebounceMs:
      typeof debounce === 'number' && Number.isFinite(debounce) && debounce >= 0
        ? Math.min(debounce, 5000)
        : CONFIG_DEFAULTS.diagnosticsDebounceMs,
    backend: isBackendChoice(backend) ? backend : CONFIG_DEFAULTS.backend,
    runsDirectory: typeof runs === 'string' && runs.trim() !== '' ? runs : CONFIG_DEFAULTS.runsDirectory,
    maxImagePixels: Number.isInteger(pixels) && (pixels as number) >= 1 ? (pixels as number) : CONFIG_DEFAULTS.maxImagePixels,
    workers: Number.isInteger(workers) && (workers as number) >= 1 ? (workers as number) : CONFIG_DEFAULTS.workers,
    pytorchPython: typeof python === 'string' ? python.trim() : CONFIG_DEFAULTS.pytorchPython,
    pytorchCommand: Array.isArray(command) && command.length > 0 && command.every((a) => typeof a === 'string') ? command : CONFIG_DEFAULTS.pytorchCommand,
    pytorchNprocPerNode: Number.isInteger(nproc) && (nproc as number) >= 1 ? (nproc as number) : CONFIG_DEFAULTS.pytorchNprocPerNode,
  };
}

/**
 * The folder runs go to: `runsDirectory` as is when absolute, else inside the workspace folder; undefined
 * without a workspace (the trainer then writes next to the model file).
 */
export function resolveRunsDirectory(runsDirectory: string, workspaceRoot: string | undefined): string | undefined {
  if (isAbsolute(runsDirectory)) return runsDirectory;
  return workspaceRoot === undefined ? undefined : join(workspaceRoot, runsDirectory);
}
