/**
 * The small bridge our training kernels use to work inside the wasm backend: typed-array views of tensors
 * in the wasm heap, fresh outputs, and the backend's own fast kernels (XNNPACK matmul, transpose) called
 * directly, the way tfjs's backends call each other's kernel functions.
 */
import type { DataType, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TF } from '../backend/index';

/** The original wasm kernel functions we build on, captured before any override is registered. */
export interface WasmKernels {
  batchMatMul: KernelFunc;
  transpose: KernelFunc;
  conv2D: KernelFunc;
  cast: KernelFunc;
  sum: KernelFunc;
  identity: KernelFunc;
  add: KernelFunc;
  multiply: KernelFunc;
  fusedMatMul: KernelFunc;
  fusedConv2D: KernelFunc;
}

/** Captures the wasm backend's own kernels; throws if the wasm backend's kernels are not registered. */
export function captureWasmKernels(tf: TF): WasmKernels {
  const get = (name: string): KernelFunc => {
    const k = tf.getKernel(name, 'wasm');
    if (!k) throw new Error(`the wasm backend has no ${name} kernel registered`);
    return k.kernelFunc;
  };
  return { batchMatMul: get('BatchMatMul'), transpose: get('Transpose'), conv2D: get('Conv2D'), cast: get('Cast'), sum: get('Sum'), identity: get('Identity'), add: get('Add'), multiply: get('Multiply'), fusedMatMul: get('_FusedMatMul'), fusedConv2D: get('FusedConv2D') };
}

/** A kernel's `backend` argument seen as what it is when our kernels run: the wasm backend. */
export function asWasm(backend: unknown): BackendWasm {
  return backend as BackendWasm;
}

/**
 * A Float32Array view of a tensor in the wasm heap. Views die when the heap grows, which any new
 * output may cause: take views only after the last allocation of a kernel.
 */
export function f32(backend: BackendWasm, t: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/** A new zero-filled float32 tensor in the wasm heap. */
export function zeros(backend: BackendWasm, shape: number[]): TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  f32(backend, out).fill(0);
  return out;
}

/** The same data seen with another shape of equal size (no copy; valid for kernels that only read). */
export function withShape(t: TensorInfo, shape: number[], dtype: DataType = t.dtype): TensorInfo {
  return { dataId: t.dataId, shape, dtype };
}

/** Frees intermediate tensors a kernel created (outputs handed back to the engine are not freed). */
export function release(backend: BackendWasm, ...ts: TensorInfo[]): void {
  for (const t of ts) backend.disposeData(t.dataId);
}

/**
 * `a · b` for 2-D operands through the wasm backend's XNNPACK fully-connected path, which it only takes
 * for untransposed rank-3 operands with batch 1 (anything else goes to a naive scalar loop). The backend
 * caches `b` packed per tensor id, so a `b` must keep one 2-D shape for its lifetime (ours are fresh
 * tensors, or dy always seen as [pixels, channels]).
 */
export function fastMatMul(k: WasmKernels, backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo {
  const [m, inner] = a.shape;
  const n = b.shape[1];
  const attrs: NamedAttrMap = { transposeA: false, transposeB: false };
  const inputs: NamedTensorInfoMap = { a: withShape(a, [1, m, inner]), b: withShape(b, [1, inner, n]) };
  const out = k.batchMatMul({ inputs, backend, attrs }) as TensorInfo;
  return withShape(out, [m, n]);
}

/** Swaps the two axes of a 2-D tensor with the backend's transpose kernel. */
export function transpose2d(k: WasmKernels, backend: BackendWasm, x: TensorInfo): TensorInfo {
  return transpose(k, backend, x, [1, 0]);
}

/** Permutes the axes of a tensor with the backend's transpose kernel. */
export function transpose(k: WasmKernels, backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return k.transpose({ inputs: { x }, backend, attrs: { perm } }) as TensorInfo;
}

/** Explicit NHWC padding: [[0, 0], [top, bottom], [left, right], [0, 0]]. */
export type Padding4D = [[0, 0], [number, number], [number, number], [0, 0]];

/** An NHWC convolution on the backend's XNNPACK Conv2D kernel. */
export function xnnConv2d(
  k: WasmKernels,
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  pad: Padding4D,
  dilations: [number, number],
): TensorInfo {
  const attrs = { strides: [1, 1], pad, dilations, dataFormat: 'NHWC' } as unknown as NamedAttrMap;
  return k.conv2D({ inputs: { x, filter }, backend, attrs }) as TensorInfo;
}

/** The named kernel inputs, checked present (the engine always passes them; this narrows the type). */
export function inputsOf<N extends string>(inputs: NamedTensorInfoMap, ...names: N[]): Record<N, TensorInfo> {
  const out = {} as Record<N, TensorInfo>;
  for (const n of names) {
    const t = inputs[n];
    if (!t) throw new Error(`kernel input '${n}' is missing`);
    out[n] = t;
  }
  return out;
}
