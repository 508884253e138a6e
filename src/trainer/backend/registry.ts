/**
 * Every backend, in the order `auto` tries them: CUDA, then a GPU through WebGPU, then native TensorFlow on the CPU,
 * then our wasm engine (always there). The pure-JavaScript cpu backend is never chosen silently.
 */
import type { BackendEntry, BackendName } from './entry';
import { startCpu, startWasm } from './embedded';
import { startTensorflow, startTensorflowGpu } from './native';
import { startWebGpu } from './webgpu';

const INSTALL = (name: string, pkg: string): string => `run \`cnnlab install-backend ${name}\` (or the "CNN Lab: Install Native TensorFlow Backend" command; it installs ${pkg}), or choose --backend wasm`;

export const BACKENDS: readonly BackendEntry[] = [
  { name: 'tensorflow-gpu', auto: true, start: startTensorflowGpu, fix: INSTALL('tensorflow-gpu', '@tensorflow/tfjs-node-gpu') },
  { name: 'webgpu', auto: true, start: startWebGpu, fix: INSTALL('webgpu', 'the webgpu package, Dawn') },
  { name: 'tensorflow', auto: true, start: startTensorflow, fix: INSTALL('tensorflow', '@tensorflow/tfjs-node') },
  { name: 'wasm', auto: true, start: startWasm, fix: 'reinstall CNN Lab (its wasm binaries are part of it)' },
  { name: 'cpu', auto: false, start: startCpu, fix: '' },
];

export function backendEntry(name: BackendName): BackendEntry {
  const entry = BACKENDS.find((b) => b.name === name);
  if (!entry) throw new Error(`no backend named ${name}`);
  return entry;
}
