/**
 * Gradient-based inspection on every layer type and backend. Saliency of one model holding every layer the engine
 * builds (BatchNorm with and without affine, Dropout2d, a residual block, every pooling, transposed convolution,
 * upsampling) on the embedded wasm engine, whose BatchNorm is CNN Lab's own kernel, must equal the same model on
 * tfjs's reference CPU kernels, where BatchNorm is written with tfjs ops. Weights and running statistics are
 * seeded values, identical on both backends. Also checks the BatchNorm kernels' registered gradients directly.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeModel } from '../../src/model/analyze';
import { initBackend, type TF } from '../../src/trainer/backend/index';
import type { Tensor } from '../../src/trainer/engine/tf';
import { buildModel } from '../../src/trainer/engine/model';
import { BATCH_NORM_EVAL, BATCH_NORM_TRAIN } from '../../src/trainer/kernels/batch-norm';
import { fromPixels } from '../../src/inspect/network/input';
import { occlusion } from '../../src/inspect/network/occlusion';
import { inspectableModel } from '../../src/inspect/network/runModel';
import { saliency } from '../../src/inspect/network/saliency';

const EVERY_LAYER = `name: every-layer
input: [3, 12, 12]
layers:
  - Conv2d(3, 6, 3, padding=1, bias=False)
  - BatchNorm2d(6)
  - ReLU()
  - Dropout2d(0.2)
  - residual:
      layers:
        - Conv2d(6, 6, 3, padding=1)
        - BatchNorm2d(6)
        - LeakyReLU(0.1)
        - Conv2d(6, 6, 3, padding=1)
        - BatchNorm2d(6, affine=False)
  - ELU()
  - MaxPool2d(2)
  - ConvTranspose2d(6, 8, 2, stride=2)
  - BatchNorm2d(8)
  - Tanh()
  - AvgPool2d(2)
  - Upsample(scale_factor=2)
  - AdaptiveAvgPool2d(6)
  - AdaptiveMaxPool2d(3)
  - Sigmoid()
  - Flatten()
  - Linear(72, 16)
  - BatchNorm1d(16)
  - ReLU()
  - Dropout(0.5)
  - Linear(16, 5)
  - LogSoftmax(dim=1)
`;

/** A deterministic value stream (LCG) in [−1, 1). */
function values(seed: number, n: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** The model on `backend` with seeded weights and running statistics (variances kept positive). */
async function everyLayerRun(backend: 'cpu' | 'wasm') {
  const { tf } = await initBackend(backend);
  const analysis = analyzeModel(EVERY_LAYER);
  assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error'), []);
  const model = buildModel(tf, analysis.graph, 1);
  [...model.params, ...model.buffers].forEach((p, i) => {
    if (p.name.endsWith('num_batches_tracked')) return;
    const v = values(1000 + i, p.variable.size).map((x) => (p.name.endsWith('running_var') ? 0.5 + x * x * 2 : x * 0.6));
    p.variable.assign(tf.tensor(v, p.variable.shape));
  });
  return inspectableModel(tf, analysis, model);
}

function input() {
  const x = fromPixels(new Uint8Array(12 * 12 * 3), 12, 12, 3, undefined, 'seeded');
  x.x.set(values(7, x.x.length));
  return x;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  const scale = Math.max(...Array.from(expected, Math.abs));
  assert.ok(scale > 0, `${what}: the reference is all zeros, the comparison would prove nothing`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance * scale, `${what} at ${i}: ${actual[i]} vs ${expected[i]} (max |ref| ${scale})`);
  }
}

describe('gradient-based inspection on every layer type', () => {
  it('saliency on wasm (CNN Lab kernels) equals the tfjs-ops model on the CPU backend', async () => {
    const reference: Float32Array[] = [];
    for (const backend of ['cpu', 'wasm'] as const) {
      const run = await everyLayerRun(backend);
      try {
        // Saliency of two classes, then occlusion (forward passes only) of a third.
        const maps = [(await saliency(run, input(), 0)).gradient, (await saliency(run, input(), 3)).gradient];
        maps.push((await occlusion(run, input(), { classIndex: 1, patch: 4, stride: 4, measure: 'score' })).drops);
        if (backend === 'cpu') reference.push(...maps);
        else maps.forEach((m, i) => assertClose(m, reference[i], 1e-4, ['saliency of class 0', 'saliency of class 3', 'occlusion of class 1'][i]));
      } finally {
        run.dispose();
      }
    }
  });

  it('the BatchNorm kernels have gradients equal to tfjs-ops autodiff (wasm vs cpu)', async () => {
    const shape = [2, 3, 3, 4];
    const run = (tf: TF, kernel: string, inputs: Record<string, number[]>, shapes: Record<string, number[]>): Float32Array[] => {
      const tensors = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v, shapes[k])]));
      const names = Object.keys(tensors);
      const f = (...xs: Tensor[]) => {
        const out = tf.engine().runKernel(kernel, Object.fromEntries(names.map((n, i) => [n, xs[i]])), { eps: 1e-5 });
        const y = Array.isArray(out) ? out[0] : out;
        return tf.sum(tf.mul(y as Tensor, tf.tensor(values(3, 72), shape)));
      };
      const grads = tf.grads(f)(names.map((n) => tensors[n]));
      return grads.map((g) => g.dataSync() as Float32Array);
    };
    const x = values(11, 72);
    const gamma = values(12, 4);
    const beta = values(13, 4);
    const mean = values(14, 4);
    const variance = values(15, 4).map((v) => 0.3 + v * v);
    const { tf: wasm } = await initBackend('wasm');
    const evalGrads = run(wasm, BATCH_NORM_EVAL, { x, mean, variance, gamma, beta }, { x: shape, mean: [4], variance: [4], gamma: [4], beta: [4] });
    const trainGrads = run(wasm, BATCH_NORM_TRAIN, { x, gamma, beta }, { x: shape, gamma: [4], beta: [4] });
    // The same formulas written with tfjs ops, differentiated by tfjs on the CPU backend.
    const { tf } = await initBackend('cpu');
    const weights = tf.tensor(values(3, 72), shape);
    const normalise = (xT: Tensor, m: Tensor, v: Tensor, g: Tensor, b: Tensor) => tf.sum(tf.mul(tf.add(tf.mul(tf.div(tf.sub(xT, m), tf.sqrt(tf.add(v, 1e-5))), g), b), weights));
    const t = (v: number[], s: number[]) => tf.tensor(v, s);
    const evalRef = tf.grads((xT: Tensor, g: Tensor, b: Tensor, m: Tensor, v: Tensor) => normalise(xT, m, v, g, b))([t(x, shape), t(gamma, [4]), t(beta, [4]), t(mean, [4]), t(variance, [4])]).map((g) => g.dataSync());
    const trainRef = tf.grads((xT: Tensor, g: Tensor, b: Tensor) => {
      const batch = tf.moments(xT, [0, 1, 2]);
      return normalise(xT, batch.mean, batch.variance, g, b);
    })([t(x, shape), t(gamma, [4]), t(beta, [4])]).map((g) => g.dataSync());
    // Kernel input order: eval (x, mean, variance, gamma, beta), train (x, gamma, beta); reference (x, γ, β, μ, σ²).
    [[0, 0], [1, 3], [2, 4], [3, 1], [4, 2]].forEach(([k, r]) => assertClose(evalGrads[k], evalRef[r], 1e-4, `eval gradient ${k}`));
    [[0, 0], [1, 1], [2, 2]].forEach(([k, r]) => assertClose(trainGrads[k], trainRef[r], 1e-4, `train gradient ${k}`));
  });
});
