/**
 * Native TensorFlow (@tensorflow/tfjs-node, -gpu): optional packages loaded from node_modules or an install prefix.
 * They bring their own copy of tfjs-core, whose namespace is returned: our bundled copy's tensors are not theirs.
 */
import type { TF } from '../engine/tf';
import type { BackendInfo, BackendStart, Unavailable } from './entry';
import { loadOptionalModule, nvidiaGpuVisible } from './optional-module';

/** tfjs-node-gpu, only where an NVIDIA GPU is visible: its native library otherwise falls back to the CPU silently. */
export async function startTensorflowGpu(start: BackendStart): Promise<BackendInfo | Unavailable> {
  // Quiet in auto: most machines have no NVIDIA GPU.
  if (!nvidiaGpuVisible()) return { notInstalled: !start.explicit, reason: 'no NVIDIA GPU with a working driver is visible (nvidia-smi)', fix: 'use --backend webgpu, tensorflow or wasm' };
  return startNative('@tensorflow/tfjs-node-gpu', 'tensorflow-gpu', 'native TensorFlow with CUDA', start);
}

export function startTensorflow(start: BackendStart): Promise<BackendInfo | Unavailable> {
  return startNative('@tensorflow/tfjs-node', 'tensorflow', 'native TensorFlow, CPU', start);
}

async function startNative(pkg: '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu', name: 'tensorflow' | 'tensorflow-gpu', what: string, start: BackendStart): Promise<BackendInfo | Unavailable> {
  const loaded = loadOptionalModule(pkg, start.extraModulePaths);
  if (!loaded.ok) return loaded;
  const tf = loaded.exports as TF;
  if (typeof tf.setBackend !== 'function' || !(await tf.setBackend('tensorflow'))) {
    return { notInstalled: false, reason: `${pkg} loaded from ${loaded.from} but its 'tensorflow' backend did not initialise` };
  }
  await tf.ready();
  return { tf, name, description: `${name} (${what}, tfjs ${tf.version_core})` };
}
