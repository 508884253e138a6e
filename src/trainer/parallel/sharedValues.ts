/**
 * Tensors to and from shared memory with as few copies as the engine allows: the wasm engine's tensors are read
 * straight from its heap (dataSync would copy them once more), and a tensor made from shared memory is copied
 * into the engine so that the next step's writes cannot change it (the wasm engine copies on creation; the cpu
 * backend would keep the shared view).
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { f32 } from '../kernels/wasm-ops';
import type { TF, Tensor } from '../engine/tf';

/** Copies float32 tensor `t`'s values into `into`. */
export function copyValues(tf: TF, t: Tensor, into: Float32Array): void {
  into.set(tf.getBackend() === 'wasm' ? f32(tf.backend() as BackendWasm, t) : (t.dataSync() as Float32Array));
}

/** A tensor of shape `shape` holding a copy of `values`. */
export function tensorOf(tf: TF, values: Float32Array, shape: number[]): Tensor {
  return tf.tensor(tf.getBackend() === 'wasm' ? values : values.slice(), shape, 'float32');
}
