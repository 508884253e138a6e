/**
 * The tensor side of the inspector on hand-made models whose answers can be computed by hand, on the cpu and
 * wasm backends: saliency of a linear model is its weights, occlusion drops of a linear score are weighted patch
 * sums, feature maps and filters come out in the model file's channel order.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeModel } from '../../src/model/analyze';
import { initBackend, type TF } from '../../src/trainer/backend/index';
import { buildModel } from '../../src/trainer/engine/model';
import { activations, mergeActivation, mergeText } from '../../src/inspect/network/activations';
import { featureMapsView, featureMapView } from '../../src/inspect/session/views';
import { graphOutputs } from '../../src/model/graphOutputs';
import { featureVectors } from '../../src/inspect/network/embeddings';
import { convFilters } from '../../src/inspect/network/filters';
import { fromPixels, type InspectInput } from '../../src/inspect/network/input';
import { occlusion, patchStarts } from '../../src/inspect/network/occlusion';
import { predict } from '../../src/inspect/network/predict';
import { inspectableModel, type InspectableRun } from '../../src/inspect/network/runModel';
import { saliency } from '../../src/inspect/network/saliency';

let tf: TF;

/** Builds a model from YAML and sets its variables by name (values in the engine's layouts). */
function handMade(yaml: string, weights: Record<string, number[]>): InspectableRun {
  const analysis = analyzeModel(yaml);
  assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error'), []);
  const model = buildModel(tf, analysis.graph, 1);
  for (const p of model.params) {
    const values = weights[p.name];
    if (values) p.variable.assign(tf.tensor(values, p.variable.shape));
  }
  return inspectableModel(tf, analysis, model);
}

/** An input from float pixel values in [0, 1] given in HWC order (no normalisation in these models). */
function inputOf(values: number[], h: number, w: number, c: number): InspectInput {
  const input = fromPixels(new Uint8Array(values.length), h, w, c, undefined, 'hand');
  input.x.set(values);
  return input;
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, eps = 1e-5): void => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= eps, `at ${i}: ${a[i]} vs ${b[i]}`);
};

// The same hand-computed cases on the reference CPU kernels and on the embedded wasm engine.
for (const backend of ['cpu', 'wasm'] as const) {
  describe(`on ${backend}`, () => {
    before(async () => {
      tf = (await initBackend(backend)).tf;
    });

    describe('saliency', () => {
      // Input [2, 2, 2] flattened in PyTorch's C·H·W order: feature k = c·4 + y·2 + x.
      const w = Array.from({ length: 8 * 3 }, (_, i) => ((i * 7) % 11) - 5); // tfjs layout [in, out]
      const W = (k: number, j: number): number => w[k * 3 + j];
      const run = () => handMade(`name: lin\ninput: [2, 2, 2]\nlayers:\n  - Flatten()\n  - Linear(8, 3)\n`, { 'layer2.weight': w, 'layer2.bias': [0.1, -0.2, 0.3] });

      it('of a linear model is its weights (gradient) and max |weight| over channels (map)', async () => {
        const r = run();
        const input = inputOf([0.1, 0.9, 0.3, 0.4, 0.5, 0.2, 0.8, 0.7], 2, 2, 2);
        for (const cls of [0, 2]) {
          const s = await saliency(r, input, cls);
          const expectedGrad = [0, 1, 2, 3].flatMap((p) => [W(p, cls), W(4 + p, cls)]); // HWC
          close(s.gradient, expectedGrad);
          close(s.values, [0, 1, 2, 3].map((p) => Math.max(Math.abs(W(p, cls)), Math.abs(W(4 + p, cls)))));
        }
        r.dispose();
      });

      it('uses the score before a final Softmax', async () => {
        const r = handMade(`name: lin\ninput: [2, 2, 2]\nlayers:\n  - Flatten()\n  - Linear(8, 3)\n  - Softmax(dim=1)\n`, { 'layer2.weight': w });
        const s = await saliency(r, inputOf([0, 0, 0, 0, 0, 0, 0, 0], 2, 2, 2), 1);
        close(s.gradient, [0, 1, 2, 3].flatMap((p) => [W(p, 1), W(4 + p, 1)]));
        await assert.rejects(() => saliency(r, inputOf([0, 0, 0, 0, 0, 0, 0, 0], 2, 2, 2), 3), /class 3 is outside 0…2/);
        r.dispose();
      });
    });

    describe('predictions', () => {
      it('rank the softmax of hand-set scores', async () => {
        // Zero weights: the scores are the biases 1, 3, 2 → order 1, 2, 0.
        const r = handMade(`name: lin\ninput: [1, 1, 2]\nclasses: [a, b, c]\nlayers:\n  - Flatten()\n  - Linear(2, 3)\n`, { 'layer2.weight': [0, 0, 0, 0, 0, 0], 'layer2.bias': [1, 3, 2] });
        const top = await predict(r, inputOf([0.3, 0.6], 1, 2, 1), 2);
        const z = Math.exp(1) + Math.exp(3) + Math.exp(2);
        assert.deepEqual(top.map((p) => p.className), ['b', 'c']);
        assert.ok(Math.abs(top[0].probability - Math.exp(3) / z) < 1e-6);
        r.dispose();
      });
    });

    describe('class names', () => {
      it('come from the run (what training used), else from the model file', () => {
        const named = analyzeModel(`name: n\ninput: [1, 1, 2]\nclasses: [a, b]\nlayers:\n  - Flatten()\n  - Linear(2, 2)\n`);
        const numbered = analyzeModel(`name: n\ninput: [1, 1, 2]\nlayers:\n  - Flatten()\n  - Linear(2, 2)\n`);
        const build = (a: typeof named, runClasses?: string[]) => inspectableModel(tf, a, buildModel(tf, a.graph, 1), { runClasses });
        const runs = [build(named, ['b', 'a']), build(numbered, ['cat', 'dog']), build(numbered, ['cat']), build(named)];
        assert.deepEqual(runs.map((r) => r.classes), [['b', 'a'], ['cat', 'dog'], ['0', '1'], ['a', 'b']]);
        runs.forEach((r) => r.dispose());
      });
    });

    describe('occlusion', () => {
      const weights = Array.from({ length: 16 }, (_, k) => k);
      const model = () => handMade(`name: occ\ninput: [1, 4, 4]\nlayers:\n  - Flatten()\n  - Linear(16, 1)\n`, { 'layer2.weight': weights, 'layer2.bias': [0] });
      const ones = inputOf(new Array(16).fill(1), 4, 4, 1);

      it('patch positions cover the edges', () => {
        assert.deepEqual(patchStarts(4, 2, 2), [0, 2]);
        assert.deepEqual(patchStarts(5, 2, 2), [0, 2, 3]);
        assert.deepEqual(patchStarts(4, 2, 1), [0, 1, 2]);
        assert.deepEqual(patchStarts(3, 5, 1), [0]);
      });

      it('drops of a linear score are 0.5 × the weights under the grey patch', async () => {
        const r = model();
        const progress: number[] = [];
        const m = await occlusion(r, ones, { classIndex: 0, patch: 2, stride: 2, measure: 'score', batchSize: 3, onProgress: (d) => progress.push(d) });
        // Score = Σ k·x_k = 120; patch (0,0) covers k = 0,1,4,5 (sum 10): drop 0.5·10.
        assert.ok(Math.abs(m.baseline - 120) < 1e-4);
        close(m.drops, [5, 9, 21, 25], 1e-4);
        assert.deepEqual(progress, [3, 4]);
        assert.ok(m.complete);
        // Non-overlapping patches: each pixel carries its patch's drop.
        close(m.pixelDrops, [5, 5, 9, 9, 5, 5, 9, 9, 21, 21, 25, 25, 21, 21, 25, 25], 1e-4);
        r.dispose();
      });

      it('averages overlapping patches per pixel and stops when asked', async () => {
        const r = model();
        const m = await occlusion(r, ones, { classIndex: 0, patch: 2, stride: 1, measure: 'score' });
        assert.equal(m.drops.length, 9);
        // Pixel (0,0) is covered only by patch (0,0): 0.5·(0+1+4+5) = 5. Pixel (1,1) by the four patches around it.
        const patchDrop = (t: number, l: number): number => 0.5 * (weights[t * 4 + l] + weights[t * 4 + l + 1] + weights[(t + 1) * 4 + l] + weights[(t + 1) * 4 + l + 1]);
        assert.ok(Math.abs(m.pixelDrops[0] - 5) < 1e-4);
        assert.ok(Math.abs(m.pixelDrops[5] - (patchDrop(0, 0) + patchDrop(0, 1) + patchDrop(1, 0) + patchDrop(1, 1)) / 4) < 1e-4);
        let calls = 0;
        const stopped = await occlusion(r, ones, { classIndex: 0, patch: 2, stride: 1, measure: 'score', batchSize: 2, shouldStop: () => ++calls > 2 });
        assert.equal(stopped.complete, false);
        // A cancel that arrives as a message (a later macrotask, as in the worker) is honoured before the next batch.
        let cancelled = false;
        let batchesAfterCancel = -1;
        const onProgress = (): void => {
          if (batchesAfterCancel >= 0) batchesAfterCancel += 1;
          else setImmediate(() => { cancelled = true; batchesAfterCancel = 0; });
        };
        const messaged = await occlusion(r, ones, { classIndex: 0, patch: 2, stride: 1, measure: 'score', batchSize: 2, onProgress, shouldStop: () => cancelled });
        assert.equal(messaged.complete, false);
        assert.equal(batchesAfterCancel, 0);
        r.dispose();
      });

      it('probability drops: a patch over the decisive pixel lowers the probability', async () => {
        // Two classes; class 0's score is 4·x(0,0) − 4·x(1,1) … only pixel 0 matters for it.
        const w2 = new Array(32).fill(0);
        w2[0 * 2 + 0] = 8; // pixel 0 → class 0
        const r = handMade(`name: occ2\ninput: [1, 4, 4]\nlayers:\n  - Flatten()\n  - Linear(16, 2)\n`, { 'layer2.weight': w2, 'layer2.bias': [0, 4] });
        const m = await occlusion(r, ones, { classIndex: 0, patch: 2, stride: 2 });
        const p = (s0: number): number => 1 / (1 + Math.exp(4 - s0));
        assert.ok(Math.abs(m.baseline - p(8)) < 1e-5);
        close(m.drops, [p(8) - p(4), 0, 0, 0], 1e-5);
        r.dispose();
      });
    });

    describe('feature maps, filters and embeddings', () => {
      // Conv2d(1, 2, 2): filter 0 sums its window, filter 1 takes bottom-right minus top-left.
      const hwio = [/* ky0 kx0 */ 1, -1, /* ky0 kx1 */ 1, 0, /* ky1 kx0 */ 1, 0, /* ky1 kx1 */ 1, 1];
      const yaml = `name: conv\ninput: [1, 3, 3]\nlayers:\n  - Conv2d(1, 2, 2)\n  - ReLU()\n  - Flatten()\n  - Linear(8, 2)\n`;
      const image = inputOf([1, 2, 3, 4, 5, 6, 7, 8, 9], 3, 3, 1);

      it('feature maps come out per channel in [C, H, W] order', async () => {
        const r = handMade(yaml, { 'layer1.weight': hwio, 'layer1.bias': [0, -5] });
        const [conv, relu, flat] = await activations(r, image, [1, 2, 3]);
        assert.deepEqual(conv.shape, [2, 2, 2]);
        // Channel 0: window sums 12 16 / 24 28; channel 1: (5−1, 6−2 / 8−4, 9−5) − 5 = −1 each.
        close(conv.planes.data, [12, 16, 24, 28, -1, -1, -1, -1]);
        close(relu.planes.data, [12, 16, 24, 28, 0, 0, 0, 0]);
        assert.deepEqual(relu.range, { min: 0, max: 28 });
        assert.deepEqual(flat.shape, [8]);
        // A vector folds into a 3×3 plane: the 8 features, then no value.
        assert.deepEqual([flat.planes.height, flat.planes.width], [3, 3]);
        close(flat.planes.data.subarray(0, 8), [12, 16, 24, 28, 0, 0, 0, 0]);
        assert.ok(Number.isNaN(flat.planes.data[8]));
        r.dispose();
      });

      it('feature maps of a graph model: any named output, merges included (concat by channel, add elementwise)', async () => {
        // a = 2x, b = 1 − x on the same input; the concat stacks them, the add sums them.
        const graph = `name: g\ninput: [1, 2, 2]\nlayers:\n  - a = Conv2d(1, 1, 1)\n  - b = Conv2d(1, 1, 1)(input)\n  - c = concat(a, b)\n  - add(a, b)\n  - Flatten()(c)\n  - Linear(8, 2)\n`;
        const r = handMade(graph, { 'layer1.weight': [2], 'layer1.bias': [0], 'layer2.weight': [-1], 'layer2.bias': [1] });
        const square = inputOf([1, 2, 3, 4], 2, 2, 1);
        const outputs = graphOutputs(r.analysis.graph);
        assert.deepEqual([...outputs.layerNames], [[1, ['a']], [2, ['b']]]);
        assert.deepEqual(outputs.merges.map((m) => [m.index, mergeText(m.merge), m.names]), [[1, 'concat(a, b)', ['c']], [2, 'add(a, b)', []]]);
        const concat = await mergeActivation(r, square, 1);
        assert.ok(concat);
        assert.deepEqual(concat.shape, [2, 2, 2]);
        close(concat.planes.data, [2, 4, 6, 8, 0, -1, -2, -3]);
        const sum = await mergeActivation(r, square, 2);
        close(sum?.planes.data ?? [], [2, 3, 4, 5]);
        assert.equal(await mergeActivation(r, square, 3), undefined);
        // What the panel asks for: a page of the concat's maps, one enlarged, and a clear error past its channels.
        const page = await featureMapsView(r, square, 1, 0, 64, 1);
        assert.deepEqual([page.merge, page.shape, page.channels, page.range], [1, [2, 2, 2], 2, { min: -3, max: 8 }]);
        const one = await featureMapView(r, square, 1, 1, 1);
        close(one.values, [0, -1, -2, -3]);
        await assert.rejects(() => featureMapView(r, square, 1, 2, 1), /concat\(a, b\) has 2 channels/);
        await assert.rejects(() => featureMapsView(r, square, 1, 0, 64, 9), /the model has no merge 9/);
        r.dispose();
      });

      it('filters are in PyTorch order [out][in][kh][kw]', async () => {
        const r = handMade(yaml, { 'layer1.weight': hwio });
        const f = await convFilters(r, 1);
        assert.equal(f.outChannels, 2);
        close(f.values, [1, 1, 1, 1, -1, 0, 0, 1]);
        await assert.rejects(() => convFilters(r, 2), /not a Conv2d layer \(filters exist for 1\)/);
        r.dispose();
      });

      it('embeddings are the input of the last Linear layer', async () => {
        const r = handMade(yaml, { 'layer1.weight': hwio, 'layer1.bias': [0, -5] });
        const set = { images: Uint8Array.from([0, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255]), labels: Uint8Array.from([0, 1]), count: 2, height: 3, width: 3, channels: 1 };
        const points = await featureVectors(r, set, [1, 0], 1);
        assert.equal(points.d, 8);
        // Image 1 is all ones: sums 4, differences 0 − 5 → ReLU 0. Image 0 has a single 1 in the centre.
        close(points.data, [4, 4, 4, 4, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0]);
        r.dispose();
      });
    });
  });
}
