/** The engines bundled with CNN Lab: wasm with our training kernels (the CPU path), and tfjs's pure-JavaScript cpu. */
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// A used named import: esbuild drops a bare import of this package (its node build is not listed in
// "sideEffects"), and importing it is what registers the cpu backend.
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { registerTrainingKernels } from '../kernels/register';
import type { BackendInfo, BackendStart, Unavailable } from './entry';
import { tfCore } from './tfjs-core';
import { findWasmDir } from './wasm-files';

export async function startWasm(start: BackendStart): Promise<BackendInfo | Unavailable> {
  const found = findWasmDir(start.wasmDir);
  if ('error' in found) return { notInstalled: false, reason: found.error };
  setWasmPaths(found.dir);
  if (!(await tfCore.setBackend('wasm'))) return { notInstalled: false, reason: `it failed to initialise from ${found.dir} (see the messages above)` };
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

export async function startCpu(start: BackendStart): Promise<BackendInfo> {
  start.log('warning: the pure-JavaScript cpu backend is about 300× slower than wasm for training; use it only for debugging');
  await tfCore.setBackend('cpu');
  await tfCore.ready();
  return { tf: tfCore, name: 'cpu', description: `cpu (tfjs-backend-cpu ${version_cpu}, pure JavaScript; ~300× slower than wasm)` };
}
