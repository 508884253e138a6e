/**
 * Segmentation masks through the augmentation pipeline: geometric steps move image and mask identically (the image
 * here is the mask's classes as grey levels, drawn with nearest interpolation, so after any move image × 10 must equal
 * the mask pixel for pixel), photometric steps leave the mask alone, the random draws are those of the image-only
 * pipeline, and batches (in this thread or in a batch worker's handler) carry the moved masks.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeModel } from '../../src/model';
import type { TransformStep } from '../../src/model/types';
import { handleBatchJob } from '../../src/trainer/datasets/batchWorker';
import { planBatches, runBatchJob, type BatchJob } from '../../src/trainer/datasets/batches';
import { Random } from '../../src/trainer/datasets/random';
import { applyStoredSteps } from '../../src/trainer/datasets/storedTransforms';
import { resizeMasks } from '../../src/trainer/datasets/resize';
import type { ImageSet } from '../../src/trainer/datasets/types';
import { runPipeline, runPipelineWithMask } from '../../src/trainer/transforms/pipeline';

/** The training pipeline of a model file's data.transforms (resolved arguments). */
function steps(train: string): TransformStep[] {
  const a = analyzeModel(`name: t\ntask: segmentation\ninput: [1, 20, 20]\nlayers:\n  - Conv2d(1, 4, 1)\ndata:\n  dataset: shapes\n  transforms:\n    train: ${train}\n    test: []\n`);
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  return a.pipeline.train.map(({ type, args }) => ({ type, args }));
}

/** A 20×20 mask of blocks of classes 0–3 (asymmetric, so every move shows), and the image of its classes / 10. */
function pattern(): { mask: Float32Array; image: Float32Array } {
  const mask = new Float32Array(400);
  for (let y = 0; y < 20; y++) for (let x = 0; x < 20; x++) mask[y * 20 + x] = (x < 7 ? 1 : 0) + (y > 12 ? 2 : 0) + (x > 15 && y < 4 ? 3 : 0);
  return { mask, image: mask.map((v) => v / 10) };
}

const geometricSteps = [
  '[RandomHorizontalFlip(p=1.0), RandomVerticalFlip(p=1.0)]',
  '[RandomRotation(40, interpolation="nearest")]',
  '[RandomAffine(25, translate=(0.2, 0.1), scale=(0.8, 1.2), shear=10, interpolation="nearest")]',
  '[RandomCrop(20, padding=4)]',
  '[RandomCrop(20, padding=3, padding_mode="reflect")]',
  '[RandomResizedCrop(20, interpolation="nearest")]',
  '[TrivialAugmentWide(interpolation="nearest")]',
];

describe('masks follow geometric augmentation', () => {
  for (const train of geometricSteps) {
    it(train, () => {
      for (let seed = 0; seed < 12; seed++) {
        const { mask, image } = pattern();
        const moved = runPipelineWithMask({ data: image, height: 20, width: 20, channels: 1 }, { data: mask, height: 20, width: 20, channels: 1 }, steps(train), new Random(seed));
        const m = moved.mask;
        assert.ok(m && m.height === moved.image.height && m.width === moved.image.width);
        // TrivialAugmentWide may pick a photometric op, which changes the image only: compare geometry where it did not.
        const photometric = train.startsWith('[Trivial') && moved.image.data.some((v, i) => Math.abs(v * 10 - Math.round(v * 10)) > 1e-3 || (m.data[i] === 0 && v !== 0));
        if (photometric) continue;
        for (let i = 0; i < m.data.length; i++) assert.equal(Math.round(moved.image.data[i] * 10), m.data[i], `seed ${seed}, pixel ${i}`);
      }
    });
  }

  it('photometric steps leave the mask untouched, and the random draws are the image-only pipeline\'s', () => {
    const pipeline = steps('[ColorJitter(0.5, 0.5), GaussianBlur(3), RandomHorizontalFlip(), RandomErasing(p=1.0)]');
    const { mask, image } = pattern();
    const moved = runPipelineWithMask({ data: image.slice(), height: 20, width: 20, channels: 1 }, { data: mask.slice(), height: 20, width: 20, channels: 1 }, pipeline, new Random(4));
    const alone = runPipeline({ data: image.slice(), height: 20, width: 20, channels: 1 }, pipeline, new Random(4));
    assert.deepEqual(moved.image.data, alone.data, 'same image with or without a mask');
    const flipped = moved.mask?.data[0] !== mask[0] || moved.mask?.data[19] !== mask[19];
    const expected = flipped ? mask.map((_, i) => mask[Math.floor(i / 20) * 20 + 19 - (i % 20)]) : mask;
    assert.deepEqual(moved.mask?.data, expected, 'only the flip moved the mask');
  });
});

describe('batches carry masks', () => {
  const set = (): ImageSet => {
    const { mask, image } = pattern();
    const images = new Uint8Array(800);
    const masks = new Uint8Array(800);
    for (let i = 0; i < 2; i++) {
      images.set(image.map((v) => Math.round(v * 255)), i * 400);
      masks.set(mask, i * 400);
    }
    return { images, labels: new Uint8Array(2), count: 2, height: 20, width: 20, channels: 1, masks };
  };

  it('lookup-table batches copy them; pipeline batches move them like their images, in a worker\'s handler too', () => {
    const plain = [...planBatches(set(), { batchSize: 2, shuffle: false, seed: 1 })][0];
    assert.deepEqual(plain.batch?.masks, set().masks);
    const planned = [...planBatches(set(), { batchSize: 2, shuffle: true, seed: 1, transforms: steps('[RandomRotation(90, interpolation="nearest")]') })][0];
    const job = planned.job as BatchJob;
    assert.ok(job.masks, 'the job holds the masks');
    const here = runBatchJob(job);
    const there = handleBatchJob({ id: 1, job }).reply;
    assert.ok(there.batch && here.masks);
    assert.deepEqual(there.batch.masks, here.masks, 'the worker gives the same batch');
    for (let i = 0; i < here.x.length; i++) assert.equal(Math.round(here.x[i] * 255 / 25.5), here.masks[i], `pixel ${i}`);
  });

  it('stored steps (Resize) and fitting to the input resize masks by nearest neighbour', () => {
    const resized = applyStoredSteps(set(), steps('[Resize((40, 40), interpolation="nearest"), CenterCrop(20)]'));
    const doubled = resizeMasks(set().masks as Uint8Array, 2, 20, 20, 40, 40);
    const centre = Uint8Array.from({ length: 800 }, (_, i) => doubled[Math.floor(i / 400) * 1600 + (10 + Math.floor((i % 400) / 20)) * 40 + 10 + (i % 20)]);
    assert.deepEqual(resized.masks, centre);
    const small = resizeMasks(Uint8Array.from([0, 1, 2, 3]), 1, 2, 2, 4, 4);
    assert.deepEqual([...small], [0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3]);
  });
});
