/**
 * Backend selection for the trainer. Every piece of trainer code computes with the `tf` namespace returned
 * here: when tfjs-node is loaded it brings its own copy of tfjs-core, whose tensors our bundled copy cannot use.
 */
import * as tfCore from '@tensorflow/tfjs-core';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// A used named import: esbuild drops a bare import of this package (its node build is not listed in
// "sideEffects"), and importing it is what registers the cpu backend.
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
// Our tfjs-core copy registers no gradients by itself; training needs them all.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { BACKEND_CHOICES, isBackendChoice, type BackendChoiceName } from '../../protocol/runTypes';
import { registerTrainingKernels } from '../kernels/register';
import { loadOptionalModule, nvidiaGpuVisible, type NativePackage } from './optional-module';
import { findWasmDir } from './wasm-files';

/** What the user asks for (`--backend`, the `cnnLab.backend` setting). */
export type BackendChoice = BackendChoiceName;
export { BACKEND_CHOICES, isBackendChoice };

/** The tfjs namespace in use (ours, or tfjs-node's own copy). */
export type TF = typeof import('@tensorflow/tfjs-core');

/** The backend that is live after `initBackend`. */
export interface BackendInfo {
  tf: TF;
  name: 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
  /** For people, e.g. "wasm (SIMD, 1 thread, XNNPACK) + CNN Lab training kernels". */
  description: string;
}

/** Options of `initBackend`. */
export interface BackendOptions {
  /** Install prefixes that may hold node_modules/@tensorflow/tfjs-node(-gpu) (e.g. the extension's storage). */
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
 * Makes the chosen backend live and returns its tfjs namespace. `auto`: tfjs-node-gpu when installed and a
 * GPU is visible, else tfjs-node when installed, else the embedded wasm engine. `cpu` is never chosen
 * silently (it is about 300 times slower). Throws `BackendUnavailableError` for an unavailable explicit choice.
 */
export async function initBackend(choice: BackendChoice, options: BackendOptions = {}): Promise<BackendInfo> {
  const log = options.log ?? (() => undefined);
  const extra = options.extraModulePaths ?? [];
  switch (choice) {
    case 'tensorflow-gpu':
      if (!nvidiaGpuVisible()) throw new BackendUnavailableError('tensorflow-gpu backend: no NVIDIA GPU with a working driver is visible (nvidia-smi); use --backend tensorflow or wasm');
      return nativeOrThrow('@tensorflow/tfjs-node-gpu', 'tensorflow-gpu', extra);
    case 'tensorflow':
      return nativeOrThrow('@tensorflow/tfjs-node', 'tensorflow', extra);
    case 'wasm':
      return initWasm(options.wasmDir);
    case 'cpu':
      log('warning: the pure-JavaScript cpu backend is about 300× slower than wasm for training; use it only for debugging');
      return initCpu();
    case 'auto':
      return initAuto(extra, options.wasmDir, log);
  }
}

async function initAuto(extra: string[], wasmDir: string | undefined, log: (msg: string) => void): Promise<BackendInfo> {
  const tries: Array<[NativePackage, BackendInfo['name']]> = [];
  if (nvidiaGpuVisible()) tries.push(['@tensorflow/tfjs-node-gpu', 'tensorflow-gpu']);
  tries.push(['@tensorflow/tfjs-node', 'tensorflow']);
  for (const [pkg, name] of tries) {
    const loaded = await initNative(pkg, name, extra);
    if ('tf' in loaded) return loaded;
    if (!loaded.notInstalled) log(`backend ${name} skipped: ${loaded.reason}`);
  }
  return initWasm(wasmDir);
}

async function nativeOrThrow(pkg: NativePackage, name: BackendInfo['name'], extra: string[]): Promise<BackendInfo> {
  const loaded = await initNative(pkg, name, extra);
  if ('tf' in loaded) return loaded;
  const fix = `run \`cnnlab install-backend ${name}\` (or the "CNN Lab: Install TensorFlow backend" command), or choose --backend wasm`;
  throw new BackendUnavailableError(loaded.notInstalled ? `${name} backend not installed: ${fix}` : `${name} backend unavailable: ${loaded.reason}; ${fix}`);
}

async function initNative(pkg: NativePackage, name: BackendInfo['name'], extra: string[]): Promise<BackendInfo | { notInstalled: boolean; reason: string }> {
  const loaded = loadOptionalModule(pkg, extra);
  if (!loaded.ok) return loaded;
  const tf = loaded.exports as TF;
  if (typeof tf.setBackend !== 'function' || !(await tf.setBackend('tensorflow'))) {
    return { notInstalled: false, reason: `${pkg} loaded from ${loaded.from} but its 'tensorflow' backend did not initialise` };
  }
  await tf.ready();
  const what = name === 'tensorflow-gpu' ? 'native TensorFlow with CUDA' : 'native TensorFlow, CPU';
  return { tf, name, description: `${name} (${what}, tfjs ${tf.version_core})` };
}

async function initWasm(wasmDir: string | undefined): Promise<BackendInfo> {
  const found = findWasmDir(wasmDir);
  if ('error' in found) throw new BackendUnavailableError(`wasm backend unavailable: ${found.error}`);
  setWasmPaths(found.dir);
  if (!(await tfCore.setBackend('wasm'))) {
    throw new BackendUnavailableError(`wasm backend failed to initialise from ${found.dir} (see the messages above)`);
  }
  await tfCore.ready();
  registerTrainingKernels(tfCore);
  const simd = (await tfCore.env().getAsync('WASM_HAS_SIMD_SUPPORT')) ? 'SIMD' : 'no SIMD';
  const threads = getThreadsCount();
  return {
    tf: tfCore,
    name: 'wasm',
    description: `wasm (${simd}, ${threads} thread${threads === 1 ? '' : 's'}, XNNPACK) + CNN Lab training kernels`,
  };
}

async function initCpu(): Promise<BackendInfo> {
  await tfCore.setBackend('cpu');
  await tfCore.ready();
  return { tf: tfCore, name: 'cpu', description: `cpu (tfjs-backend-cpu ${version_cpu}, pure JavaScript; ~300× slower than wasm)` };
}
