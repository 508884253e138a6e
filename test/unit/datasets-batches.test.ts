/** The shapes generator, resizing, batching, normalisation and augmentation. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batches, imageToFloat, loadDataset, SHAPE_CLASSES } from '../../src/trainer/datasets';
import { legacyPipeline, transformStep } from '../../src/model/transforms/legacy';
import { resizeImage } from '../../src/trainer/datasets/resize';
import { generateShapes } from '../../src/trainer/datasets/shapes';
import type { ImageSet } from '../../src/trainer/datasets/types';

/** A set whose image i has every pixel equal to i (i < 256), so batches reveal which images they hold. */
function indexedSet(count: number, h = 4, w = 3, c = 2): ImageSet {
  const size = h * w * c;
  const images = new Uint8Array(count * size);
  for (let i = 0; i < count; i++) images.fill(i, i * size, (i + 1) * size);
  return { images, labels: Uint8Array.from({ length: count }, (_, i) => i % 7), count, height: h, width: w, channels: c };
}

describe('shapes', () => {
  it('is deterministic by seed, balanced, and keeps masks and boxes consistent with the pixels', () => {
    const a = generateShapes(120, 20, 24, 3, 7);
    const b = generateShapes(120, 20, 24, 3, 7);
    const c = generateShapes(120, 20, 24, 3, 8);
    assert.deepEqual(a.images, b.images);
    assert.deepEqual(a.masks, b.masks);
    assert.notDeepEqual(a.images, c.images);
    const perClass = SHAPE_CLASSES.map((_, k) => a.labels.filter((l) => l === k).length);
    assert.deepEqual(perClass, SHAPE_CLASSES.map(() => 120 / SHAPE_CLASSES.length));
    const pixels = 20 * 24;
    for (let i = 0; i < a.count; i++) {
      const mask = a.masks!.subarray(i * pixels, (i + 1) * pixels);
      const [x0, y0, x1, y1] = a.boxes!.subarray(i * 4, i * 4 + 4);
      let inside = 0;
      const fg = [0, 0, 0];
      const bg = [0, 0, 0];
      let tight = [24, 20, 0, 0];
      for (let p = 0; p < pixels; p++) {
        const x = p % 24;
        const y = Math.floor(p / 24);
        const sums = mask[p] === 0 ? bg : fg;
        for (let c = 0; c < 3; c++) sums[c] += a.images[(i * pixels + p) * 3 + c];
        if (mask[p] === 0) continue;
        assert.equal(mask[p], a.labels[i] + 1, 'mask holds class + 1');
        inside++;
        tight = [Math.min(tight[0], x), Math.min(tight[1], y), Math.max(tight[2], x + 1), Math.max(tight[3], y + 1)];
      }
      assert.ok(inside >= 6, `image ${i} shows its shape (${inside} pixels)`);
      assert.deepEqual([x0, y0, x1, y1], tight, 'box is the mask extent');
      const contrast = Math.max(...fg.map((f, c) => Math.abs(f / inside - bg[c] / (pixels - inside))));
      assert.ok(contrast > 30, `shape stands out from the background (${contrast.toFixed(1)})`);
    }
  });

  it('loads through loadDataset with the default sizes, any input size and 1 or 3 channels', async () => {
    const ds = await loadDataset({ input: [1, 8, 8], data: { dataset: 'shapes', validation_split: 0.1 }, seed: 1 });
    assert.deepEqual([ds.train.count, ds.validation.count, ds.test.count], [5400, 600, 1000]);
    assert.deepEqual(ds.classes, SHAPE_CLASSES);
    assert.equal(ds.source, 'generated');
    const big = await loadDataset({ input: [3, 40, 30], data: { dataset: 'shapes', validation_split: 0.25, train_samples: 40, test_samples: 8 }, seed: 1, maxTrainSamples: 10 });
    assert.deepEqual([big.train.count, big.test.count, big.train.channels, big.train.height, big.train.width], [10, 8, 3, 40, 30]);
    assert.ok(big.train.masks && big.train.boxes, 'masks and boxes survive the split');
    await assert.rejects(loadDataset({ input: [1, 6, 6], data: { dataset: 'shapes', validation_split: 0.1 }, seed: 1 }), /at least 8×8/);
    await assert.rejects(loadDataset({ input: [2, 8, 8], data: { dataset: 'shapes', validation_split: 0.1 }, seed: 1 }), /2 channels/);
    await assert.rejects(loadDataset({ input: [3, 8, 8], data: { dataset: 'shapes', validation_split: 0.1, normalize: { mean: [0.5, 0.5], std: [1] } }, seed: 1 }), /normalize\.mean needs 1 or 3 values/);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(loadDataset({ input: [1, 8, 8], data: { dataset: 'shapes', validation_split: 0.1 }, seed: 1, signal: controller.signal }), /cancelled/);
  });
});

describe('resize', () => {
  it('averages areas when shrinking and interpolates bilinearly when enlarging', () => {
    const src = Uint8Array.from([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160]);
    assert.deepEqual(Array.from(resizeImage(src, 4, 4, 1, 2, 2)), [35, 55, 115, 135]);
    assert.deepEqual(Array.from(resizeImage(Uint8Array.from([0, 100]), 1, 2, 1, 1, 4)), [0, 25, 75, 100]);
    const flat = resizeImage(new Uint8Array(7 * 5 * 3).fill(77), 7, 5, 3, 11, 3);
    assert.ok(flat.every((v) => v === 77));
  });
});

describe('batches', () => {
  it('visits every image once per epoch, in a seeded order that changes with the epoch', () => {
    const set = indexedSet(50);
    const order = (epoch: number, shuffle = true) =>
      [...batches(set, { batchSize: 16, shuffle, seed: 5, epoch })].flatMap((b) => Array.from({ length: b.size }, (_, i) => Math.round(b.x[i * 24] * 255)));
    const e0 = order(0);
    assert.deepEqual([...e0].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
    assert.deepEqual(order(0), e0);
    assert.notDeepEqual(order(1), e0);
    assert.deepEqual(order(0, false), Array.from({ length: 50 }, (_, i) => i));
    const sizes = [...batches(set, { batchSize: 16, shuffle: false, seed: 0 })].map((b) => b.size);
    assert.deepEqual(sizes, [16, 16, 16, 2]);
    assert.deepEqual([...batches(set, { batchSize: 16, shuffle: false, seed: 0, dropLast: true })].map((b) => b.size), [16, 16, 16]);
    const [first] = batches(set, { batchSize: 4, shuffle: false, seed: 0 });
    assert.deepEqual(Array.from(first.y), [0, 1, 2, 3]);
  });

  it('normalises per channel, (x / 255 − mean) / std, and imageToFloat agrees', () => {
    const set = indexedSet(3, 2, 2, 2);
    set.images[3 * 8 - 1] = 255;
    const normalize = { mean: [0.5, 0.25], std: [0.5, 2] };
    const [b] = batches(set, { batchSize: 3, shuffle: false, seed: 0, transforms: [transformStep('Normalize', normalize, [2, 2])] });
    for (let i = 0; i < b.x.length; i++) {
      const c = i % 2;
      assert.ok(Math.abs(b.x[i] - (set.images[i] / 255 - normalize.mean[c]) / normalize.std[c]) < 1e-6);
    }
    assert.deepEqual(imageToFloat(set, 2, normalize), b.x.subarray(16, 24));
    assert.deepEqual(Array.from(imageToFloat(set, 1)), new Array(8).fill(1 / 255).map((v) => Math.fround(v)));
  });

  it('augments training batches reproducibly and within range', () => {
    const set = generateShapes(32, 16, 16, 3, 1);
    const augment = { horizontal_flip: true, random_crop: { padding: 2 }, random_affine: { degrees: 15, translate: [0.1, 0.1] as [number, number], scale: [0.9, 1.1] as [number, number] }, color_jitter: { brightness: 0.3, contrast: 0.3 } };
    const transforms = legacyPipeline({ dataset: 'shapes', validation_split: 0, augment }, [16, 16]).train;
    const run = () => [...batches(set, { batchSize: 32, shuffle: false, seed: 2, transforms })][0].x;
    const plain = [...batches(set, { batchSize: 32, shuffle: false, seed: 2 })][0].x;
    const a = run();
    assert.deepEqual(run(), a);
    assert.notDeepEqual(a, plain);
    assert.ok(a.every((v) => v >= 0 && v <= 1));
  });
});

