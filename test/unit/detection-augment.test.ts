/**
 * Geometric augmentation keeps boxes on their objects: each object is also painted into the segmentation mask, the
 * pipeline moves image, mask and boxes with the same drawn parameters, and every box left must be the bounding box of
 * its object's mask pixels (within the one pixel that nearest-neighbour resampling may shift an edge); objects whose
 * pixels were cropped or rotated away must have lost their boxes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TRANSFORM_CATALOG } from '../../src/model/transforms/catalog';
import type { PyValue, TransformStep, TransformType } from '../../src/model/types';
import { Random } from '../../src/trainer/datasets/random';
import { objectsOf, packObjects, type ImageObject } from '../../src/trainer/datasets/objectBoxes';
import { applyStoredSteps } from '../../src/trainer/datasets/storedTransforms';
import { newImage, type FloatImage } from '../../src/trainer/transforms/image';
import { affineBoxes, cropBoxes, flipBoxes, keepVisible, scaleBoxes } from '../../src/trainer/transforms/moveBoxes';
import { runPipelineWithTargets } from '../../src/trainer/transforms/pipeline';
import { inverseAffineMatrix } from '../../src/trainer/transforms/warp';

function step(type: TransformType, given: Record<string, PyValue> = {}): TransformStep {
  const args: Record<string, PyValue> = {};
  for (const a of TRANSFORM_CATALOG[type].args) args[a.name] = given[a.name] ?? a.default ?? null;
  return { type, args };
}

/** Integer rectangles painted into a mask (class + 1) and as objects. */
function scene(rng: Random, size: number): { mask: FloatImage; objects: ImageObject[] } {
  const mask = newImage(size, size, 1);
  const objects: ImageObject[] = [];
  for (let k = 0; k < 3; k++) {
    const w = 4 + Math.floor(rng.next() * 10);
    const h = 4 + Math.floor(rng.next() * 10);
    const x = Math.floor(rng.next() * (size - w));
    const y = Math.floor(rng.next() * (size - h));
    // Disjoint rows of the scene keep each object's pixels its own.
    if (objects.some((o) => !(x >= o.box[2] || x + w <= o.box[0] || y >= o.box[3] || y + h <= o.box[1]))) continue;
    for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) mask.data[yy * size + xx] = objects.length + 1;
    objects.push({ cls: objects.length, box: [x, y, x + w, y + h] });
  }
  return { mask, objects };
}

/** The pixel-edge bounding box of the mask's pixels of value v, and their count. */
function maskBox(mask: FloatImage, v: number): { box: number[]; pixels: number } {
  let [x1, y1, x2, y2, pixels] = [Infinity, Infinity, -Infinity, -Infinity, 0];
  for (let y = 0; y < mask.height; y++) for (let x = 0; x < mask.width; x++) {
    if (mask.data[y * mask.width + x] !== v) continue;
    pixels += 1;
    [x1, y1, x2, y2] = [Math.min(x1, x), Math.min(y1, y), Math.max(x2, x + 1), Math.max(y2, y + 1)];
  }
  return { box: [x1, y1, x2, y2], pixels };
}

const PIPELINES: Record<string, TransformStep[]> = {
  'horizontal flip': [step('RandomHorizontalFlip', { p: 1 })],
  'vertical flip': [step('RandomVerticalFlip', { p: 1 })],
  'random crop with padding': [step('RandomCrop', { size: 24, padding: 4 })],
  'random crop, pad_if_needed': [step('RandomCrop', { size: [40, 36], pad_if_needed: true })],
  'center crop (smaller)': [step('CenterCrop', { size: 20 })],
  'center crop (larger: pads)': [step('CenterCrop', { size: [40, 37] })],
  resize: [step('Resize', { size: [20, 44] })],
  'random resized crop': [step('RandomResizedCrop', { size: 32, scale: [0.3, 1] })],
  rotation: [step('RandomRotation', { degrees: 40 })],
  affine: [step('RandomAffine', { degrees: 20, translate: [0.15, 0.15], scale: [0.7, 1.3], shear: 12 })],
  'flip, affine, crop': [step('RandomHorizontalFlip'), step('RandomAffine', { degrees: 10, scale: [0.9, 1.1] }), step('RandomCrop', { size: 28 }), step('ColorJitter', { brightness: 0.3 })],
};

describe('boxes follow geometric augmentation', () => {
  for (const [name, steps] of Object.entries(PIPELINES)) {
    it(name, () => {
      const rng = new Random(11);
      let checked = 0;
      let dropped = 0;
      for (let trial = 0; trial < 40; trial++) {
        const { mask, objects } = scene(rng, 32);
        const image = { ...mask, data: Float32Array.from(mask.data, (v) => v / 4) };
        const out = runPipelineWithTargets(image, { mask, objects }, steps, rng);
        const moved = out.mask as FloatImage;
        assert.deepEqual([moved.height, moved.width], [out.image.height, out.image.width]);
        const kept = new Map((out.objects ?? []).map((o) => [o.cls, o.box]));
        for (const o of objects) {
          const truth = maskBox(moved, o.cls + 1);
          const box = kept.get(o.cls);
          if (!box) {
            dropped += 1;
            assert.ok(truth.pixels <= 2, `${name}: object ${o.cls} was dropped but ${truth.pixels} of its pixels remain`);
            continue;
          }
          // Slivers (a few pixels, or under 3 pixels across) have slanted edges that pixel centres cannot measure.
          if (truth.pixels < 4 || Math.min(box[2] - box[0], box[3] - box[1]) < 3) continue;
          box.forEach((v, i) => assert.ok(Math.abs(v - truth.box[i]) <= 1.01, `${name}: box ${box.map((b) => b.toFixed(2))} vs its pixels ${truth.box}`));
          checked += 1;
        }
      }
      assert.ok(checked >= 40, `${checked} boxes checked`);
      if (name.startsWith('random crop with') || name.startsWith('center crop (smaller)')) assert.ok(dropped > 0, 'some objects were cropped away');
    });
  }

  it('a geometric step that cannot move boxes is refused by name', () => {
    const rng = new Random(1);
    const { mask, objects } = scene(rng, 32);
    assert.throws(() => runPipelineWithTargets(mask, { objects }, [step('RandAugment')], rng), /RandAugment .*boxes/);
  });
});

describe('box moves by hand', () => {
  const o: ImageObject[] = [{ cls: 0, box: [2, 3, 10, 7] }];
  it('flips mirror about the image edges', () => {
    assert.deepEqual(flipBoxes(o, { width: 20, height: 10 }, true)[0].box, [10, 3, 18, 7]);
    assert.deepEqual(flipBoxes(o, { width: 20, height: 10 }, false)[0].box, [2, 3, 10, 7]);
  });
  it('crops shift and clip; a box left with no area is dropped by keepVisible', () => {
    assert.deepEqual(cropBoxes(o, 4, 5, { width: 8, height: 8 })[0].box, [0, 0, 5, 3]);
    assert.deepEqual(cropBoxes(o, -2, -1, { width: 30, height: 30 })[0].box, [3, 5, 11, 9]);
    assert.deepEqual(keepVisible(cropBoxes(o, 0, 10, { width: 8, height: 8 })), []);
    assert.deepEqual(keepVisible([{ cls: 1, box: [0, 0, 0.5, 4] }]), []);
  });
  it('scaling and a 90° rotation', () => {
    assert.deepEqual(scaleBoxes(o, { width: 20, height: 10 }, { width: 10, height: 20 })[0].box, [1, 6, 5, 14]);
    // F.rotate by +90° (counter-clockwise) on a 20×20 image: (x, y) → (y, 20 − x).
    const rotated = affineBoxes(o, inverseAffineMatrix([0, 0], -90, [0, 0], 1, [0, 0]), { width: 20, height: 20 })[0].box;
    [3, 10, 7, 18].forEach((v, i) => assert.ok(Math.abs(rotated[i] - v) < 1e-9, `${rotated}`));
  });
});

describe('stored steps', () => {
  it("the loader's leading Resize / CenterCrop (and a lone ToTensor) keep and move a set's boxes", () => {
    const set = { images: new Uint8Array(2 * 400), labels: new Uint8Array(2), count: 2, height: 20, width: 20, channels: 1,
      objects: packObjects([[{ cls: 1, box: [2, 4, 12, 14] }], [{ cls: 0, box: [0, 0, 3, 3] }, { cls: 2, box: [8, 8, 16, 18] }]]) };
    const moved = applyStoredSteps(set, [step('Resize', { size: [40, 40] }), step('CenterCrop', { size: 20 })]);
    assert.ok(moved.objects, 'the boxes are kept');
    // Doubled, then the centre 20×20 window (from 10, 10); the corner box is cut away.
    assert.deepEqual(objectsOf(moved.objects, 0), [{ cls: 1, box: [0, 0, 14, 18] }]);
    assert.deepEqual(objectsOf(moved.objects, 1), [{ cls: 2, box: [6, 6, 20, 20] }]);
    assert.deepEqual(applyStoredSteps(set, [step('ToTensor')]).objects, set.objects);
  });
});
