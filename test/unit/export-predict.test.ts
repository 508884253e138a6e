/**
 * The exported predict.py against `cnnlab predict --json`: the same probabilities (and logits) within 1e-4 for
 * pictures that need no resizing, that need stretching and RGB → gray conversion (models without data.transforms),
 * and through a test pipeline of Resize / CenterCrop / Normalize (models with data.transforms); for an autoencoder
 * the same reconstruction error and --out picture, for a segmentation model the same class shares, mask and overlay.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runExport } from '../../src/cli/export';
import { runPredict } from '../../src/cli/predict';
import { decodePngRgba, encodePng } from '../../src/inspect/image/png';
import { initBackend } from '../../src/trainer/backend';
import { Random } from '../../src/trainer/datasets/random';
import type { TF } from '../../src/trainer/engine/tf';
import { analyze } from './engine-fixtures';
import { HAS_TORCH, PYTHON, untrainedRun } from './export-fixtures';

const GRAY_FIT = `name: predict-gray
input: [1, 20, 20]
layers: [Conv2d(1, 6, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(), Linear(600, 5)]
data: {dataset: shapes, normalize: {mean: [0.3], std: [0.4]}}
`;
const RGB_PIPELINE = `name: predict-rgb
input: [3, 16, 16]
layers: [Conv2d(3, 4, 3, padding=1), BatchNorm2d(4), ReLU(), AdaptiveAvgPool2d(2), Flatten(), Linear(16, 10)]
data:
  dataset: cifar10
  transforms:
    train: [RandomCrop(16, padding=2), Normalize((0.5, 0.4, 0.3), (0.2, 0.25, 0.3))]
    test: [Resize(18), CenterCrop(16), Normalize((0.5, 0.4, 0.3), (0.2, 0.25, 0.3))]
`;
// An autoencoder with logits out (bce_with_logits: predict maps them through a sigmoid) and normalised pixels.
const AUTOENCODER = `name: predict-autoencoder
task: reconstruction
input: [3, 12, 12]
layers: [Conv2d(3, 6, 3, padding=1), ReLU(), Conv2d(6, 3, 3, padding=1)]
data: {dataset: cifar10, normalize: {mean: [0.5, 0.4, 0.3], std: [0.25, 0.3, 0.2]}}
train: {loss: bce_with_logits}
`;
const SEGMENTATION = `name: predict-segmentation
task: segmentation
input: [1, 16, 16]
layers: [Conv2d(1, 8, 3, padding=1), BatchNorm2d(8), ReLU(), Conv2d(8, 4, 1)]
data: {dataset: shapes, normalize: {mean: [0.3], std: [0.4]}}
`;

let tf: TF;
let root: string;

before(async () => {
  tf = (await initBackend('wasm')).tf;
  root = mkdtempSync(join(tmpdir(), 'cnnlab-export-predict-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

/** A PNG of random pixels (smooth enough that resampling matters). */
function picture(name: string, width: number, height: number, channels: 1 | 3 | 4, seed: number): string {
  const rng = new Random(seed);
  const data = Uint8Array.from({ length: width * height * channels }, (_, i) => Math.floor(128 + 100 * Math.sin(i / 7) * rng.next()));
  const file = join(root, name);
  writeFileSync(file, encodePng({ width, height, channels, data }));
  return file;
}

async function ours(runDir: string, image: string): Promise<{ probabilities: number[]; logits: number[] }> {
  let out = '';
  let err = '';
  const status = await runPredict([runDir, image, '--json', '--backend', 'wasm'], { out: (t) => void (out += t), err: (t) => void (err += t) });
  assert.equal(status, 0, err);
  return JSON.parse(out);
}

function theirs(dir: string, image: string, ...more: string[]): { probabilities: number[]; logits: number[]; predictions: Array<{ index: number }> } {
  const r = spawnSync(PYTHON, [join(dir, 'predict.py'), image, '--json', ...more], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function assertClose(a: number[], b: number[], what: string): void {
  assert.equal(a.length, b.length, what);
  const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i])));
  assert.ok(worst <= 1e-4, `${what}: largest difference ${worst}`);
}

describe('exported predict.py', { skip: !HAS_TORCH && 'python3 with torch is not installed' }, () => {
  for (const [model, pictures] of [
    [GRAY_FIT, [['gray-20.png', 20, 20, 1], ['rgb-37x29.png', 37, 29, 3], ['rgba-11x13.png', 11, 13, 4]]],
    [RGB_PIPELINE, [['rgb-16.png', 16, 16, 3], ['rgb-40x23.png', 40, 23, 3], ['gray-30.png', 30, 30, 1]]],
  ] as const) {
    const analysis = analyze(model);
    it(`${analysis.name}: the probabilities of cnnlab predict within 1e-4`, async () => {
      const { runDir, model: engine } = await untrainedRun(tf, analysis, model, join(root, 'runs'));
      engine.dispose();
      const dir = join(root, 'export', analysis.name);
      assert.equal(await runExport([runDir, '--format', 'pytorch', '--out', dir], { out: () => {}, err: () => {} }), 0);
      for (const [name, w, h, c] of pictures) {
        const image = picture(`${analysis.name}-${name}`, w, h, c, w * h);
        const [mine, python] = [await ours(runDir, image), theirs(dir, image)];
        assertClose(python.probabilities, mine.probabilities, `${name} probabilities`);
        assertClose(python.logits, mine.logits, `${name} logits`);
        assert.equal(python.predictions.length, 3);
      }
    });
  }
});

describe('exported predict.py for autoencoders and segmentation', { skip: !HAS_TORCH && 'python3 with torch is not installed' }, () => {
  async function both(model: string, picture: string): Promise<{ mine: Record<string, unknown>; python: Record<string, unknown> }> {
    const analysis = analyze(model);
    const { runDir, model: engine } = await untrainedRun(tf, analysis, model, join(root, 'runs'));
    engine.dispose();
    const dir = join(root, 'export', analysis.name);
    assert.equal(await runExport([runDir, '--format', 'pytorch', '--out', dir], { out: () => {}, err: () => {} }), 0);
    let out = '';
    let err = '';
    const status = await runPredict([runDir, picture, '--json', '--backend', 'wasm', '--out', join(root, `${analysis.name}-ours.png`)], { out: (t) => void (out += t), err: (t) => void (err += t) });
    assert.equal(status, 0, err);
    return { mine: JSON.parse(out), python: theirs(dir, picture, '--out', join(root, `${analysis.name}-python.png`)) as unknown as Record<string, unknown> };
  }

  /** Largest difference between two PNGs' pixels (same size required). */
  function pixelDifference(a: string, b: string): number {
    const [x, y] = [decodePngRgba(readFileSync(a)), decodePngRgba(readFileSync(b))];
    assert.deepEqual([x.width, x.height], [y.width, y.height]);
    return Math.max(...Array.from(x.data, (v, i) => Math.abs(v - y.data[i])));
  }

  it('autoencoder: the reconstruction error within 1e-5 and the same reconstruction picture (--out)', async () => {
    const { mine, python } = await both(AUTOENCODER, picture('ae-20x15.png', 20, 15, 3, 11));
    assert.equal(python.task, 'reconstruction');
    assert.ok(Math.abs((python.error as number) - (mine.error as number)) <= 1e-5, `error ${python.error} against ${mine.error}`);
    // 8-bit pictures of outputs equal within 1e-5: a value on a rounding edge may differ by one level.
    assert.ok(pixelDifference(python.out as string, mine.out as string) <= 1);
  });

  it('segmentation: the same class shares, mask (--out) and overlay', async () => {
    const { mine, python } = await both(SEGMENTATION, picture('seg-16.png', 16, 16, 1, 5));
    assert.equal(python.task, 'segmentation');
    assert.deepEqual(python.size, mine.size);
    assert.deepEqual(python.classes, mine.classes);
    assert.equal(pixelDifference(python.out as string, mine.out as string), 0);
    assert.equal(pixelDifference(python.overlay as string, mine.overlay as string), 0);
  });
});
