/**
 * Detection folders: yolofolder (images/ + labels/, split folders, classes.txt) and coco (annotations.json with its
 * images), loaded through loadDataset with boxes stretched to the model input; bad files refused naming the file and
 * the line or entry; the model file's diagnostics for them.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyzeModel } from '../../src/model';
import { encodePng } from '../../src/inspect/image/png';
import type { DataConfig } from '../../src/model/types';
import { loadDataset } from '../../src/trainer/datasets/index';
import { objectsOf } from '../../src/trainer/datasets/objectBoxes';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cnnlab-detfolders-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const png = (width: number, height: number) => encodePng({ width, height, channels: 1, data: new Uint8Array(width * height).fill(90) });
const data = (dataset: 'yolofolder' | 'coco', path: string): DataConfig => ({ dataset, path, validation_split: 0 }) as DataConfig;

describe('yolofolder', () => {
  it('pairs images/ with labels/, reads the classes from classes.txt and stretches the boxes with the pictures', async () => {
    const root = join(dir, 'yolo');
    mkdirSync(join(root, 'images'), { recursive: true });
    mkdirSync(join(root, 'labels'));
    writeFileSync(join(root, 'classes.txt'), 'cat\ndog\n');
    writeFileSync(join(root, 'images', 'a.png'), png(40, 20));
    writeFileSync(join(root, 'labels', 'a.txt'), '1 0.5 0.5 0.5 0.5\n0 0.25 0.25 0.1 0.1\n');
    writeFileSync(join(root, 'images', 'b.png'), png(40, 20));
    // b has no label file: no object. Five images, so that the default test share (20%) leaves training images.
    for (const name of ['c', 'd', 'e']) {
      writeFileSync(join(root, 'images', `${name}.png`), png(40, 20));
      writeFileSync(join(root, 'labels', `${name}.txt`), '0 0.5 0.5 1 1\n');
    }
    const loaded = await loadDataset({ input: [1, 10, 20], data: data('yolofolder', root), seed: 1, target: 'boxes' });
    assert.deepEqual(loaded.classes, ['cat', 'dog']);
    const all = [loaded.train, loaded.test];
    assert.equal(all.reduce((n, s) => n + s.count, 0), 5);
    const boxes = all.flatMap((s) => Array.from({ length: s.count }, (_, i) => objectsOf(s.objects!, i)));
    // a: dog centre (20, 10) of 40×20, 20×10 → in 20×10 pixels [5, 2.5, 15, 7.5].
    const a = boxes.find((o) => o.length === 2);
    assert.ok(a, 'image a and its two objects');
    assert.equal(a[0].cls, 1);
    assert.deepEqual(a[0].box.map((v) => +v.toFixed(3)), [5, 2.5, 15, 7.5]);
    assert.equal(boxes.filter((o) => o.length === 0).length, 1, 'b has no object');
  });

  it('split folders, and a bad label line refused naming the file and the line', async () => {
    const root = join(dir, 'yolo-split');
    for (const split of ['train', 'val']) {
      mkdirSync(join(root, split, 'images'), { recursive: true });
      mkdirSync(join(root, split, 'labels'));
      writeFileSync(join(root, split, 'images', 'x.png'), png(8, 8));
      writeFileSync(join(root, split, 'labels', 'x.txt'), '0 0.5 0.5 0.5 0.5\n');
    }
    const loaded = await loadDataset({ input: [1, 8, 8], data: data('yolofolder', root), seed: 1, target: 'boxes', classes: ['thing'] });
    assert.equal(loaded.validation.count, 1, 'val/ is the validation set');
    writeFileSync(join(root, 'val', 'labels', 'x.txt'), '0 0.5 0.5 0.5 0.5\n0 12 0.5 0.5 0.5\n');
    await assert.rejects(loadDataset({ input: [1, 8, 8], data: data('yolofolder', root), seed: 1, target: 'boxes', classes: ['thing'] }), /val\/labels\/x\.txt:2: cx = 12 is outside 0…1/);
    writeFileSync(join(root, 'val', 'labels', 'x.txt'), '3 0.5 0.5 0.5 0.5\n');
    await assert.rejects(loadDataset({ input: [1, 8, 8], data: data('yolofolder', root), seed: 1, target: 'boxes', classes: ['thing'] }), /x\.txt:1: class 3 but there are 1 classes/);
  });
});

describe('coco', () => {
  const annotations = (fileName: string, width = 20, height = 10) => JSON.stringify({
    images: [{ id: 7, file_name: fileName, width, height }, { id: 8, file_name: 'b.png', width: 20, height: 10 }],
    categories: [{ id: 3, name: 'ring' }, { id: 1, name: 'circle' }],
    annotations: [{ image_id: 7, category_id: 3, bbox: [2, 2, 10, 4] }, { image_id: 8, category_id: 1, bbox: [0, 0, 20, 10] }],
  });

  it('reads annotations.json and the images beside it or in images/, classes sorted by category id', async () => {
    const root = join(dir, 'coco');
    mkdirSync(join(root, 'images'), { recursive: true });
    writeFileSync(join(root, 'annotations.json'), annotations('a.png'));
    writeFileSync(join(root, 'a.png'), png(20, 10));
    writeFileSync(join(root, 'images', 'b.png'), png(20, 10));
    const loaded = await loadDataset({ input: [1, 20, 40], data: data('coco', root), seed: 1, target: 'boxes' });
    assert.deepEqual(loaded.classes, ['circle', 'ring']);
    const sets = [loaded.train, loaded.test].filter((s) => s.count > 0);
    const objects = sets.flatMap((s) => Array.from({ length: s.count }, (_, i) => objectsOf(s.objects!, i))).flat();
    // 20×10 → 40×20: the ring's [2, 2, 12, 6] doubles.
    assert.deepEqual(objects.find((o) => o.cls === 1)?.box, [4, 4, 24, 12]);
    assert.deepEqual(objects.find((o) => o.cls === 0)?.box, [0, 0, 40, 20]);
  });

  it('a missing picture or a wrong size names the annotations file and the entry', async () => {
    const root = join(dir, 'coco-bad');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'annotations.json'), annotations('missing.png'));
    await assert.rejects(loadDataset({ input: [1, 10, 20], data: data('coco', root), seed: 1, target: 'boxes' }), /annotations\.json: images\[0\]\.file_name 'missing\.png'/);
    writeFileSync(join(root, 'annotations.json'), annotations('a.png', 30, 10));
    writeFileSync(join(root, 'a.png'), png(20, 10));
    writeFileSync(join(root, 'b.png'), png(20, 10));
    await assert.rejects(loadDataset({ input: [1, 10, 20], data: data('coco', root), seed: 1, target: 'boxes' }), /images\[0\] says 30×10 but .*a\.png is 20×10/);
  });
});

describe('detection folders in the model file', () => {
  const file = (task: string, dataset: string, path = '') => `task: ${task}
input: [1, 32, 32]
layers: [Conv2d(1, 8, 3, padding=1), ReLU(), MaxPool2d(4), DetectionHead(8, 2)]
classes: [cat, dog]
data: { dataset: ${dataset}${path} }
`;
  const codes = (text: string) => analyzeModel(text).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);

  it('need data.path, and train detection only', () => {
    assert.deepEqual(codes(file('detection', 'yolofolder', ', path: data')), []);
    assert.deepEqual(codes(file('detection', 'coco', ', path: data')), []);
    assert.ok(codes(file('detection', 'coco')).includes('missing-key'));
    assert.ok(codes(file('classification', 'yolofolder', ', path: data')).includes('dataset-input'));
  });
});
