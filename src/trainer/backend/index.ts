/**
 * Backend selection for the trainer. Every piece of trainer code computes with the `tf` namespace returned
 * here: when tfjs-node is loaded it brings its own copy of tfjs-core, whose tensors our bundled copy cannot use.
 * The backends themselves are entries of ./registry.ts.
 */
import { BACKEND_CHOICES, isBackendChoice, type BackendChoiceName } from '../../protocol/runTypes';
import type { BackendInfo, BackendStart } from './entry';
import { BACKENDS, backendEntry } from './registry';

/** What the user asks for (`--backend`, the `cnnLab.backend` setting). */
export type BackendChoice = BackendChoiceName;
export { BACKEND_CHOICES, isBackendChoice };
export type { BackendInfo };

/** The tfjs namespace in use (ours, or tfjs-node's own copy). */
export type TF = typeof import('@tensorflow/tfjs-core');

/** Options of `initBackend`. */
export interface BackendOptions {
  /** Install prefixes that may hold node_modules/@tensorflow/tfjs-node(-gpu) or node_modules/webgpu (e.g. the extension's storage). */
  extraModulePaths?: string[];
  /** Folder holding tfjs-backend-wasm's .wasm files; found automatically when omitted. */
  wasmDir?: string;
  /** Where to say which backend was chosen and why others were not. */
  log?: (msg: string) => void;
}

/** A backend that was asked for explicitly cannot be used; the message says how to fix it. */
export class BackendUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}

/**
 * Makes the chosen backend live and returns its tfjs namespace. `auto` takes the first registry entry that
 * starts (CUDA, a hardware GPU through WebGPU, native TensorFlow, wasm), logging why a present one was skipped.
 * Throws `BackendUnavailableError` for an unavailable explicit choice.
 */
export async function initBackend(choice: BackendChoice, options: BackendOptions = {}): Promise<BackendInfo> {
  const base = { extraModulePaths: options.extraModulePaths ?? [], wasmDir: options.wasmDir, log: options.log ?? (() => undefined) };
  if (choice !== 'auto') return startExplicit(backendEntry(choice), { ...base, explicit: true });
  const entries = BACKENDS.filter((b) => b.auto);
  for (const entry of entries.slice(0, -1)) {
    const started = await entry.start({ ...base, explicit: false });
    if ('tf' in started) return started;
    if (!started.notInstalled) base.log(`backend ${entry.name} skipped: ${started.reason}`);
  }
  return startExplicit(entries[entries.length - 1], { ...base, explicit: false });
}

async function startExplicit(entry: (typeof BACKENDS)[number], start: BackendStart): Promise<BackendInfo> {
  const started = await entry.start(start);
  if ('tf' in started) return started;
  const fix = started.fix ?? entry.fix;
  throw new BackendUnavailableError(started.notInstalled ? `${entry.name} backend not installed: ${fix}` : `${entry.name} backend unavailable: ${started.reason}; ${fix}`);
}
