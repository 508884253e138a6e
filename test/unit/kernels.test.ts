/**
 * CNN Lab's wasm training kernels against tfjs's reference CPU kernels (@tensorflow/tfjs-backend-cpu) on
 * random shapes: strides, valid/same/explicit padding, dilation (depthwise, pooling), odd sizes, batch sizes.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { assertClose, compare, int, pick, randomInput, randomPad, run, setUpBackends, withAndWithoutSimd, type Pad, type Shape4D } from './kernels-fixtures';

/** A random convolution geometry with a non-empty output. */
function convCase(depthwise: boolean, dilated = false): { x: Shape4D; filter: Shape4D; strides: [number, number]; dilations: [number, number]; pad: Pad; out: Shape4D } {
  for (;;) {
    const x: Shape4D = [int(1, 3), int(1, 9), int(1, 9), int(1, 5)];
    const filter: Shape4D = [int(1, 4), int(1, 4), x[3], depthwise ? int(1, 3) : int(1, 6)];
    const strides: [number, number] = [int(1, 3), int(1, 3)];
    // tfjs differentiates convolutions with dilation 1 only; the depthwise kernels take dilations (with stride 1)
    if (dilated) strides.fill(1);
    const dilations: [number, number] = dilated ? [int(1, 3), int(2, 3)] : [1, 1];
    const pad = randomPad();
    const info = tf.backend_util.computeConv2DInfo(x, filter, strides, dilations, pad, undefined, depthwise);
    if (info.outHeight > 0 && info.outWidth > 0) return { x, filter, strides, dilations, pad, out: info.outShape };
  }
}

before(setUpBackends);

describe('wasm training kernels vs the CPU reference', () => {
  it('registers the gradient kernels the wasm backend lacks', () => {
    for (const k of ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput']) {
      assert.ok(tf.getKernel(k, 'wasm'), k);
    }
  });

  it('Conv2DBackpropFilter on 40 random geometries', async () => {
    for (let i = 0; i < 40; i++) {
      const c = convCase(false);
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter };
      await compare('Conv2DBackpropFilter', { x: randomInput(c.x), dy: randomInput(c.out) }, attrs, JSON.stringify(c));
    }
  });

  it('Conv2DBackpropInput on 40 random geometries', async () => {
    for (let i = 0; i < 40; i++) {
      const c = convCase(false);
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x };
      await compare('Conv2DBackpropInput', { dy: randomInput(c.out), filter: randomInput(c.filter) }, attrs, JSON.stringify(c));
    }
  });

  it('convolution gradients of the reference CNN layers (both dW strategies, stride-1 dx), batch 8', async () => {
    const layers: Array<[Shape4D, Shape4D]> = [
      [[8, 28, 28, 1], [3, 3, 1, 16]], // patch (9) ≤ output channels: im2col + matmul
      [[8, 14, 14, 16], [3, 3, 16, 32]], // transposed convolution trick
    ];
    for (const [x, filter] of layers) {
      const dy = randomInput([x[0], x[1], x[2], filter[3]]);
      await compare('Conv2DBackpropFilter', { x: randomInput(x), dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: filter }, `${x}`);
      await compare('Conv2DBackpropInput', { dy, filter: randomInput(filter) }, { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: x }, `${x}`);
    }
  });

  it('Depthwise backprop filter and input on 30 random geometries (dilation 1)', async () => {
    for (let i = 0; i < 30; i++) {
      const c = convCase(true, false);
      const common = { strides: c.strides, dilations: c.dilations, pad: c.pad };
      await compare('DepthwiseConv2dNativeBackpropFilter', { x: randomInput(c.x), dy: randomInput(c.out) }, { ...common, filterShape: c.filter }, JSON.stringify(c));
      await compare('DepthwiseConv2dNativeBackpropInput', { dy: randomInput(c.out), filter: randomInput(c.filter) }, { ...common, inputShape: c.x }, JSON.stringify(c));
    }
  });

  // The CPU reference kernels ignore dilation (tfjs only differentiates undilated depthwise convolutions), so
  // dilated cases are checked as adjoints of the CPU forward op: <conv(x, W), dy> = <x, dX(dy, W)> = <W, dW(x, dy)>.
  it('Depthwise backprop kernels are the adjoints of the dilated forward convolution', async () => {
    for (let i = 0; i < 20; i++) {
      const c = convCase(true, true);
      const [x, w, dy] = [randomInput(c.x), randomInput(c.filter), randomInput(c.out)];
      const common = { strides: c.strides, dilations: c.dilations, pad: c.pad };
      const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, v, j) => s + v * (b[j] as number), 0);
      const y = await run('cpu', 'DepthwiseConv2dNative', { x, filter: w }, { ...common, dataFormat: 'NHWC' });
      const dx = await run('wasm', 'DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...common, inputShape: c.x });
      const dw = await run('wasm', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...common, filterShape: c.filter });
      const expected = dot(y, dy.data);
      const tol = 1e-4 * (Math.abs(expected) + Math.sqrt(y.length));
      assert.ok(Math.abs(dot(x.data, dx) - expected) <= tol, `input adjoint ${JSON.stringify(c)}`);
      assert.ok(Math.abs(dot(w.data, dw) - expected) <= tol, `filter adjoint ${JSON.stringify(c)}`);
    }
  });

  /** MaxPoolGrad on `xShape` against the CPU reference; `ties` draws few distinct values. */
  async function checkMaxPoolGrad(xShape: Shape4D, filterSize: [number, number], strides: [number, number], pad: 'valid' | 'same', ties: boolean): Promise<void> {
    const x = randomInput(xShape, ties ? () => int(0, 2) : undefined);
    await tf.setBackend('cpu');
    const [output, outShape] = tf.tidy(() => {
      const y = tf.maxPool(tf.tensor4d(x.data, xShape), filterSize, strides, pad);
      return [y.dataSync() as Float32Array, y.shape];
    });
    const inputs = { dy: randomInput(outShape), input: x, output: { shape: outShape, data: output } };
    await compare('MaxPoolGrad', inputs, { filterSize, strides, pad }, JSON.stringify({ xShape, filterSize, strides, pad, ties }));
  }

  it('MaxPoolGrad on 40 random geometries, including ties (the first maximum wins)', async () => {
    for (let i = 0; i < 40; i++) {
      const xShape: Shape4D = [int(1, 3), int(1, 9), int(1, 9), int(1, 5)];
      const filterSize: [number, number] = [int(1, Math.min(3, xShape[1])), int(1, Math.min(3, xShape[2]))];
      await checkMaxPoolGrad(xShape, filterSize, [int(1, 3), int(1, 3)], pick(['valid', 'same'] as const), i % 4 === 0);
    }
  });

  it('MaxPoolGrad of MaxPool2d(2) (its own fast path), with ties, odd sizes and the reference CNN size', async () => {
    for (const xShape of [[2, 8, 6, 5], [1, 7, 9, 3], [8, 28, 28, 16]] as Shape4D[]) {
      for (const ties of [false, true]) await checkMaxPoolGrad(xShape, [2, 2], [2, 2], 'valid', ties);
    }
    await checkMaxPoolGrad([2, 7, 5, 3], [2, 2], [2, 2], 'same', true);
  });

  it('BatchMatMul with every transpose combination, rank 2 and 3, and batched products', async () => {
    for (let i = 0; i < 24; i++) {
      const [m, k, n] = [int(1, 40), int(1, 40), int(1, 40)];
      const [tA, tB] = [i % 2 === 1, (i >> 1) % 2 === 1];
      const batch = i < 16 ? [] : [i < 20 ? 1 : int(2, 3)];
      const a = randomInput([...batch, ...(tA ? [k, m] : [m, k])]);
      const b = randomInput([...batch, ...(tB ? [n, k] : [k, n])]);
      await withAndWithoutSimd((path) => compare('BatchMatMul', { a, b }, { transposeA: tA, transposeB: tB }, `${path} ${JSON.stringify({ m, k, n, tA, tB, batch })}`));
    }
  });
});

describe('wasm kernels we replace for speed outside gradients', () => {
  it('Sum over leading axes (bias gradients), with and without keepDims; other axes still work', async () => {
    const cases: Array<[number[], number | number[], boolean]> = [
      [[4, 5, 6, 3], [0, 1, 2], false],
      [[4, 5, 6, 3], [2, 0, 1], true],
      [[7, 9], 0, false],
      [[3, 4, 5], [0, 1], true],
      [[3, 4, 5], [1, 2], false], // not leading: the built-in kernel
      [[3, 4, 5], -1, true],
      [[6], 0, false], // every axis: the built-in kernel
    ];
    for (const [shape, axis, keepDims] of cases) {
      await compare('Sum', { x: randomInput(shape) }, { axis, keepDims }, JSON.stringify({ shape, axis, keepDims }));
      await tf.setBackend('wasm');
      const ours = tf.tidy(() => tf.sum(tf.zeros(shape), axis, keepDims).shape);
      await tf.setBackend('cpu');
      assert.deepEqual(ours, tf.tidy(() => tf.sum(tf.zeros(shape), axis, keepDims).shape));
    }
  });

  it('Identity and same-dtype Cast share data safely; real casts convert', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor2d([[1.5, -2], [3, 4]]);
    const copy = tf.clone(x);
    const same = tf.cast(x, 'float32');
    copy.dispose();
    same.dispose();
    assert.deepEqual(Array.from(x.dataSync()), [1.5, -2, 3, 4]); // the original survives its clones
    const asInt = tf.cast(x, 'int32');
    assert.equal(asInt.dtype, 'int32');
    assert.deepEqual(Array.from(asInt.dataSync()), [1, -2, 3, 4]);
    const mask = tf.cast(tf.greater(x, 2), 'float32');
    assert.deepEqual(Array.from(mask.dataSync()), [0, 0, 1, 1]);
    tf.dispose([x, asInt, mask]);
  });
});

describe('end-to-end gradients of a small conv net', () => {
  it('tf.grads on wasm matches cpu for every weight', async () => {
    const x = randomInput([3, 11, 11, 2]);
    const weights = [randomInput([3, 3, 2, 8]), randomInput([3, 3, 8, 2]), randomInput([2, 2, 16, 6]), randomInput([54, 5])];
    const grads = async (backend: string): Promise<Float32Array[]> => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const input = tf.tensor4d(x.data, x.shape as Shape4D);
        const loss = (w1: tf.Tensor, w2: tf.Tensor, w3: tf.Tensor, w4: tf.Tensor): tf.Scalar => {
          let h = tf.relu(tf.conv2d(input, w1 as tf.Tensor4D, 1, 'same'));
          h = tf.maxPool(h, 2, 2, 'same');
          h = tf.elu(tf.depthwiseConv2d(h, w2 as tf.Tensor4D, 1, 'same'));
          h = tf.leakyRelu(tf.conv2d(h, w3 as tf.Tensor4D, 2, 'valid'), 0.1);
          const logits = tf.matMul(tf.reshape(h, [x.shape[0] as number, -1]), w4 as tf.Tensor2D);
          return tf.losses.softmaxCrossEntropy(tf.oneHot([0, 3, 4], 5), logits) as tf.Scalar;
        };
        const g = tf.grads(loss)(weights.map((w) => tf.tensor(w.data, w.shape)));
        return g.map((t) => t.dataSync() as Float32Array);
      });
    };
    const ref = await grads('cpu');
    const ours = await grads('wasm');
    ref.forEach((r, i) => assertClose(ours[i] as Float32Array, r, `gradient of weight ${i}`));
  });
});
