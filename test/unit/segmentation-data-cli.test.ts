/**
 * Segmentation data and CLI: mask PNGs (palette PNGs as VOC writes them, grey PNGs, colour PNGs refused), the
 * maskfolder layout (images/ + masks/, same names, mask sizes checked, 255 kept for the ignore index), then
 * `cnnlab train --json` on a segmentation model (testAccuracy = pixel accuracy, testMeanIou; every existing key kept,
 * val_miou on the epoch line) and `cnnlab predict --out mask.png` (a palette PNG of class indices, its overlay, --json
 * pixel shares). All PNGs are generated here.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { encodeIndexedPng, encodePng } from '../../src/inspect/image/png';
import { maskColor, maskPalette } from '../../src/protocol/maskPalette';
import { loadDataset } from '../../src/trainer/datasets';
import { decodeMaskPng } from '../../src/trainer/datasets/maskPng';
import type { DataConfig } from '../../src/model/types';

const dir = mkdtempSync(join(tmpdir(), 'cnnlab-segdata-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const cli = resolve(__dirname, '../../src/cli.ts');

/** A w×h scene: a bright square of class 1 and a dark bar of class 2 on a mid-grey background, borders 255. */
function scene(w: number, h: number, shift: number): { gray: Uint8Array; mask: Uint8Array } {
  const gray = new Uint8Array(w * h).fill(120);
  const mask = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      if (x >= 2 + shift && x < 7 + shift && y >= 2 && y < 7) [gray[p], mask[p]] = [240, 1];
      if (y >= h - 3 && x >= 1) [gray[p], mask[p]] = [10, 2];
      if (x === 1 + shift && y >= 2 && y < 7) mask[p] = 255;
    }
  }
  return { gray, mask };
}

function writeFolder(root: string, count: number, maskFormat: 'palette' | 'grey', w = 12, h = 12): void {
  mkdirSync(join(root, 'images'), { recursive: true });
  mkdirSync(join(root, 'masks'), { recursive: true });
  for (let i = 0; i < count; i++) {
    const { gray, mask } = scene(w, h, i % 4);
    writeFileSync(join(root, 'images', `img${i}.png`), encodePng({ width: w, height: h, channels: 1, data: gray }));
    const png = maskFormat === 'palette' ? encodeIndexedPng({ width: w, height: h, indices: mask, palette: maskPalette() }) : encodePng({ width: w, height: h, channels: 1, data: mask });
    writeFileSync(join(root, 'masks', `img${i}.png`), png);
  }
}

describe('mask PNGs', () => {
  it('a palette PNG gives its indices (VOC colours, 255 included), a grey PNG its levels', () => {
    const indices = Uint8Array.from([0, 1, 2, 255, 15, 3]);
    const palette = decodeMaskPng(Buffer.from(encodeIndexedPng({ width: 3, height: 2, indices, palette: maskPalette() })), 'm.png');
    assert.deepEqual([...palette.indices], [...indices]);
    assert.deepEqual(maskColor(1), [128, 0, 0]);
    assert.deepEqual(maskColor(255), [224, 224, 192]);
    const grey = decodeMaskPng(Buffer.from(encodePng({ width: 3, height: 2, channels: 1, data: indices })), 'g.png');
    assert.deepEqual([...grey.indices], [...indices]);
  });

  it('a palette PNG written by PIL-like tools with a short palette, and colour PNGs without a palette', () => {
    const shortPalette = Uint8Array.from([0, 0, 0, 200, 10, 10, 10, 200, 10]);
    const indices = Uint8Array.from([2, 1, 0, 1]);
    assert.deepEqual([...decodeMaskPng(Buffer.from(encodeIndexedPng({ width: 2, height: 2, indices, palette: shortPalette })), 'p.png').indices], [2, 1, 0, 1]);
    const rgb = encodePng({ width: 1, height: 1, channels: 3, data: Uint8Array.from([128, 0, 0]) });
    assert.throws(() => decodeMaskPng(Buffer.from(rgb), 'c.png'), /c\.png is a colour PNG without a palette/);
    assert.throws(() => decodeMaskPng(Buffer.from('not a png at all, not at all, no'), 'x.png'), /x\.png is not a PNG/);
  });
});

describe('maskfolder', () => {
  const data = (path: string): DataConfig => ({ dataset: 'maskfolder', path, validation_split: 0.2 });

  it('pairs images/ and masks/ by name, stretches masks by nearest neighbour, keeps 255 and labels by the largest class', async () => {
    const root = join(dir, 'palette');
    writeFolder(root, 10, 'palette');
    const loaded = await loadDataset({ input: [1, 24, 24], data: data(root), seed: 1, target: 'mask', classes: ['background', 'square', 'bar'] });
    assert.deepEqual(loaded.classes, ['background', 'square', 'bar']);
    assert.equal(loaded.train.count + loaded.validation.count + loaded.test.count, 10);
    const set = loaded.train;
    assert.ok(set.masks);
    assert.equal(set.masks.length, set.count * 24 * 24);
    const values = new Set(set.masks);
    assert.deepEqual([...values].sort((a, b) => a - b), [0, 1, 2, 255]);
    // Nearest neighbour ×2: mask pixel (2y, 2x) = the source mask's (y, x); the image is bright where the mask is 1.
    for (let p = 0; p < 24 * 24; p++) if (set.masks[p] === 1) assert.ok(set.images[p] > 150, `pixel ${p}: ${set.images[p]}`);
    assert.equal(set.labels[0], 2, 'the bar (33 pixels) covers more than the square (25)');
  });

  it('grey masks read the same; a missing mask and a mask of another size are errors naming the files', async () => {
    const grey = join(dir, 'grey');
    writeFolder(grey, 6, 'grey');
    const loaded = await loadDataset({ input: [1, 12, 12], data: data(grey), seed: 1, target: 'mask', maskClasses: 3 });
    assert.deepEqual(loaded.classes, ['0', '1', '2']);
    const missing = join(dir, 'missing');
    writeFolder(missing, 3, 'grey');
    rmSync(join(missing, 'masks', 'img1.png'));
    await assert.rejects(loadDataset({ input: [1, 12, 12], data: data(missing), seed: 1, target: 'mask' }), /images\/img1\.png has no mask: expected .*masks\/img1\.png/);
    const sized = join(dir, 'sized');
    writeFolder(sized, 3, 'grey');
    writeFileSync(join(sized, 'masks', 'img2.png'), encodePng({ width: 5, height: 5, channels: 1, data: new Uint8Array(25) }));
    await assert.rejects(loadDataset({ input: [1, 12, 12], data: data(sized), seed: 1, target: 'mask' }), /img2\.png is 5×5 but its image .* is 12×12/);
  });
});

function cnnlab(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8', cwd: resolve(__dirname, '../..') });
}

describe('cnnlab train and predict for segmentation', () => {
  const model = `name: cli-seg
task: segmentation
input: [1, 16, 16]
layers:
  - Conv2d(1, 8, 3, padding=1)
  - ReLU()
  - Conv2d(8, 6, 1)
data: { dataset: shapes, train_samples: 120, test_samples: 30 }
train: { epochs: 1, batch_size: 16, seed: 2 }
`;
  let runDir = '';

  it('--json keeps every key, sets testAccuracy to the pixel accuracy and adds testMeanIou; the epoch line shows val_miou', () => {
    const file = join(dir, 'seg.cnn.yaml');
    writeFileSync(file, model);
    const r = cnnlab('train', file, '--backend', 'wasm', '--json');
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
    const keys = ['runDir', 'backend', 'epochs', 'trainSamples', 'samplesPerSecond', 'testAccuracy', 'testLoss', 'bestValLoss', 'status', 'error', 'task', 'testMeanIou'];
    assert.deepEqual(keys.filter((k) => !(k in result)), []);
    assert.equal(result.task, 'segmentation');
    const summary = JSON.parse(readFileSync(join(result.runDir, 'summary.json'), 'utf8'));
    assert.equal(result.testAccuracy, summary.test.segmentation.pixelAccuracy);
    assert.equal(result.testMeanIou, summary.test.segmentation.meanIou);
    assert.ok(result.testMeanIou > 0 && result.testMeanIou <= 1);
    assert.match(r.stderr, /epoch 1: loss .* val_miou \d\.\d{3}/);
    assert.match(r.stderr, /test mIoU \d\.\d{3}, pixel accuracy/);
    runDir = result.runDir;
  });

  it('predict --out writes the mask as a palette PNG of class indices and an overlay next to it', () => {
    assert.ok(runDir, 'the training test ran');
    const image = join(dir, 'picture.png');
    writeFileSync(image, encodePng({ width: 16, height: 16, channels: 1, data: scene(16, 16, 3).gray }));
    const out = join(dir, 'pred', 'mask.png');
    mkdirSync(join(dir, 'pred'));
    const r = cnnlab('predict', runDir, image, '--out', out, '--json', '--backend', 'wasm');
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout.trim());
    assert.equal(result.task, 'segmentation');
    assert.equal(result.out, out);
    assert.equal(result.overlay, join(dir, 'pred', 'mask.overlay.png'));
    assert.ok(existsSync(result.overlay));
    const shares = result.classes as Array<{ class: string; index: number; pixels: number; fraction: number }>;
    assert.deepEqual(shares.map((c) => c.class), ['background', 'circle', 'square', 'triangle', 'cross', 'ring']);
    assert.equal(shares.reduce((s, c) => s + c.pixels, 0), 256);
    const mask = decodeMaskPng(readFileSync(out), out);
    assert.equal(mask.indices.length, 256);
    const counted = new Array<number>(6).fill(0);
    for (const v of mask.indices) counted[v] += 1;
    assert.deepEqual(counted, shares.map((c) => c.pixels), 'the PNG holds the predicted classes');
    const overlay = PNG.sync.read(readFileSync(result.overlay));
    assert.equal(overlay.width, 16);
    const text = cnnlab('predict', runDir, image, '--backend', 'wasm');
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^\w+ +\d+\.\d\d% of the pixels$/m);
  });
});
