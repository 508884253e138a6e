/**
 * Winograd F(4×4, 3×3) and F(2×2, 3×3) (src/trainer/kernels/winograd.ts): FusedConv2D (bias, ReLU) and Conv2DBackpropInput of 3×3
 * stride-1 convolutions on the wasm backend against tfjs's reference CPU kernels, within 1e-5 of the output's scale,
 * on odd and even sizes, channel counts off the SIMD width and every padding; and the shapes it must leave alone
 * (other geometries, fewer than 3 input channels, where XNNPACK is faster).
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdKernels, type SimdKernels } from '../../src/trainer/kernels/simd/simd-kernels';
import { compare, int, pick, randomInput, setUpBackends, type Input, type Pad, type Shape4D } from './kernels-fixtures';

before(setUpBackends);

/** Counts the calls of a Winograd kernel (the convolution unless named) while `body` runs. */
async function countingWinograd(body: () => Promise<void>, kernel: 'winogradConv3x3' | 'winogradFilterGrad3x3' = 'winogradConv3x3'): Promise<number> {
  await tf.setBackend('wasm');
  const simd = simdKernels(tf.backend() as BackendWasm) as SimdKernels;
  const original = simd[kernel] as (...args: unknown[]) => void;
  let calls = 0;
  (simd as unknown as Record<string, unknown>)[kernel] = (...args: unknown[]) => {
    calls += 1;
    original(...args);
  };
  try {
    await body();
  } finally {
    (simd as unknown as Record<string, unknown>)[kernel] = original;
  }
  return calls;
}

/** Our kernel against the CPU reference within 1e-5 of the output's scale. */
const compareBoth = (kernel: string, inputs: Record<string, Input>, attrs: object, what: string): Promise<void> => compare(kernel, inputs, attrs, what, 1e-5);

interface Case { x: Shape4D; co: number; pad: Pad; bias: boolean; relu: boolean }

function randomCase(): Case {
  for (;;) {
    const x: Shape4D = [pick([1, 3]), int(1, 29), int(1, 31), int(1, 33)];
    const c: Case = { x, co: int(1, 33), pad: pick<Pad>(['valid', 'same', [[0, 0], [int(0, 2), int(0, 2)], [int(0, 2), int(0, 2)], [0, 0]]]), bias: int(0, 1) === 1, relu: int(0, 1) === 1 };
    const info = tf.backend_util.computeConv2DInfo(x, [3, 3, x[3], c.co], 1, 1, c.pad);
    if (info.outHeight > 0 && info.outWidth > 0) return c;
  }
}

/** The input or filter gradient of case c's convolution (random dy and the other operand) against the reference. */
async function compareGradient(kernel: 'Conv2DBackpropInput' | 'Conv2DBackpropFilter', c: Case): Promise<void> {
  const filter: Shape4D = [3, 3, c.x[3], c.co];
  const dy = randomInput(tf.backend_util.computeConv2DInfo(c.x, filter, 1, 1, c.pad).outShape);
  const [inputs, shape] = kernel === 'Conv2DBackpropInput' ? [{ dy, filter: randomInput(filter) }, { inputShape: c.x }] : [{ x: randomInput(c.x), dy }, { filterShape: filter }];
  await compareBoth(kernel, inputs, { strides: [1, 1], pad: c.pad, dataFormat: 'NHWC', ...shape }, JSON.stringify({ x: c.x, co: c.co, pad: c.pad }));
}

describe('Winograd for 3×3 stride-1 convolutions', () => {
  it('FusedConv2D with and without bias and ReLU, 40 random geometries (sizes 1–29 × 1–31, channels 1–33), through Winograd from 3 input channels', async () => {
    const cases = [
      { x: [64, 28, 28, 16], co: 16, pad: 'same', bias: false, relu: false },
      { x: [3, 14, 14, 32], co: 32, pad: [[0, 0], [1, 1], [1, 1], [0, 0]], bias: true, relu: true },
      { x: [1, 5, 7, 260], co: 9, pad: 'same', bias: true, relu: false }, // past 256 input channels: F(2×2, 3×3)
      ...Array.from({ length: 40 }, randomCase),
    ] as Case[];
    const calls = await countingWinograd(async () => {
      for (const c of cases) {
        const filter: Shape4D = [3, 3, c.x[3], c.co];
        const inputs: Record<string, Input> = { x: randomInput(c.x), filter: randomInput(filter) };
        if (c.bias) inputs.bias = randomInput([c.co]);
        const attrs = { strides: [1, 1], pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1], activation: c.relu ? 'relu' : 'linear' };
        await compareBoth('FusedConv2D', inputs, attrs, JSON.stringify(c));
      }
    });
    assert.equal(calls, cases.filter((c) => c.x[3] >= 3).length);
  });

  it('Conv2DBackpropInput, 40 random geometries, through Winograd from 3 output channels (its input channels)', async () => {
    const cases = [
      { x: [64, 14, 14, 16], co: 32, pad: 'same', bias: false, relu: false },
      { x: [1, 6, 5, 9], co: 261, pad: 'same', bias: false, relu: false }, // past 256 input channels (dy's): F(2×2, 3×3)
      ...Array.from({ length: 40 }, randomCase),
    ] as Case[];
    const calls = await countingWinograd(async () => {
      for (const c of cases) await compareGradient('Conv2DBackpropInput', c);
    });
    assert.equal(calls, cases.filter((c) => c.co >= 3).length);
  });

  it('Conv2DBackpropFilter, 40 random geometries, through Winograd from 3 input channels', async () => {
    const cases = [
      { x: [64, 28, 28, 16], co: 16, pad: 'same', bias: false, relu: false },
      { x: [64, 14, 14, 32], co: 32, pad: 'same', bias: false, relu: false },
      { x: [1, 6, 5, 260], co: 9, pad: 'same', bias: false, relu: false }, // past 256 input channels: F(2×2, 3×3)
      ...Array.from({ length: 40 }, randomCase),
    ] as Case[];
    const calls = await countingWinograd(async () => {
      for (const c of cases) await compareGradient('Conv2DBackpropFilter', c);
    }, 'winogradFilterGrad3x3');
    assert.equal(calls, cases.filter((c) => c.x[3] >= 3).length);
  });

  it('leaves other filters, strides, dilations and activations to the original kernels (and they still match)', async () => {
    const cases: Array<[Shape4D, Shape4D, number, number, string]> = [
      [[2, 9, 9, 4], [5, 5, 4, 8], 1, 1, 'relu'],
      [[2, 9, 9, 4], [3, 3, 4, 8], 2, 1, 'linear'],
      [[2, 9, 9, 4], [3, 3, 4, 8], 1, 2, 'linear'],
      [[2, 9, 9, 8], [3, 3, 8, 8], 1, 1, 'elu'],
      [[2, 9, 9, 2], [3, 3, 2, 16], 1, 1, 'relu'],
    ];
    const calls = await countingWinograd(async () => {
      for (const [x, filter, stride, dilation, activation] of cases) {
        const attrs = { strides: [stride, stride], pad: 'same', dataFormat: 'NHWC', dilations: [dilation, dilation], activation };
        await compareBoth('FusedConv2D', { x: randomInput(x), filter: randomInput(filter) }, attrs, `${filter} stride ${stride} dilation ${dilation} ${activation}`);
      }
      const attrs = { strides: [2, 2], pad: 'same', dataFormat: 'NHWC', inputShape: [2, 9, 9, 4] };
      await compareBoth('Conv2DBackpropInput', { dy: randomInput([2, 5, 5, 8]), filter: randomInput([3, 3, 4, 8]) }, attrs, 'stride 2');
      const narrow = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', inputShape: [2, 9, 9, 16] };
      await compareBoth('Conv2DBackpropInput', { dy: randomInput([2, 9, 9, 2]), filter: randomInput([3, 3, 16, 2]) }, narrow, '2 output channels');
    });
    assert.equal(calls, 0);
  });
});
