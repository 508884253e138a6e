/**
 * The "Visualising CNNs" views against hand-computed cases: guided backprop and the deconvnet rule on a tiny ReLU
 * network, Grad-CAM's channel weights on a model whose answer is known, the effective receptive field of three
 * 3×3 convolutions with constant weights (its support is the theoretical 7×7 field, centred; its values are the
 * 3-fold box convolution), Integrated Gradients' completeness, SmoothGrad without noise, activation maximisation
 * raising its channels, top-k images, and a reconstruction run's target (the output's MSE).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TF } from '../../src/trainer/backend/index';
import { activationMax } from '../../src/inspect/network/activationMax';
import { integratedGradients, scores, smoothGrad } from '../../src/inspect/network/attribution';
import { defaultCamLayer, gradCam } from '../../src/inspect/network/gradCam';
import { deconvnet, guidedBackprop, ruleGradient } from '../../src/inspect/network/guidedBackprop';
import { fromPixels, type InspectInput } from '../../src/inspect/network/input';
import { effectiveReceptiveField, theoreticalField } from '../../src/inspect/network/receptiveField';
import type { InspectableRun } from '../../src/inspect/network/runModel';
import { viewTarget } from '../../src/inspect/network/target';
import { topImages } from '../../src/inspect/network/topImages';
import { gradCamView, guidedBackpropView } from '../../src/inspect/session/gradientViews';
import { runWith } from './visualise-fixture';

function inputOf(values: number[], height: number, width: number, channels = 1): InspectInput {
  const input = fromPixels(new Uint8Array(height * width * channels), height, width, channels, undefined, 'test');
  input.x.set(values);
  return input;
}

const close = (actual: ArrayLike<number>, expected: number[], tolerance = 1e-5): void => {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) <= tolerance, `at ${i}: ${actual[i]} vs ${e} (all: ${Array.from(actual)})`));
};

// x = [1, 2]; h = ReLU(W1 x + b1) with W1 = [[1, 0], [0, 1], [1, 1]], b1 = [−2, 0, −1] → pre-activations [−1, 2, 2];
// score = [1, −1, 2] · h. Upstream gradient at h: [1, −1, 2]; the ReLU mask: [0, 1, 1].
//   true gradient:  W1ᵀ ([1, −1, 2] ⊙ [0, 1, 1]) = W1ᵀ [0, −1, 2] = [2, 1]
//   guided:         W1ᵀ (max(dy, 0) ⊙ mask)       = W1ᵀ [0, 0, 2]  = [2, 2]
//   deconvnet:      W1ᵀ max(dy, 0)                 = W1ᵀ [1, 0, 2]  = [3, 2]
const TINY_RELU = `name: tiny-relu
input: [1, 1, 2]
layers:
  - Flatten()
  - Linear(2, 3)
  - ReLU()
  - Linear(3, 1)
`;
const TINY_WEIGHTS = { 'layer2.weight': [1, 0, 1, 0, 1, 1], 'layer2.bias': [-2, 0, -1], 'layer4.weight': [1, -1, 2], 'layer4.bias': [0] };

describe('guided backprop and the deconvnet rule (hand-computed)', () => {
  it('a tiny ReLU network gives the true, guided and deconvnet gradients worked out by hand', async () => {
    const { run } = await runWith(TINY_RELU, TINY_WEIGHTS);
    try {
      const input = inputOf([1, 2], 1, 2);
      const target = viewTarget(run, 0);
      close(await ruleGradient(run, input, (t, r) => target.score(t, r)), [2, 1]);
      close(await guidedBackprop(run, input, target), [2, 2]);
      close(await guidedBackprop(run, input, target, 'deconvnet'), [3, 2]);
      // The deconvnet reconstruction of the strongest unit of the ReLU (unit 1 or 2, both 2: the first wins): W1ᵀ e1 = [0, 1].
      const d = await deconvnet(run, input, 3);
      assert.deepEqual([d.unit.channel, d.unit.value], [1, 2]);
      close(d.gradient, [0, 1]);
    } finally {
      run.dispose();
    }
  });

  it('a class index outside the outputs is a RangeError naming the range', async () => {
    const { run } = await runWith(TINY_RELU, TINY_WEIGHTS);
    try {
      assert.throws(() => viewTarget(run, 3), /class 3 is outside 0…0/);
    } finally {
      run.dispose();
    }
  });
});

// A_k = w_k·x (1×1 conv, w = [1, 2]); score_c = Σ_k V[c][k]·mean(A_k) (global average pool, Linear without bias).
// ∂score_c/∂A_k(i, j) = V[c][k]/16, so α_k = V[c][k]/16 and the map is ReLU(Σ_k V[c][k]·w_k·x / 16).
const KNOWN_CAM = `name: known-cam
input: [1, 4, 4]
layers:
  - Conv2d(1, 2, 1, bias=False)
  - AdaptiveAvgPool2d(1)
  - Flatten()
  - Linear(2, 2, bias=False)
`;

describe('Grad-CAM (hand-computed)', () => {
  it('the channel weights are the pooled gradients and the map is ReLU of their weighted sum', async () => {
    const V = [[1, -1], [0.5, 3]];
    // Engine Linear weight is [in, out]: row k holds V[·][k].
    const { run } = await runWith(KNOWN_CAM, { 'layer1.weight': [1, 2], 'layer4.weight': [V[0][0], V[1][0], V[0][1], V[1][1]] });
    try {
      const x = Array.from({ length: 16 }, (_, i) => i / 16);
      const input = inputOf(x, 4, 4);
      const c1 = await gradCam(run, input, viewTarget(run, 1), 1);
      close(c1.weights, [0.5 / 16, 3 / 16]);
      close(c1.cam, x.map((v) => (6.5 * v) / 16));
      assert.equal(c1.upsampled.length, 16);
      // Class 0: α = [1/16, −1/16], Σ α_k w_k x = −x/16 ≤ 0: the map is all zero.
      const c0 = await gradCam(run, input, viewTarget(run, 0), 1);
      close(c0.weights, [1 / 16, -1 / 16]);
      close(c0.cam, x.map(() => 0));
      await assert.rejects(gradCam(run, input, viewTarget(run, 0), 4), /Grad-CAM needs a layer with a spatial output \[C, H, W\]; layer 4 \(Linear\) outputs \[2\]/);
    } finally {
      run.dispose();
    }
  });
});

const CONV_STACK = `name: conv-stack
input: [1, 15, 15]
layers:
  - Conv2d(1, 1, 3, padding=1, bias=False)
  - Conv2d(1, 1, 3, padding=1, bias=False)
  - Conv2d(1, 1, 3, padding=1, bias=False)
`;

describe('the visualisations\' default layer', () => {
  it('is the last convolution block\'s output: the ReLU after a conv, the ReLU after the last residual block of resnet-mini', async () => {
    const { run: small } = await runWith(SMALL_CNN, {});
    const { run: resnet } = await runWith(readFileSync(join(__dirname, '../../examples/resnet-mini.cnn.yaml'), 'utf8'), {});
    try {
      assert.equal(defaultCamLayer(small), 5);
      const layer = resnet.analysis.layers.find((l) => l.index === defaultCamLayer(resnet));
      assert.deepEqual([layer?.type, layer?.outputShape, layer?.path], ['ReLU', [64, 8, 8], 'layers[7]']);
    } finally {
      small.dispose();
      resnet.dispose();
    }
  });
});

describe('receptive fields (hand-computed)', () => {
  it('three 3×3 convolutions with constant weights: the effective field fills the theoretical 7×7 square, centred, as the 3-fold box convolution', async () => {
    const ones = Array(9).fill(0.5);
    const { run } = await runWith(CONV_STACK, { 'layer1.weight': ones, 'layer2.weight': ones, 'layer3.weight': ones });
    try {
      const images = [0, 1, 2].map((s) => Float32Array.from({ length: 225 }, (_, i) => Math.sin(i * (s + 1))));
      const erf = await effectiveReceptiveField(run, { count: 3, image: (i) => images[i] }, 3, { batchSize: 2 });
      assert.deepEqual([erf.row, erf.col, erf.images], [7, 7, 3]);
      assert.deepEqual(erf.theoretical, { top: 4, left: 4, size: 7 });
      // The gradient is the outer product of [1, 3, 6, 7, 6, 3, 1] with itself (peak 49 → 1), zero elsewhere.
      const profile = [1, 3, 6, 7, 6, 3, 1];
      const expected = Array.from({ length: 225 }, (_, i) => {
        const y = Math.floor(i / 15) - 4;
        const x = (i % 15) - 4;
        return y >= 0 && y < 7 && x >= 0 && x < 7 ? (profile[y] * profile[x]) / 49 : 0;
      });
      close(erf.values, expected, 1e-6);
      // 90% of the weight: the 7×7 square holds all of it, 5×5 holds (1−2/49·…)… less than 90%.
      const inner5 = [1, 2, 3, 4, 5].reduce((s, y) => s + [1, 2, 3, 4, 5].reduce((t, x) => t + profile[y] * profile[x], 0), 0) / (27 * 27);
      assert.equal(erf.side90, inner5 >= 0.9 ? 5 : 7);
    } finally {
      run.dispose();
    }
  });

  it('the theoretical field of a strided layer is centred where its unit sits', () => {
    const layer = { outputShape: [4, 7, 7], receptiveField: 5 } as Parameters<typeof theoreticalField>[0];
    // Unit 3 of 7 over 14 pixels: centre (3 + 0.5)·2 − 0.5 = 6.5, a 5-pixel field from 4.5 → rounds to 5.
    assert.deepEqual(theoreticalField(layer, [1, 14, 14], 3, 3), { top: 5, left: 5, size: 5 });
    assert.deepEqual(theoreticalField({ outputShape: [10], receptiveField: 14 } as typeof layer, [1, 14, 14], 0, 0), { top: 0, left: 0, size: 14 });
  });
});

const SMALL_CNN = `name: small-cnn
input: [1, 8, 8]
layers:
  - Conv2d(1, 4, 3, padding=1)
  - ReLU()
  - MaxPool2d(2)
  - Conv2d(4, 6, 3, padding=1)
  - ReLU()
  - Flatten()
  - Linear(96, 3)
`;

/** Seeded weights in [−0.5, 0.5) for every parameter of `run`. */
function seeded(tf: TF, run: InspectableRun, seed: number): void {
  let s = seed;
  for (const p of run.model.params) {
    const v = Array.from({ length: p.variable.size }, () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32 - 0.5;
    });
    p.variable.assign(tf.tensor(v, p.variable.shape));
  }
}

describe('SmoothGrad, Integrated Gradients, activation maximisation, top-k images', () => {
  it('Integrated Gradients add up to score(x) − score(black); SmoothGrad without noise is the gradient', async () => {
    const { tf, run } = await runWith(SMALL_CNN, {});
    try {
      seeded(tf, run, 5);
      const input = inputOf(Array.from({ length: 64 }, (_, i) => ((i * 37) % 64) / 64), 8, 8);
      const target = viewTarget(run, 2);
      const ig = await integratedGradients(run, input, target, { samples: 512, batchSize: 128 });
      const total = ig.attribution.reduce((s, v) => s + v, 0);
      const [score, black] = await scores(run, input, target, [input.x, new Float32Array(64)]);
      assert.ok(Math.abs(score - black) > 0.01, 'the test needs a score that changes along the path');
      assert.ok(Math.abs(total - (score - black)) <= 0.02 * Math.abs(score - black), `Σ IG ${total} vs ${score - black}`);
      const progress: number[] = [];
      const sg = await smoothGrad(run, input, target, { samples: 3, noise: 0, batchSize: 2, onProgress: (d) => progress.push(d) });
      close(sg, Array.from(await ruleGradient(run, input, (t, r) => target.score(t, r))));
      assert.deepEqual(progress, [2, 3]);
    } finally {
      run.dispose();
    }
  });

  it('activation maximisation raises each chosen channel on average, step after step, and stops when asked', async () => {
    const { tf, run } = await runWith(SMALL_CNN, {});
    try {
      seeded(tf, run, 9);
      const channels = [0, 2, 5];
      const steps = 48;
      const r = await activationMax(run, { layer: 4, channels, steps, seed: 1 });
      assert.equal(r.stepsDone, steps);
      assert.equal(r.pixels.length, 3 * 64);
      assert.ok(r.pixels.every((p) => p >= 0 && p <= 1));
      // Mean activation over the chosen channels, in four quarters of the run: each quarter higher than the last.
      const quarter = (q: number): number => {
        let s = 0;
        for (let t = (q * steps) / 4; t < ((q + 1) * steps) / 4; t++) for (let c = 0; c < 3; c++) s += r.history[t * 3 + c];
        return s;
      };
      const quarters = [0, 1, 2, 3].map(quarter);
      quarters.slice(1).forEach((v, i) => assert.ok(v > quarters[i], `quarters ${quarters}`));
      for (let c = 0; c < 3; c++) assert.ok(r.history[(steps - 1) * 3 + c] > r.history[c], `channel ${channels[c]} did not rise`);
      let calls = 0;
      const stopped = await activationMax(run, { layer: 4, channels: [1], steps, shouldStop: () => ++calls > 5 });
      assert.deepEqual([stopped.stepsDone, stopped.complete], [5, false]);
      await assert.rejects(activationMax(run, { layer: 4, channels: [6], steps: 1 }), /layer 4 has 6 channels \(0…5\); got 6/);
    } finally {
      run.dispose();
    }
  });

  it('top-k images are the test images with the largest value of the channel, with the unit’s field', async () => {
    const { tf, run } = await runWith(SMALL_CNN, {});
    try {
      seeded(tf, run, 4);
      // Image i is a single bright pixel at (i mod 8, i mod 8) scaled by (i + 1): the 1×1… values grow with i.
      const count = 20;
      const images = new Uint8Array(count * 64);
      for (let i = 0; i < count; i++) images[i * 64 + (i % 8) * 9] = 10 * (i + 1);
      const set = { images, labels: new Uint8Array(count), count, height: 8, width: 8, channels: 1 };
      const { images: top, searched } = await topImages(run, set, 1, 0, { k: 4, batchSize: 6 });
      assert.equal(searched, count);
      // Reference: the channel's maximum per image, from the layer's own forward pass.
      const all = await Promise.all(Array.from({ length: count }, async (_, i) => {
        const x = fromPixels(images.slice(i * 64, (i + 1) * 64), 8, 8, 1, undefined, '');
        const y = tf.tidy(() => (run.model.layers[0].apply(tf.tensor4d(x.x, [1, 8, 8, 1]), false)));
        const v = (await y.data()) as Float32Array;
        y.dispose();
        return { i, max: Math.max(...Array.from(v).filter((_, j) => j % 4 === 0)) };
      }));
      all.sort((a, b) => b.max - a.max || a.i - b.i);
      assert.deepEqual(top.map((t) => t.index), all.slice(0, 4).map((a) => a.i));
      top.forEach((t) => assert.deepEqual(t.field, { top: t.row - 1, left: t.col - 1, size: 3 }));
    } finally {
      run.dispose();
    }
  });
});

const TINY_AUTOENCODER = `name: tiny-ae
task: reconstruction
input: [1, 8, 8]
layers:
  - Conv2d(1, 1, 1, bias=False)
train: {loss: mse}
`;

describe('reconstruction runs', () => {
  it('the target is the output’s MSE against the input: ∂/∂x mean((a·x − x₀)²) = 2a(a − 1)x/64', async () => {
    const { run } = await runWith(TINY_AUTOENCODER, { 'layer1.weight': [3] });
    try {
      const target = viewTarget(run, 7);
      assert.equal(target.classIndex, null);
      assert.match(target.describe, /reconstruction error/);
      const x = Array.from({ length: 64 }, (_, i) => Math.cos(i));
      close(await ruleGradient(run, inputOf(x, 8, 8), (t, r) => target.score(t, r)), x.map((v) => (2 * 3 * 2 * v) / 64), 1e-5);
      // The views say what they explain instead of failing on a class.
      const cam = await gradCamView(run, inputOf(x, 8, 8), { kind: 'gradCam', classIndex: 0 });
      assert.deepEqual([cam.classIndex, cam.layer], [null, 1]);
      assert.match(cam.target, /reconstruction error \(MSE/);
      assert.match((await guidedBackpropView(run, inputOf(x, 8, 8), { kind: 'guidedBackprop', classIndex: 0 })).target, /reconstruction error/);
    } finally {
      run.dispose();
    }
  });
});

const TINY_SEGMENTER = `name: tiny-seg
task: segmentation
input: [1, 8, 8]
classes: [background, shape]
layers:
  - Conv2d(1, 2, 1, bias=False)
`;

describe('segmentation runs', () => {
  it('the target is the class score averaged over the pixels: ∂/∂x mean(w₁·x) = w₁/64 everywhere', async () => {
    const { run } = await runWith(TINY_SEGMENTER, { 'layer1.weight': [1, 3] });
    try {
      const target = viewTarget(run, 1);
      assert.match(target.describe, /mean score of 'shape' over the pixels/);
      const x = Array.from({ length: 64 }, (_, i) => Math.cos(i));
      close(await ruleGradient(run, inputOf(x, 8, 8), (t, r) => target.score(t, r)), x.map(() => 3 / 64), 1e-6);
      assert.throws(() => viewTarget(run, 2), /class 2 is outside 0…1/);
    } finally {
      run.dispose();
    }
  });
});

describe('a graph model on both backends', () => {
  it('Inception blocks (named outputs, concat, BatchNorm): every view agrees between the wasm engine and the CPU reference', async () => {
    const yaml = readFileSync(join(__dirname, '../../examples/inception-shapes.cnn.yaml'), 'utf8');
    const results: Float32Array[][] = [];
    for (const backend of ['wasm', 'cpu'] as const) {
      const { tf, run } = await runWith(yaml, {}, backend);
      try {
        seeded(tf, run, 21);
        for (const b of run.model.buffers) if (b.name.endsWith('running_var')) b.variable.assign(tf.fill(b.variable.shape, 0.8));
        const input = inputOf(Array.from({ length: 1024 }, (_, i) => Math.sin(i / 7)), 32, 32);
        const target = viewTarget(run, 3);
        const layer = defaultCamLayer(run) as number;
        assert.equal(run.analysis.layers.find((l) => l.index === layer)?.outputShape.join(), '48,8,8');
        const cam = await gradCam(run, input, target, layer);
        const erf = await effectiveReceptiveField(run, { count: 2, image: (i) => input.x.map((v) => v * (i + 1)) }, layer);
        const am = await activationMax(run, { layer, channels: [0, 47], steps: 3 });
        const maps = [cam.weights, cam.cam, await guidedBackprop(run, input, target), (await deconvnet(run, input, layer)).gradient, erf.values, am.history];
        // The map itself may be all zero (ReLU of a negative sum for this class); every other result may not.
        maps.forEach((m, i) => assert.ok((i === 1 || m.some((v) => v !== 0)) && m.every(Number.isFinite), `${backend}: map ${i} is zero or not finite`));
        results.push(maps);
      } finally {
        run.dispose();
      }
    }
    results[0].forEach((m, i) => {
      const scale = Math.max(...Array.from(results[1][i], Math.abs));
      m.forEach((v, j) => assert.ok(Math.abs(v - results[1][i][j]) <= 1e-3 * scale, `map ${i} at ${j}: ${v} vs ${results[1][i][j]}`));
    });
  });
});
