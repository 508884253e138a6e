/**
 * The inspector for reconstruction runs: the augmentation preview's noisy | clean pairs for denoising, data.noise in
 * words, and a 2-D-bottleneck linear autoencoder trained here on shapes whose bottleneck
 * is embedded and whose latent plane is decoded on a grid.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddingLayerOptions, embeddingSource } from '../../media/inspector/embeddingLayers';
import { latentToScreen } from '../../media/inspector/latentPlane';
import type { InspectRequest, InspectResult, RunInfo } from '../../src/protocol/inspect';
import { decodePngRgba } from '../../src/inspect/image/png';
import { traceForward } from '../../src/inspect/network/forward';
import { decodeFrom } from '../../src/inspect/network/latent';
import { openRun } from '../../src/inspect/network/runModel';
import { InspectorSession } from '../../src/inspect/session/inspectorSession';
import { initBackend } from '../../src/trainer/backend/index';
import { runTraining } from '../../src/trainer/engine/session';
import { describeNoise } from '../../src/model/config/noiseText';
import { noisePairsGrid } from '../../src/inspect/augmentPreview';
import type { ImageSet } from '../../src/trainer/datasets/types';
import type { TransformStep } from '../../src/model/types';

/** One 4×4 gray training image: a ramp 0, 16, …, 240. */
const ramp: ImageSet = { count: 1, height: 4, width: 4, channels: 1, images: Uint8Array.from({ length: 16 }, (_, i) => i * 16), labels: Int32Array.from([0]) } as unknown as ImageSet;
const normalize: TransformStep = { type: 'Normalize', args: { mean: [0.5], std: [0.25] } } as unknown as TransformStep;

/** Tile `t` of a tiled grid (tiles of 4×4 at scale 1, gap 2) as bytes. */
function tile(grid: ReturnType<typeof noisePairsGrid>, t: number): number[] {
  const { columns, tileWidth, tileHeight, gap } = grid.layout;
  const x0 = (t % columns) * (tileWidth + gap);
  const y0 = Math.floor(t / columns) * (tileHeight + gap);
  const out: number[] = [];
  for (let y = 0; y < tileHeight; y++) for (let x = 0; x < tileWidth; x++) out.push(grid.image.data[(y0 + y) * grid.image.width + x0 + x]);
  return out;
}

describe('augmentation preview of a denoising model', () => {
  it('shows noisy | clean pairs: the clean tile is the image in pixels (before Normalize), the noisy one is corrupted', () => {
    const grid = noisePairsGrid(ramp, 0, [normalize], { salt_and_pepper: 1 }, 8, 7);
    assert.equal(grid.layout.columns, 4, 'two pairs per row');
    assert.equal(grid.layout.rows, 4);
    const original = Array.from(ramp.images);
    for (let pair = 0; pair < 8; pair++) {
      assert.deepEqual(tile(grid, 2 * pair + 1), original, `pair ${pair}: the clean target, not normalised`);
      const noisy = tile(grid, 2 * pair);
      assert.ok(noisy.every((v) => v === 0 || v === 255), 'salt and pepper on every pixel');
    }
    assert.notDeepEqual(tile(grid, 0), tile(grid, 2), 'every pair draws its own noise');
  });

  it('adds seeded Gaussian noise: the same seed gives the same grid, another seed another one', () => {
    const a = noisePairsGrid(ramp, 0, [], { gaussian: 0.3 }, 2, 1);
    assert.deepEqual(a.image.data, noisePairsGrid(ramp, 0, [], { gaussian: 0.3 }, 2, 1).image.data);
    assert.notDeepEqual(a.image.data, noisePairsGrid(ramp, 0, [], { gaussian: 0.3 }, 2, 2).image.data);
    const noisy = tile(a, 0);
    const changed = noisy.filter((v, i) => v !== ramp.images[i]).length;
    assert.ok(changed >= 12, `most pixels moved (${changed} of 16)`);
  });

  it('names the noise of data.noise, and none when every amount is 0', () => {
    assert.equal(describeNoise({ gaussian: 0.3 }), 'gaussian 0.3');
    assert.equal(describeNoise({ salt_and_pepper: 0.05, random_erasing: 0.5 }), 'salt_and_pepper 0.05, random_erasing 0.5');
    assert.equal(describeNoise({ gaussian: 0 }), null);
    assert.equal(describeNoise(undefined), null);
  });
});

describe('inspector on a reconstruction run with a 2-D bottleneck (trained here)', () => {
  const MODEL = `name: latent-ae
task: reconstruction
input: [1, 12, 12]
layers:
  - Flatten()
  - Linear(144, 32)
  - ReLU()
  - Linear(32, 2)
  - Linear(2, 32)
  - ReLU()
  - Linear(32, 144)
  - Sigmoid()
  - Unflatten(1, (1, 12, 12))
data: { dataset: shapes, train_samples: 300, test_samples: 60, noise: { gaussian: 0.2 } }
train: { epochs: 2, batch_size: 32, lr: 0.01, seed: 5 }
`;
  const root = mkdtempSync(join(tmpdir(), 'cnnlab-latent-'));
  const session = new InspectorSession((choice) => initBackend(choice === 'auto' ? 'wasm' : choice));
  let runDir = '';
  let info: RunInfo;
  const ask = async <K extends InspectRequest['kind']>(request: Extract<InspectRequest, { kind: K }>) => (await session.handle(request)) as Extract<InspectResult, { kind: K }>;
  before(async () => {
    ({ runDir } = await runTraining({ modelText: MODEL, outDir: root, backend: 'wasm' }));
    ({ info } = await ask({ kind: 'open', runDir }));
  });
  after(() => {
    session.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('names the task, the bottleneck (the embeddings’ default layer), the latent plane and the noise', () => {
    assert.deepEqual([info.task, info.bottleneck, info.latentPlane, info.inputNoise], ['reconstruction', 4, true, 'gaussian 0.2']);
  });

  it('embeds the bottleneck’s codes', async () => {
    const e = await ask({ kind: 'embeddings', count: 60, method: 'pca', layer: 4 });
    assert.deepEqual([e.featureSize, e.layer, e.labels.length], [2, 4, 60]);
    await assert.rejects(() => ask({ kind: 'embeddings', count: 10, method: 'pca', layer: 99 }), /no layer 99/);
  });

  it('decodes a grid of codes over the test codes: tile (row, col) is the decoder’s image of its code', async () => {
    const g = await ask({ kind: 'latentGrid', steps: 5, count: 60 });
    assert.deepEqual([g.layer, g.steps, g.picture.width, g.picture.height, g.tileWidth, g.points.length], [4, 5, 60, 60, 12, 120]);
    const xs = Array.from({ length: 60 }, (_, i) => g.points[2 * i]);
    assert.ok(g.x[0] >= Math.min(...xs) && g.x[1] <= Math.max(...xs) && g.x[0] < g.x[1], 'the grid spans the codes');
    const png = decodePngRgba(g.picture.png);
    // Tile (row 1, col 3): code (x0 + 3Δx, y1 − 1Δy), decoded by the layers after the bottleneck.
    const tf = (await initBackend('wasm')).tf;
    const run = await openRun(tf, runDir);
    try {
      const [dx, dy] = [(g.x[1] - g.x[0]) / 4, (g.y[1] - g.y[0]) / 4];
      const out = tf.tidy(() => decodeFrom(run, 4, tf.tensor2d([g.x[0] + 3 * dx, g.y[1] - dy], [1, 2])));
      const values = await out.data();
      out.dispose();
      for (let p = 0; p < 144; p++) {
        const [py, px] = [12 + Math.floor(p / 12), 36 + (p % 12)];
        assert.ok(Math.abs(png.data[(py * png.width + px) * 4] - Math.round(255 * values[p])) <= 1, `pixel ${p}`);
      }
      // The decoder half after the encoder half is the whole model.
      const x = tf.randomUniform([3, 12, 12, 1]);
      const full = run.model.apply(x, false);
      const codes = traceForward(run, x, { keep: new Set([4]) }).outputs.get(4);
      assert.ok(codes);
      const halves = decodeFrom(run, 4, codes);
      assert.ok((await tf.max(tf.abs(tf.sub(full, halves))).data())[0] < 1e-6);
      tf.dispose([x, full, codes, halves]);
    } finally {
      run.dispose();
    }
  });

  it('answers an input with its reconstruction and error, not softmax "classes" over the output pixels', async () => {
    const input = await ask({ kind: 'input', input: { kind: 'test', index: 3 }, topK: 5 });
    assert.deepEqual(input.predictions, [], 'no class bars for an autoencoder');
    assert.ok(input.reconstruction, 'the reconstruction is shown');
    // The error is the MSE between the two pictures (both in [0, 1] pixels; the picture rounds to bytes).
    const [a, b] = [decodePngRgba(input.picture.png), decodePngRgba(input.reconstruction.picture.png)];
    let sum = 0;
    for (let p = 0; p < a.data.length; p += 4) sum += ((a.data[p] - b.data[p]) / 255) ** 2;
    const mse = sum / (a.data.length / 4);
    assert.ok(input.reconstruction.error > 0 && Math.abs(mse - input.reconstruction.error) < 2e-3 + 0.05 * input.reconstruction.error, `picture MSE ${mse} vs ${input.reconstruction.error}`);
    assert.equal(input.reconstruction.picture.width, input.picture.width, 'drawn at the input’s size');
  });

  it('shows noisy | clean pairs in the augmentation preview', async () => {
    const a = await ask({ kind: 'augment', count: 16, seed: 1, trainIndex: 0 });
    assert.equal(a.pairs, true);
    assert.equal(a.layout.columns, 4);
    assert.equal(a.layout.rows, 4);
  });
});

describe('inspector webview: embedding features and the latent plane (pure)', () => {
  const info = {
    runDir: '/r', model: 'ae', checkpoint: 'best', backend: 'cpu', classes: ['a'], input: [1, 12, 12], merges: [], convLayers: [], visualLayer: null, testCount: 1, trainCount: 1,
    hasAugment: false, inputNoise: null, task: 'reconstruction', bottleneck: 2, latentPlane: true, datasetProblem: null, notices: [],
    layers: [{ index: 1, type: 'Flatten', text: 'Flatten()', outputShape: [144], line: 4 }, { index: 2, type: 'Linear', text: 'Linear(144, 2)', outputShape: [2], line: 5 }],
  } satisfies RunInfo;

  it('defaults the embeddings to the bottleneck of a reconstruction run, to the head’s input otherwise', () => {
    const r = embeddingLayerOptions(info);
    assert.equal(r.value, '2');
    assert.deepEqual(r.options.map(([v]) => v), ['', '1', '2']);
    assert.equal(r.options[2][1], '2: Linear [2] (bottleneck)');
    assert.equal(embeddingLayerOptions({ ...info, task: 'classification', bottleneck: null }).value, '');
    assert.equal(embeddingSource(info, 2), 'output of layer 2, Linear: the bottleneck');
    assert.equal(embeddingSource(info, null), 'input of the last Linear layer');
  });

  it('places codes at their tile centres on the latent plane', () => {
    const g = { steps: 5, x: [0, 4] as [number, number], y: [-2, 2] as [number, number] };
    // Tile (row 0, col 0) decodes (x0, y1) = (0, 2); on a 500-pixel picture its centre is (50, 50).
    assert.deepEqual(latentToScreen(g, 0, 2, 500), { x: 50, y: 50 });
    assert.deepEqual(latentToScreen(g, 4, -2, 500), { x: 450, y: 450 });
    assert.deepEqual(latentToScreen(g, 2, 0, 500), { x: 250, y: 250 });
    assert.equal(latentToScreen(g, 9, 0, 500), undefined, 'outside the plane');
  });
});
