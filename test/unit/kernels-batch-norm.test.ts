/**
 * CNN Lab's BatchNorm kernels (src/trainer/kernels/batch-norm.ts), SIMD and JavaScript paths, against the same layer
 * written with tfjs ops on the reference CPU backend: outputs in training and evaluation, running statistics, and
 * the gradients of input, γ and β, alone and with the ReLU after it fused in. (engine-torch.test.ts checks both
 * against PyTorch on small cases.)
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { BATCH_NORM_EVAL, BATCH_NORM_GRAD, BATCH_NORM_TRAIN } from '../../src/trainer/kernels/batch-norm';
import { buildModel } from '../../src/trainer/engine/model';
import type { TF } from '../../src/trainer/engine/tf';
import { analyze } from './engine-fixtures';
import { assertClose, rand, randomInput, setUpBackends, withAndWithoutSimd, type Input } from './kernels-fixtures';

before(setUpBackends);

interface Case {
  layer: string;
  /** NHWC (or [N, C]) input shape. */
  shape: number[];
  /** Input values: an offset larger than the spread tests the variance's cancellation. */
  offset: number;
  /** A ReLU() after the layer (fused into our kernels on wasm, a separate op on cpu). */
  relu?: boolean;
}

interface Result {
  values: Record<string, Float32Array>;
  kernels: string[];
}

/** One training forward + backward pass, then an evaluation pass, of a single BatchNorm layer on `backend`. */
async function runLayer(backend: string, c: Case, x0: Input, r: Input, gamma: Input, beta: Input): Promise<Result> {
  await tf.setBackend(backend);
  const spatial = c.shape.length === 4 ? `${c.shape[3]}, ${c.shape[1]}, ${c.shape[2]}` : `${c.shape[1]}`;
  const model = buildModel(tf as unknown as TF, analyze(`input: [${spatial}]\nlayers:\n  - ${c.layer}\n${c.relu ? '  - ReLU()\n' : ''}`).graph, 1);
  const find = (suffix: string) => [...model.params, ...model.buffers].find((v) => v.name.endsWith(suffix))?.variable;
  find('.weight')?.assign(tf.tensor(gamma.data, gamma.shape));
  find('.bias')?.assign(tf.tensor(beta.data, beta.shape));
  const x = tf.variable(tf.tensor(x0.data, x0.shape), true);
  const values: Record<string, Float32Array> = {};
  const info = await tf.profile(() => {
    tf.tidy(() => {
      const weights = tf.tensor(r.data, r.shape);
      const vars = [x, ...model.params.map((p) => p.variable)];
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(model.apply(x, true), weights)), vars);
      values.loss = value.dataSync() as Float32Array;
      values['d x'] = grads[x.name]?.dataSync() as Float32Array;
      for (const p of model.params) values[`d ${p.name}`] = grads[p.variable.name]?.dataSync() as Float32Array;
      values.train = model.apply(x, true).dataSync() as Float32Array;
    });
    tf.tidy(() => {
      values.eval = model.apply(x, false).dataSync() as Float32Array;
    });
  });
  for (const b of model.buffers) values[b.name] = b.variable.dataSync() as Float32Array;
  x.dispose();
  model.dispose();
  return { values, kernels: info.kernelNames };
}

const cases: Case[] = [
  { layer: 'BatchNorm2d(16)', shape: [8, 7, 5, 16], offset: 0 },
  { layer: 'BatchNorm2d(32)', shape: [4, 6, 6, 32], offset: 50 },
  { layer: 'BatchNorm2d(12)', shape: [3, 5, 4, 12], offset: -2 },
  { layer: 'BatchNorm2d(6)', shape: [5, 4, 3, 6], offset: 1 },
  { layer: 'BatchNorm2d(8, affine=False)', shape: [2, 3, 3, 8], offset: 0 },
  { layer: 'BatchNorm1d(128)', shape: [32, 128], offset: 0.5 },
  { layer: 'BatchNorm1d(10, momentum=0.3)', shape: [7, 10], offset: 0 },
  { layer: 'BatchNorm2d(16)', shape: [8, 7, 5, 16], offset: 0, relu: true },
  { layer: 'BatchNorm2d(12)', shape: [3, 5, 4, 12], offset: -2, relu: true },
  { layer: 'BatchNorm2d(6)', shape: [5, 4, 3, 6], offset: 1, relu: true },
  { layer: 'BatchNorm2d(8, affine=False)', shape: [2, 3, 3, 8], offset: 0, relu: true },
  { layer: 'BatchNorm1d(128)', shape: [32, 128], offset: 0.5, relu: true },
];

/** |ours − ref| ≤ 1e-5 · max|ref|, the fused kernels' bound (assertClose allows 1e-4). */
function assertWithin1e5(ours: Float32Array, ref: Float32Array, what: string): void {
  const scale = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-6);
  ref.forEach((r, i) => assert.ok(Math.abs((ours[i] as number) - r) <= 1e-5 * scale, `${what}: element ${i} is ${ours[i]}, reference ${r} (scale ${scale})`));
}

describe('BatchNorm kernels', () => {
  for (const c of cases) {
    it(`${c.layer}${c.relu ? ' + ReLU' : ''} on ${JSON.stringify(c.shape)}, values around ${c.offset}: training, running statistics, evaluation and gradients match tfjs ops on cpu`, async () => {
      const channels = c.shape[c.shape.length - 1] as number;
      const x = randomInput(c.shape, () => c.offset + (rand() * 2 - 1) * 3);
      const r = randomInput(c.shape);
      const gamma = randomInput([channels], () => 0.5 + rand());
      const beta = randomInput([channels]);
      const ref = await runLayer('cpu', c, x, r, gamma, beta);
      assert.ok(!ref.kernels.includes(BATCH_NORM_TRAIN));
      if (c.relu) assert.ok(ref.kernels.includes('Relu'), 'the reference runs the ReLU as its own op');
      await withAndWithoutSimd(async (path) => {
        const ours = await runLayer('wasm', c, x, r, gamma, beta);
        for (const k of [BATCH_NORM_TRAIN, BATCH_NORM_GRAD, BATCH_NORM_EVAL]) assert.ok(ours.kernels.includes(k), `${path}: ${k} did not run (${ours.kernels})`);
        assert.deepEqual(Object.keys(ours.values).sort(), Object.keys(ref.values).sort());
        for (const [name, expected] of Object.entries(ref.values)) assertClose(ours.values[name] as Float32Array, expected, `${path} ${c.layer} ${name}`);
        if (!c.relu) return;
        for (const k of ['Relu', 'Step']) assert.ok(!ours.kernels.includes(k), `${path}: the ReLU ran as ${k} instead of inside the BatchNorm kernels`);
        for (const [name, expected] of Object.entries(ref.values)) assertWithin1e5(ours.values[name] as Float32Array, expected, `${path} ${c.layer} + ReLU ${name}`);
      });
    });
  }
});
