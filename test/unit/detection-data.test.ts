/**
 * Detection data: YOLO label files and COCO annotations (parsed, and refused with the file and line or entry named),
 * packed per-image objects through subsets, concatenation and resizing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DataConfig, TransformStep } from '../../src/model/types';
import { batches, planBatches } from '../../src/trainer/datasets/batches';
import { handleBatchJob } from '../../src/trainer/datasets/batchWorker';
import { loadDataset } from '../../src/trainer/datasets/index';
import { parseCocoAnnotations } from '../../src/trainer/datasets/cocoAnnotations';
import { concatSets, splitSet } from '../../src/trainer/datasets/imageset';
import { fitSet } from '../../src/trainer/datasets/resize';
import { generateShapeScenes } from '../../src/trainer/datasets/shapeScenes';
import { DatasetError } from '../../src/trainer/datasets/errors';
import { concatObjects, gatherObjects, objectsOf, packObjects, scaleObjects } from '../../src/trainer/datasets/objectBoxes';
import { formatYoloLabel, parseYoloLabels } from '../../src/trainer/datasets/yoloLabels';

const refuses = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DatasetError, `a DatasetError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });

describe('YOLO labels', () => {
  it('reads normalised centre boxes into pixels, skips blank and comment lines', () => {
    const text = '0 0.5 0.5 0.25 0.5\n\n# a note\r\n2 0.1 0.9 0.2 0.2\n';
    const objects = parseYoloLabels(text, 'labels/a.txt', 64, 32, 3);
    // Class 0: centre (32, 16), 16 × 16 → [24, 8, 40, 24]. Class 2: centre (6.4, 28.8), 12.8 × 6.4, clipped at the bottom.
    assert.deepEqual(objects[0], { cls: 0, box: [24, 8, 40, 24] });
    assert.equal(objects[1].cls, 2);
    objects[1].box.forEach((v, i) => assert.ok(Math.abs(v - [0, 25.6, 12.8, 32][i]) < 1e-9, `${objects[1].box}`));
    assert.deepEqual(parseYoloLabels('', 'labels/empty.txt', 10, 10), []);
  });

  it('formatYoloLabel writes what parseYoloLabels reads', () => {
    const o = { cls: 4, box: [3, 5, 20, 30] as const };
    const back = parseYoloLabels(formatYoloLabel(o, 40, 50), 'x.txt', 40, 50)[0];
    assert.equal(back.cls, 4);
    back.box.forEach((v, i) => assert.ok(Math.abs(v - o.box[i]) < 1e-4));
  });

  it('bad lines are refused with the file and the line', () => {
    refuses(() => parseYoloLabels('0 0.5 0.5 0.2 0.2\n1 0.5 0.5 0.2\n', 'labels/b.txt', 10, 10), /^labels\/b\.txt:2: expected 'class cx cy w h' \(5 numbers\), found 4 fields/);
    refuses(() => parseYoloLabels('0 0.1 0.2 0.3 0.4 0.5 0.6', 'l.txt', 10, 10), /l\.txt:1: .*segmentation polygon/);
    refuses(() => parseYoloLabels('a 0.5 0.5 0.2 0.2', 'l.txt', 10, 10), /l\.txt:1: the class must be an index/);
    refuses(() => parseYoloLabels('1.5 0.5 0.5 0.2 0.2', 'l.txt', 10, 10), /class must be an index/);
    refuses(() => parseYoloLabels('\n\n3 0.5 0.5 0.2 0.2', 'l.txt', 10, 10, 3), /l\.txt:3: class 3 but there are 3 classes \(0…2\)/);
    refuses(() => parseYoloLabels('0 12 30 4 4', 'l.txt', 10, 10), /l\.txt:1: cx = 12 is outside 0…1: .*not pixels/);
    refuses(() => parseYoloLabels('0 0.5 nan 0.2 0.2', 'l.txt', 10, 10), /cy is not a number/);
    refuses(() => parseYoloLabels('0 0.5 0.5 0 0.2', 'l.txt', 10, 10), /l\.txt:1: the box has no area/);
  });
});

const coco = {
  images: [{ id: 7, file_name: 'a.jpg', width: 100, height: 50 }, { id: 9, file_name: 'b.jpg', width: 20, height: 20 }],
  categories: [{ id: 18, name: 'dog' }, { id: 1, name: 'person' }],
  annotations: [
    { image_id: 7, category_id: 18, bbox: [10, 5, 30, 20] },
    { image_id: 7, category_id: 1, bbox: [90, 40, 20, 20] },
    { image_id: 9, category_id: 1, bbox: [0, 0, 5, 5], iscrowd: 1 },
  ],
};

describe('COCO annotations', () => {
  it('classes by category id, xywh boxes to xyxy (clipped), crowd boxes left out', () => {
    const d = parseCocoAnnotations(JSON.stringify(coco), 'instances.json');
    assert.deepEqual(d.classes, ['person', 'dog']);
    assert.deepEqual(d.images.map((i) => [i.fileName, i.width, i.height]), [['a.jpg', 100, 50], ['b.jpg', 20, 20]]);
    assert.deepEqual(d.images[0].objects, [{ cls: 1, box: [10, 5, 40, 25] }, { cls: 0, box: [90, 40, 100, 50] }]);
    assert.deepEqual(d.images[1].objects, []);
  });

  it('bad annotations name the file and the entry', () => {
    const bad = (patch: (c: typeof coco) => unknown) => JSON.stringify(patch(structuredClone(coco)));
    refuses(() => parseCocoAnnotations('{', 'i.json'), /^i\.json is not valid JSON/);
    refuses(() => parseCocoAnnotations(bad((c) => ({ ...c, images: undefined })), 'i.json'), /i\.json: 'images' is missing or not a list/);
    refuses(() => parseCocoAnnotations(bad((c) => { c.annotations[1].image_id = 3; return c; }), 'i.json'), /i\.json: annotations\[1\] refers to image_id 3, which is not in images/);
    refuses(() => parseCocoAnnotations(bad((c) => { c.annotations[0].category_id = 5; return c; }), 'i.json'), /annotations\[0\] has category_id 5, which is not in categories/);
    refuses(() => parseCocoAnnotations(bad((c) => { (c.annotations[0] as { bbox: unknown }).bbox = [1, 2, 3]; return c; }), 'i.json'), /annotations\[0\]\.bbox must be \[x, y, width, height\]/);
    refuses(() => parseCocoAnnotations(bad((c) => { c.annotations[0].bbox = [1, 2, 0, 3]; return c; }), 'i.json'), /annotations\[0\]\.bbox has no area/);
    refuses(() => parseCocoAnnotations(bad((c) => { c.annotations[0].bbox = [200, 2, 5, 3]; return c; }), 'i.json'), /lies outside its 100×50 image a\.jpg/);
    refuses(() => parseCocoAnnotations(bad((c) => { (c.images[1] as { width: unknown }).width = '20'; return c; }), 'i.json'), /images\[1\]\.width must be a number/);
    refuses(() => parseCocoAnnotations(bad((c) => { c.images[1].id = 7; return c; }), 'i.json'), /image id 7 appears twice/);
  });
});

describe('packed objects', () => {
  const packed = packObjects([[{ cls: 1, box: [0, 0, 2, 2] }], [], [{ cls: 0, box: [1, 2, 3, 4] }, { cls: 2, box: [4, 4, 8, 8] }]]);
  it('follow their images through subsets and concatenation', () => {
    assert.deepEqual(Array.from(packed.start), [0, 1, 1, 3]);
    const picked = gatherObjects(packed, [2, 0]);
    assert.deepEqual(objectsOf(picked, 0), objectsOf(packed, 2));
    assert.deepEqual(objectsOf(picked, 1), objectsOf(packed, 0));
    const both = concatObjects([{ objects: packed, count: 3 }, { objects: picked, count: 2 }]);
    assert.deepEqual([0, 1, 2, 3, 4].map((i) => objectsOf(both, i).length), [1, 0, 2, 2, 1]);
    assert.deepEqual(objectsOf(both, 4), objectsOf(packed, 0));
  });
  it('scale with a resized image', () => {
    assert.deepEqual(objectsOf(scaleObjects(packed, 2, 0.5), 2), [{ cls: 0, box: [2, 1, 6, 2] }, { cls: 2, box: [8, 2, 16, 4] }]);
  });
});

describe('shapes scenes carry their boxes', () => {
  const set = generateShapeScenes(40, 48, 40, 1, 3);
  const objects = set.objects as NonNullable<typeof set.objects>;
  const masks = set.masks as Uint8Array;
  const [h, w] = [48, 40];

  it('each box is the bounding box of its shape\'s mask pixels, and the boxes hold every shape pixel', () => {
    let total = 0;
    for (let i = 0; i < set.count; i++) {
      const own = objectsOf(objects, i);
      assert.ok(own.length >= 1 && own.length <= 3);
      total += own.length;
      const mask = masks.subarray(i * h * w, (i + 1) * h * w);
      for (const o of own) {
        const [x1, y1, x2, y2] = o.box;
        assert.ok(Number.isInteger(x1) && x2 <= w && y2 <= h && x2 - x1 >= 4 && y2 - y1 >= 4, `box ${o.box}`);
        // Tight: each side of the box touches a pixel of the shape's class.
        const has = (x: number, y: number) => mask[y * w + x] === o.cls + 1;
        const column = (x: number) => Array.from({ length: y2 - y1 }, (_, k) => has(x, y1 + k)).some(Boolean);
        const row = (y: number) => Array.from({ length: x2 - x1 }, (_, k) => has(x1 + k, y)).some(Boolean);
        assert.ok(column(x1) && column(x2 - 1) && row(y1) && row(y2 - 1), `image ${i}: box ${o.box} is not tight on its shape`);
      }
      for (let p = 0; p < h * w; p++) {
        if (mask[p] === 0) continue;
        const [x, y] = [p % w, Math.floor(p / w)];
        assert.ok(own.some((o) => o.cls + 1 === mask[p] && x >= o.box[0] && x < o.box[2] && y >= o.box[1] && y < o.box[3]), `image ${i}: pixel (${x}, ${y}) of class ${mask[p]} is in no box of its class`);
      }
    }
    assert.ok(total >= 80, `${total} objects in 40 scenes`);
  });

  it('boxes follow their images through splits, concatenation and resizing', () => {
    const [rest, part] = splitSet(set, 0.25, 9);
    const joined = concatSets([rest, part]);
    assert.equal(joined.objects?.start.length, 41);
    assert.equal(joined.objects?.classes.length, objects.classes.length);
    // The first image of `part` was some image j of the set: same pixels, same objects.
    const size = h * w;
    const j = Array.from({ length: set.count }, (_, k) => k).find((k) => Buffer.compare(Buffer.from(set.images.subarray(k * size, (k + 1) * size)), Buffer.from(part.images.subarray(0, size))) === 0) as number;
    assert.deepEqual(objectsOf(part.objects as typeof objects, 0), objectsOf(objects, j));
    const half = fitSet(set, [1, 24, 20]);
    assert.deepEqual(objectsOf(half.objects as typeof objects, 5), objectsOf(objects, 5).map((o) => ({ cls: o.cls, box: o.box.map((v) => v / 2) })));
  });
});

describe('detection batches', () => {
  const data = { dataset: 'shapes', validation_split: 0.2, train_samples: 40, test_samples: 10 } as DataConfig;

  it('target boxes: shapes scenes with their objects (classes: the shapes), no masks; other targets drop the objects', async () => {
    const loaded = await loadDataset({ input: [1, 32, 32], data, seed: 2, target: 'boxes' });
    assert.deepEqual(loaded.classes, ['circle', 'square', 'triangle', 'cross', 'ring']);
    // Each image's label is its largest shape's class among those 5.
    for (let i = 0; i < loaded.test.count; i++) assert.ok(objectsOf(loaded.test.objects!, i).some((o) => o.cls === loaded.test.labels[i]));
    for (const set of [loaded.train, loaded.validation, loaded.test]) {
      assert.ok(set.objects && set.objects.start.length === set.count + 1 && set.objects.classes.length >= set.count);
      assert.equal(set.masks, undefined);
    }
    const seg = await loadDataset({ input: [1, 32, 32], data, seed: 2, target: 'mask' });
    assert.ok(seg.train.masks);
    assert.equal(seg.train.objects, undefined, 'segmentation batches do not carry boxes');
  });

  it('batches carry each image’s objects, moved by the augmentation with the pixels', async () => {
    const loaded = await loadDataset({ input: [1, 32, 32], data, seed: 2, target: 'boxes' });
    const set = loaded.train;
    const plain = [...batches(set, { batchSize: 8, shuffle: true, seed: 5 })];
    assert.equal(plain.reduce((n, b) => n + (b.objects?.start.length ?? 0) - 1, 0), set.count);
    // Flipped batches: every box mirrors the unflipped one of the same image, in the same order.
    const flip: TransformStep[] = [{ type: 'RandomHorizontalFlip', args: { p: 1 } }];
    const flipped = [...batches(set, { batchSize: 8, shuffle: true, seed: 5, transforms: flip })];
    plain.forEach((b, k) => {
      for (let i = 0; i < b.size; i++) {
        const before = objectsOf(b.objects!, i);
        const after = objectsOf(flipped[k].objects!, i);
        assert.deepEqual(after, before.map((o) => ({ cls: o.cls, box: [32 - o.box[2], o.box[1], 32 - o.box[0], o.box[3]] })));
      }
    });
  });

  it('a batch worker hands the objects back', () => {
    const set = generateShapeScenes(4, 16, 16, 1, 1);
    const job = [...planBatches(set, { batchSize: 4, shuffle: false, seed: 1, transforms: [{ type: 'RandomVerticalFlip', args: { p: 1 } }] })][0].job!;
    const { reply, transfer } = handleBatchJob({ id: 1, job });
    const objects = reply.batch?.objects;
    assert.ok(objects);
    assert.ok(transfer.includes(objects.boxes.buffer as ArrayBuffer));
    assert.equal(objectsOf(objects, 0)[0].box[1], 16 - objectsOf(set.objects!, 0)[0].box[3]);
  });
});
