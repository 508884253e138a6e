/**
 * Identity and same-dtype Cast without copying. The wasm backend copies the data for both, and training
 * runs many of them: every custom-gradient op (tf.fused.conv2d, tf.fused.matMul, softmax cross-entropy)
 * saves clones of its activations for the backward pass. Tensors are immutable and the wasm backend
 * reference-counts shared data (its own Reshape shares it), so sharing is safe, as the CPU backend does.
 */
import type { CastAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { asWasm, inputsOf, type WasmKernels } from './wasm-ops';

function share(backend: unknown, x: TensorInfo): TensorInfo {
  asWasm(backend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Identity as a shared reference (strings keep the original kernel: they live outside the wasm heap). */
export function identityConfig(k: WasmKernels): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x } = inputsOf(args.inputs, 'x');
    return x.dtype === 'string' ? k.identity(args) : share(args.backend, x);
  };
  return { kernelName: 'Identity', backendName: 'wasm', kernelFunc };
}

/** Cast to the dtype the tensor already has as a shared reference; real conversions use the original. */
export function castConfig(k: WasmKernels): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x } = inputsOf(args.inputs, 'x');
    const { dtype } = args.attrs as unknown as CastAttrs;
    return dtype === x.dtype && dtype !== 'string' ? share(args.backend, x) : k.cast(args);
  };
  return { kernelName: 'Cast', backendName: 'wasm', kernelFunc };
}
