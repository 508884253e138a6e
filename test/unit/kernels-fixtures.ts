/**
 * Shared helpers of the kernel tests: seeded random inputs, running one kernel on a backend, and comparing our wasm
 * kernels with tfjs's reference CPU kernels to float32 rounding.
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/trainer/backend/index';
import { setSimdKernelsEnabled } from '../../src/trainer/kernels/simd/simd-kernels';

export type Pad = 'valid' | 'same' | [[0, 0], [number, number], [number, number], [0, 0]];
export type Shape4D = [number, number, number, number];
export interface Input { shape: number[]; data: Float32Array }

/** Small seeded PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}
export const rand = rng(20261122);
export const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
export const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)] as T;
export const randomInput = (shape: number[], values?: () => number): Input => {
  const data = new Float32Array(shape.reduce((p, d) => p * d, 1));
  for (let i = 0; i < data.length; i++) data[i] = values ? values() : rand() * 2 - 1;
  return { shape, data };
};
export const randomPad = (): Pad => pick<Pad>(['valid', 'same', [[0, 0], [int(0, 2), int(0, 2)], [int(0, 2), int(0, 2)], [0, 0]]]);

/** Runs one kernel on a backend and returns its output values. */
export async function run(backend: string, kernel: string, inputs: Record<string, Input>, attrs: object): Promise<Float32Array> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const tensors = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.data, v.shape)]));
    const out = tf.engine().runKernel(kernel, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
    return out.dataSync() as Float32Array;
  });
}

/** Asserts |ours − ref| ≤ tolerance · max|ref| element-wise (float32 rounding of differently ordered sums). */
export function assertClose(ours: Float32Array, ref: Float32Array, what: string, tolerance = 1e-4): void {
  assert.equal(ours.length, ref.length, `${what}: size`);
  let scale = 1e-6;
  for (const v of ref) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < ref.length; i++) {
    const err = Math.abs((ours[i] as number) - (ref[i] as number));
    if (!(err <= tolerance * scale)) assert.fail(`${what}: element ${i} is ${ours[i]}, reference ${ref[i]} (scale ${scale})`);
  }
}

export async function compare(kernel: string, inputs: Record<string, Input>, attrs: object, what: string, tolerance = 1e-4): Promise<void> {
  const ref = await run('cpu', kernel, inputs, attrs);
  const ours = await run('wasm', kernel, inputs, attrs);
  assertClose(ours, ref, `${kernel} ${what}`, tolerance);
}

/** Runs `check` with our SIMD kernels, then with the JavaScript paths they replace. */
export async function withAndWithoutSimd(check: (path: string) => Promise<void>): Promise<void> {
  try {
    await check('SIMD');
    setSimdKernelsEnabled(false);
    await check('JavaScript');
  } finally {
    setSimdKernelsEnabled(true);
  }
}

/** Loads the CPU reference backend and starts the wasm backend with our kernels. */
export async function setUpBackends(): Promise<void> {
  await import('@tensorflow/tfjs-backend-cpu');
  await initBackend('wasm');
}
