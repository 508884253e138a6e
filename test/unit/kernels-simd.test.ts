/**
 * CNN Lab's WebAssembly SIMD kernels (src/trainer/kernels/simd) and the JavaScript paths they replace, against tfjs's
 * reference CPU kernels; and the fused optimizer update against the optimizer written with tfjs ops on the CPU backend.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { createOptimizer, type OptimizerConfig } from '../../src/trainer/engine/optimizers';
import { OPTIMIZER_STEP } from '../../src/trainer/kernels/optimizer-step';
import { simdKernels, type SimdKernels } from '../../src/trainer/kernels/simd/simd-kernels';
import { assertClose, compare, int, pick, rand, randomInput, randomPad, setUpBackends, withAndWithoutSimd, type Input, type Shape4D } from './kernels-fixtures';

before(setUpBackends);

describe('SIMD kernels (simd/training-kernels.c) and the JavaScript paths they replace', () => {
  it('load on the wasm backend here (otherwise the tests below would only test the JavaScript paths)', async () => {
    await tf.setBackend('wasm');
    assert.ok(simdKernels(tf.backend() as BackendWasm));
  });

  it('Conv2DBackpropFilter with output channels in fours and input channels in fours, 40 random geometries', async () => {
    for (let i = 0; i < 40; i++) {
      const x: Shape4D = [int(1, 3), int(1, 9), int(1, 9), pick([1, 2, 3, 4, 8])];
      const filter: Shape4D = [int(1, 4), int(1, 4), x[3], pick([4, 8, 12, 16])];
      const strides: [number, number] = [int(1, 3), int(1, 3)];
      const pad = randomPad();
      const info = tf.backend_util.computeConv2DInfo(x, filter, strides, 1, pad);
      if (info.outHeight <= 0 || info.outWidth <= 0) continue;
      const inputs = { x: randomInput(x), dy: randomInput(info.outShape) };
      const attrs = { strides, pad, dataFormat: 'NHWC', filterShape: filter };
      await withAndWithoutSimd((path) => compare('Conv2DBackpropFilter', inputs, attrs, `${path} ${JSON.stringify({ x, filter, strides, pad })}`));
    }
  });

  it('MaxPoolGrad of MaxPool2d(2) with channels in fours, with ties', async () => {
    for (const xShape of [[2, 8, 6, 4], [3, 4, 10, 8], [4, 14, 14, 32]] as Shape4D[]) {
      for (const ties of [false, true]) {
        const x = randomInput(xShape, ties ? () => int(0, 2) : undefined);
        await tf.setBackend('cpu');
        const [output, outShape] = tf.tidy(() => {
          const y = tf.maxPool(tf.tensor4d(x.data, xShape), 2, 2, 'valid');
          return [y.dataSync() as Float32Array, y.shape];
        });
        const inputs = { dy: randomInput(outShape), input: x, output: { shape: outShape, data: output } };
        const attrs = { filterSize: [2, 2], strides: [2, 2], pad: 'valid' };
        await withAndWithoutSimd((path) => compare('MaxPoolGrad', inputs, attrs, `${path} ${xShape} ties ${ties}`));
      }
    }
  });

  it('Add of a channel bias ([..., C] + [C], either order), and Adds it leaves to the original kernel', async () => {
    const cases: Array<[number[], number[]]> = [[[4, 5, 6, 8], [8]], [[16], [3, 7, 16]], [[2, 3, 4], [1, 1, 4]], [[5, 6], [6]], [[4, 4], [4, 4]], [[3, 8], [3, 1]]];
    for (const [sa, sb] of cases) {
      const inputs = { a: randomInput(sa), b: randomInput(sb) };
      await withAndWithoutSimd((path) => compare('Add', inputs, {}, `${path} ${sa} + ${sb}`));
    }
  });

  it("Multiply by a per-image channel scale ([N, H, W, C] · [N, 1, 1, C], Dropout2d's mask) through the SIMD stream, either order, and Multiplies it leaves to the original kernel", async () => {
    await tf.setBackend('wasm');
    const simd = simdKernels(tf.backend() as BackendWasm) as SimdKernels;
    const stream = simd.scaleChannelsPerImage;
    let streamed = 0;
    simd.scaleChannelsPerImage = (...args) => {
      streamed += 1;
      stream(...args);
    };
    try {
      const cases: Array<[number[], number[], boolean]> = [
        [[4, 7, 5, 16], [4, 1, 1, 16], true], [[2, 1, 1, 8], [2, 3, 3, 8], true], [[3, 6, 6, 32], [3, 1, 1, 32], true],
        [[3, 6, 6, 6], [3, 1, 1, 6], false], [[3, 4, 4, 8], [1, 1, 1, 8], false], [[3, 4, 4, 8], [3, 4, 4, 8], false], [[2, 1, 1, 8], [2, 1, 1, 8], false],
      ];
      for (const [sa, sb, ours] of cases) {
        const before = streamed;
        await compare('Multiply', { a: randomInput(sa), b: randomInput(sb) }, {}, `${sa} · ${sb}`);
        assert.equal(streamed - before, ours ? 1 : 0, `${sa} · ${sb}: ${ours ? '' : 'not '}expected through the SIMD stream`);
      }
    } finally {
      simd.scaleChannelsPerImage = stream;
    }
  });

  it('_FusedMatMul streaming the weights for up to 16 rows (bias, ReLU, widths in fours and eights), and what it leaves to the original', async () => {
    for (let i = 0; i < 40; i++) {
      const m = i < 30 ? int(1, 16) : int(17, 24);
      const k = int(1, 40);
      const n = i % 10 === 9 ? int(1, 9) : 4 * int(1, 9);
      const withBias = int(0, 1) === 1;
      const activation = pick(['linear', 'relu', 'elu']);
      // As tfjs's fused.matMul calls the kernel: batches of one.
      const inputs: Record<string, Input> = { a: randomInput([1, m, k]), b: randomInput([1, k, n]) };
      if (withBias) inputs.bias = randomInput([n]);
      await compare('_FusedMatMul', inputs, { transposeA: false, transposeB: false, activation }, `${m}×${k}·${k}×${n} bias ${withBias} ${activation}`);
    }
    const a = randomInput([1, 3, 8]);
    await compare('_FusedMatMul', { a, b: randomInput([1, 12, 8]) }, { transposeA: false, transposeB: true, activation: 'linear' }, 'a·bᵀ');
  });

  it('_FusedMatMul keeps no packed copy of the weights it streams', async () => {
    await tf.setBackend('wasm');
    const heap = (): number => ((tf.backend() as BackendWasm).wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer.byteLength;
    // A 12.5M-element (48 MiB) weight: a packed copy would grow the heap by as much again.
    const w = tf.randomUniform([3136, 4000]);
    const x = tf.randomUniform([8, 3136]);
    const before = heap();
    const y = tf.fused.matMul({ a: x, b: w, activation: 'relu' });
    assert.ok(heap() - before < 8 * 1024 * 1024, `heap grew by ${(heap() - before) / 2 ** 20} MiB`);
    assert.deepEqual(y.shape, [8, 4000]);
    tf.dispose([w, x, y]);
  });

  it('Sum over leading axes with rows in fours and eights (bias gradients)', async () => {
    for (const [shape, axis] of [[[5, 7, 12], [0, 1]], [[64, 3, 3, 16], [0, 1, 2]], [[9, 40], 0], [[2, 2, 2, 4], [0, 1, 2]]] as Array<[number[], number[]]>) {
      const x = randomInput(shape);
      await withAndWithoutSimd((path) => compare('Sum', { x }, { axis, keepDims: false }, `${path} ${shape}`));
    }
  });
});

/**
 * Three steps of the engine's optimizer on one backend; returns each step's parameter change and the kernels the
 * steps ran. On cpu the optimizer is written with tfjs ops (the reference); on wasm it runs our fused kernel.
 */
async function optimizerDeltas(backend: string, config: OptimizerConfig, p0: Input, grads: Input[]): Promise<{ deltas: Float32Array[]; kernels: string[] }> {
  await tf.setBackend(backend);
  const variable = tf.variable(tf.tensor(p0.data, p0.shape), true, `p_${backend}_${Math.random()}`);
  const opt = createOptimizer(tf, config, [{ name: 'p', variable }]);
  const deltas: Float32Array[] = [];
  const kernels = new Set<string>();
  let tensorsAfterFirst = 0;
  for (const [i, g] of grads.entries()) {
    if (i === 1) tensorsAfterFirst = tf.memory().numTensors;
    const before = variable.dataSync().slice();
    const grad = tf.tensor(g.data, g.shape);
    const info = await tf.profile(() => opt.step({ [variable.name]: grad }, 0.01 * (i + 1)));
    info.kernelNames.forEach((k) => kernels.add(k));
    grad.dispose();
    deltas.push(Float32Array.from(variable.dataSync(), (v, j) => v - (before[j] as number)));
  }
  assert.equal(tf.memory().numTensors, tensorsAfterFirst, `${backend}: an optimizer step leaks tensors`);
  opt.dispose();
  variable.dispose();
  return { deltas, kernels: [...kernels] };
}

describe('fused optimizer updates', () => {
  it('SGD, Adam, AdamW and RMSprop on wasm (one kernel per parameter) match the ops version on cpu', async () => {
    const configs: OptimizerConfig[] = [
      { optimizer: 'sgd', momentum: 0, nesterov: false, weight_decay: 0 },
      { optimizer: 'sgd', momentum: 0.9, nesterov: false, weight_decay: 0.01 },
      { optimizer: 'sgd', momentum: 0.8, nesterov: true, weight_decay: 0 },
      { optimizer: 'adam', momentum: 0, nesterov: false, weight_decay: 0 },
      { optimizer: 'adam', momentum: 0, nesterov: false, weight_decay: 0.05 },
      { optimizer: 'adamw', momentum: 0, nesterov: false, weight_decay: 0.1 },
      { optimizer: 'rmsprop', momentum: 0, nesterov: false, weight_decay: 0 },
      { optimizer: 'rmsprop', momentum: 0.9, nesterov: false, weight_decay: 0.01 },
    ];
    for (const config of configs) {
      const shape = [int(1, 5), int(1, 7)];
      const p0 = randomInput(shape);
      // Gradients of very different sizes, so that Adam's and RMSprop's normalisation matters.
      const grads = [randomInput(shape), randomInput(shape, () => (rand() - 0.5) * 1e-3), randomInput(shape, () => (rand() - 0.5) * 50)];
      const ref = await optimizerDeltas('cpu', config, p0, grads);
      assert.ok(!ref.kernels.includes(OPTIMIZER_STEP));
      await withAndWithoutSimd(async (path) => {
        const ours = await optimizerDeltas('wasm', config, p0, grads);
        assert.ok(ours.kernels.includes(OPTIMIZER_STEP) && !ours.kernels.includes('Sqrt'), `wasm ran ${ours.kernels}`);
        ref.deltas.forEach((r, i) => assertClose(ours.deltas[i] as Float32Array, r, `${path} ${JSON.stringify(config)} step ${i + 1}`));
      });
    }
  });
});

describe('optimizer state never subnormal', () => {
  // Subnormal floats cost x86 a microcode assist each: Adam's m of a parameter whose gradient stays 0 shrinks by β1
  // per step into that range after ~800 steps, and the kernel then took three times as long.
  const isSubnormal = (x: number) => x !== 0 && Math.abs(x) < 1.1754943508222875e-38;

  it('Adam, SGD with momentum and RMSprop store tiny state as 0, and steps as the cpu ops version within 1e-6', async () => {
    const rules = [
      { rule: 'adam', momentum: 0 },
      { rule: 'sgd', momentum: 0.9 },
      { rule: 'rmsprop', momentum: 0.9 },
    ];
    for (const { rule, momentum } of rules) {
      await tf.setBackend('wasm');
      await withAndWithoutSimd(async (path) => {
        const attrs = { rule, lr: 0.01, t: 1, weightDecay: 0, momentum, nesterov: false, beta1: 0.9, beta2: 0.999, eps: 1e-8, alpha: 0.9 };
        // State that one more step with zero (or subnormal-squared) gradients takes into the subnormal range, beside
        // ordinary state that must step exactly as before.
        const tinyState = [1.2e-38, -1.2e-38, 1.25e-38, 1.3e-38];
        const param = tf.tensor1d([1, -1, 0.5, 0.25, 1, -1]);
        const grad = tf.tensor1d([0, 0, 1e-20, -1e-19, 0.3, -0.2]);
        const a = tf.tensor1d([...tinyState, 0.01, -0.02]);
        const b = tf.tensor1d([1.176e-38, 1.177e-38, 1.2e-38, 1.25e-38, 0.001, 0.002]);
        const [p2, a2, b2] = tf.engine().runKernel(OPTIMIZER_STEP, { param, grad, a, b }, { ...attrs, t: 50 }) as tf.Tensor[];
        const state = [...a2.dataSync(), ...(rule === 'sgd' ? [] : b2.dataSync())];
        assert.deepEqual(state.filter(isSubnormal), [], `${path} ${rule}: subnormal state ${state}`);
        const stepped = p2.dataSync();
        for (let i = 0; i < 4; i++) assert.ok(Math.abs(stepped[i] - param.dataSync()[i]) < 1e-6, `${path} ${rule}: tiny gradient ${i} barely moves its weight`);
        tf.dispose([param, grad, a, b, p2, a2, b2]);
      });
    }
  });

  it('keeps a NaN gradient (divergence must still be seen)', async () => {
    await tf.setBackend('wasm');
    await withAndWithoutSimd(async (path) => {
      const attrs = { rule: 'adam', lr: 0.01, t: 1, weightDecay: 0, momentum: 0, nesterov: false, beta1: 0.9, beta2: 0.999, eps: 1e-8, alpha: 0.99 };
      const [param, grad, a, b] = [tf.ones([5]), tf.tensor1d([NaN, 1, 1, 1, NaN]), tf.zeros([5]), tf.zeros([5])];
      const [p2, a2, b2] = tf.engine().runKernel(OPTIMIZER_STEP, { param, grad, a, b }, attrs) as tf.Tensor[];
      const p = p2.dataSync();
      assert.ok(Number.isNaN(p[0]) && Number.isNaN(p[4]) && Number.isFinite(p[1]), `${path}: ${p}`);
      tf.dispose([param, grad, a, b, p2, a2, b2]);
    });
  });
});

describe('optimizer state in place', () => {
  const attrs = { rule: 'adam', lr: 0.01, t: 1, weightDecay: 0, momentum: 0, nesterov: false, beta1: 0.9, beta2: 0.999, eps: 1e-8, alpha: 0.99 };

  it('writes the state into its own buffer when only the optimizer holds it, and the parameter into a fresh one', async () => {
    await tf.setBackend('wasm');
    await withAndWithoutSimd(async (path) => {
      const [param, grad, a, b] = [tf.ones([6]), tf.fill([6], 0.5), tf.zeros([6]), tf.zeros([6])];
      const [p2, a2, b2] = tf.engine().runKernel(OPTIMIZER_STEP, { param, grad, a, b }, attrs) as tf.Tensor[];
      assert.equal(a2.dataId, a.dataId, `${path}: first moment updated in place`);
      assert.equal(b2.dataId, b.dataId, `${path}: second moment updated in place`);
      assert.notEqual(p2.dataId, param.dataId, `${path}: XNNPACK caches packed weights per tensor, so a weight is never overwritten`);
      assertClose(a.dataSync() as Float32Array, new Float32Array(6).fill(0.05), `${path} m`);
      tf.dispose([param, grad, a, b, p2, a2, b2]);
    });
  });

  it('leaves state another tensor shares untouched (a fresh output instead)', async () => {
    await tf.setBackend('wasm');
    const [param, grad, a, b] = [tf.ones([5]), tf.fill([5], 0.5), tf.zeros([5]), tf.zeros([5])];
    const alias = tf.clone(a); // shares a's buffer (our Identity kernel)
    const [p2, a2, b2] = tf.engine().runKernel(OPTIMIZER_STEP, { param, grad, a, b }, attrs) as tf.Tensor[];
    assert.notEqual(a2.dataId, a.dataId);
    assert.deepEqual(Array.from(alias.dataSync()), [0, 0, 0, 0, 0]);
    assertClose(a2.dataSync() as Float32Array, new Float32Array(5).fill(0.05), 'fresh m');
    tf.dispose([param, grad, a, b, alias, p2, a2, b2]);
  });
});
