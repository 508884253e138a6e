/**
 * The fused Conv2d + bias + ReLU op (src/trainer/engine/layers/fusedConv.ts) against tfjs's separate ops on the
 * reference CPU backend: output and the gradients of x, filter and bias, on random geometries, with and without
 * bias and ReLU; and the engine's model runs a Conv2d → ReLU pair through it in training and inference alike.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { analyzeModel } from '../../src/model';
import { absorbedRelus } from '../../src/model/memory/convRelu';
import { fusedConv2d } from '../../src/trainer/engine/layers/fusedConv';
import { buildModel } from '../../src/trainer/engine/model';
import { assertClose, int, pick, randomInput, setUpBackends, type Input, type Shape4D } from './kernels-fixtures';

before(setUpBackends);

type ExplicitPad = [[0, 0], [number, number], [number, number], [0, 0]];
/** tfjs sizes a numerically padded output with the vertical stride on both axes: references use explicit pads. */
const explicit = (pad: number | 'valid'): ExplicitPad | 'valid' => (pad === 'valid' ? pad : [[0, 0], [pad, pad], [pad, pad], [0, 0]]);

interface Case { x: Shape4D; filter: Shape4D; strides: [number, number]; pad: number | 'valid'; bias: boolean; relu: boolean }

function randomCase(): Case {
  for (;;) {
    const x: Shape4D = [int(1, 3), int(2, 9), int(2, 9), int(1, 5)];
    const filter: Shape4D = [int(1, 3), int(1, 3), x[3], 4 * int(1, 2) + int(0, 1)];
    const c: Case = { x, filter, strides: [int(1, 2), int(1, 2)], pad: pick<number | 'valid'>(['valid', 0, 1, 2]), bias: int(0, 1) === 1, relu: int(0, 1) === 1 };
    const info = tf.backend_util.computeConv2DInfo(x, filter, c.strides, 1, explicit(c.pad));
    if (info.outHeight > 0 && info.outWidth > 0) return c;
  }
}

/** y and dL/d(x, filter, bias) for L = Σ y·r, with the fused op or the separate reference ops. */
async function valueAndGrads(backend: string, c: Case, fused: boolean, inputs: Record<string, Input>): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const t = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.data, v.shape)])) as Record<string, tf.Tensor>;
  const forward = (x: tf.Tensor4D, f: tf.Tensor4D, b: tf.Tensor1D): tf.Tensor4D => {
    if (fused) return fusedConv2d(tf, x, f, c.bias ? b : undefined, { strides: c.strides, pad: c.pad }, c.relu);
    let y = tf.conv2d(x, f, c.strides, explicit(c.pad));
    if (c.bias) y = tf.add(y, b);
    return c.relu ? tf.relu(y) : y;
  };
  const out = tf.tidy(() => {
    const y = forward(t.x as tf.Tensor4D, t.filter as tf.Tensor4D, t.bias as tf.Tensor1D);
    const loss = (x: tf.Tensor, f: tf.Tensor, b: tf.Tensor = t.bias as tf.Tensor): tf.Tensor => tf.sum(tf.mul(forward(x as tf.Tensor4D, f as tf.Tensor4D, b as tf.Tensor1D), t.r as tf.Tensor));
    const grads = tf.grads(loss)((c.bias ? [t.x, t.filter, t.bias] : [t.x, t.filter]) as tf.Tensor[]);
    return [y, ...grads].map((g) => g.dataSync() as Float32Array);
  });
  tf.dispose(Object.values(t));
  return out;
}

describe('fused Conv2d + bias + ReLU', () => {
  it('equals conv2d, add and relu on the CPU reference: output and every gradient, 30 random geometries', async () => {
    for (let i = 0; i < 30; i++) {
      const c = randomCase();
      const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, explicit(c.pad));
      const inputs = { x: randomInput(c.x), filter: randomInput(c.filter), bias: randomInput([c.filter[3]]), r: randomInput(info.outShape) };
      const ref = await valueAndGrads('cpu', c, false, inputs);
      for (const backend of ['wasm', 'cpu']) {
        const ours = await valueAndGrads(backend, c, true, inputs);
        ['y', 'dx', 'dfilter', 'dbias'].slice(0, ref.length).forEach((name, k) => assertClose(ours[k] as Float32Array, ref[k] as Float32Array, `${backend} ${name} ${JSON.stringify(c)}`));
      }
    }
  });

  it('the model runs a Conv2d and the ReLU after it as one op, and keeps both layers', async () => {
    await tf.setBackend('wasm');
    const analysis = analyzeModel('input: [2, 6, 6]\nlayers:\n  - Conv2d(2, 4, 3, padding=1)\n  - ReLU()\n  - Conv2d(4, 4, 3, groups=2)\n  - ReLU()\n  - Flatten()\n  - Linear(64, 3)\n');
    assert.deepEqual([...absorbedRelus(analysis.graph)], [2], 'only the ungrouped convolution absorbs its ReLU');
    const model = buildModel(tf, analysis.graph, 7);
    assert.equal(model.layers.length, 6);
    const x = tf.randomNormal([3, 6, 6, 2], 0, 1, 'float32', 3);
    const layerByLayer = tf.tidy(() => model.layers.reduce((y: tf.Tensor, l) => l.apply(y, false), x).dataSync());
    const kernels: string[] = [];
    const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
    const original = engine.runKernel.bind(engine);
    engine.runKernel = (name, ...rest) => (kernels.push(name), original(name, ...rest));
    try {
      const whole = tf.tidy(() => model.apply(x, true).dataSync());
      assertClose(whole as Float32Array, layerByLayer as Float32Array, 'fused forward vs layer by layer');
    } finally {
      engine.runKernel = original;
    }
    assert.equal(kernels.filter((k) => k === 'FusedConv2D').length, 1);
    assert.ok(!kernels.includes('Relu') || kernels.filter((k) => k === 'Relu').length === 1, kernels.join());
    x.dispose();
    model.dispose();
  });
});
