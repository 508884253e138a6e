/** CIFAR-10 binaries (and their tar.gz) and PNG/JPEG image folders: pixels, splits, cache and damaged files. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { loadDataset } from '../../src/trainer/datasets';
import { extractCifarArchive } from '../../src/trainer/datasets/cifar10';
import { readTar } from '../../src/trainer/datasets/tar';
import type { LoadOptions } from '../../src/trainer/datasets/types';
import { cifarBatch, pixelOf, solidJpeg, solidPng, tempDir, writeCifar } from '../fixtures/datasets/generate';

const { fresh, cleanup } = tempDir();
after(cleanup);

function options(dataset: 'cifar10' | 'imagefolder', path: string, extra: Partial<LoadOptions> = {}): LoadOptions {
  return { input: [3, 32, 32], data: { dataset, path, validation_split: 0 }, seed: 3, systemDir: fresh('system'), cacheDir: fresh('cache'), download: false, ...extra };
}

describe('CIFAR-10', () => {
  it('reads the binary batches from a cifar-10-batches-bin subfolder, CHW → HWC', async () => {
    const root = fresh('cifar');
    writeCifar(join(root, 'cifar-10-batches-bin'));
    const ds = await loadDataset(options('cifar10', root));
    assert.deepEqual([ds.train.count, ds.test.count], [10, 3]);
    assert.equal(ds.classes[3], 'cat');
    for (const [set, first] of [[ds.train, 0], [ds.test, 100]] as const) {
      for (let i = 0; i < set.count; i++) {
        assert.equal(set.labels[i], (first + i) % 10);
        for (const p of [0, 1, 500, 1023]) for (let c = 0; c < 3; c++) assert.equal(set.images[(i * 1024 + p) * 3 + c], pixelOf(first + i, c * 1024 + p));
      }
    }
  });

  it('reads gzipped batch files (data_batch_N.bin.gz), which the lookup accepts', async () => {
    const root = fresh('cifar-gz');
    for (let b = 1; b <= 5; b++) writeFileSync(join(root, `data_batch_${b}.bin.gz`), gzipSync(cifarBatch(2, (b - 1) * 2)));
    writeFileSync(join(root, 'test_batch.bin.gz'), gzipSync(cifarBatch(3, 100)));
    const ds = await loadDataset(options('cifar10', root));
    assert.deepEqual([ds.train.count, ds.test.count], [10, 3]);
    assert.equal(ds.test.labels[1], 101 % 10);
    assert.equal(ds.train.images[(9 * 1024 + 500) * 3 + 2], pixelOf(9, 2 * 1024 + 500));
  });

  it('reports a truncated batch and a bad label naming the file', async () => {
    const root = fresh('cifar-bad');
    writeCifar(root);
    writeFileSync(join(root, 'data_batch_3.bin'), cifarBatch(2).subarray(0, 5000));
    await assert.rejects(loadDataset(options('cifar10', root)), new RegExp(`${join(root, 'data_batch_3.bin')} .*multiple of the 3073-byte record`));
    const bad = cifarBatch(2);
    bad[3073] = 12;
    writeCifar(root);
    writeFileSync(join(root, 'test_batch.bin'), bad);
    await assert.rejects(loadDataset(options('cifar10', root)), new RegExp(`${join(root, 'test_batch.bin')}: record 1 has label 12`));
  });

  it('extracts the batch files from a cifar-10-binary.tar.gz and rejects a truncated archive', { skip: existsSync('/usr/bin/tar') ? false : 'no tar command to build the archive' }, async () => {
    const src = fresh('tar-src');
    writeCifar(join(src, 'cifar-10-batches-bin'));
    writeFileSync(join(src, 'cifar-10-batches-bin', 'readme.html'), 'not wanted');
    const archive = join(fresh('tar'), 'cifar-10-binary.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', src, 'cifar-10-batches-bin']);
    const out = fresh('extracted');
    await extractCifarArchive(archive, out);
    assert.deepEqual(readdirSync(join(out, 'cifar-10-batches-bin')).sort(), ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin']);
    const ds = await loadDataset(options('cifar10', out));
    assert.equal(ds.train.count, 10);
    const tar = execFileSync('tar', ['-cf', '-', '-C', src, 'cifar-10-batches-bin']);
    assert.throws(() => readTar(tar.subarray(0, 4000), 'x.tar'), /x\.tar is truncated/);
    const gz = gzipSync(tar);
    writeFileSync(archive, gz.subarray(0, gz.length - 30));
    await assert.rejects(extractCifarArchive(archive, out), new RegExp(`${archive} is a damaged or truncated gzip`));
  });
});

describe('imagefolder', () => {
  const RED: [number, number, number] = [200, 30, 30];
  const BLUE: [number, number, number] = [20, 40, 220];
  const luma = (c: number[]) => Math.round(0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]);

  function makeFolder(root: string, perClass: number): void {
    mkdirSync(join(root, 'apple'), { recursive: true });
    mkdirSync(join(root, 'berry'), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      writeFileSync(join(root, 'apple', `a${i}.png`), solidPng(10 + i, 8, RED));
      writeFileSync(join(root, 'berry', `b${i}.JPG`), solidJpeg(16, 12 + i, BLUE));
    }
    writeFileSync(join(root, 'apple', 'notes.txt'), 'ignored');
  }

  it('decodes PNG and JPEG, fits them to the input, splits off a seeded test set', async () => {
    const root = fresh('folder');
    makeFolder(root, 5);
    const ds = await loadDataset({ ...options('imagefolder', root), input: [1, 4, 4] });
    assert.deepEqual(ds.classes, ['apple', 'berry']);
    assert.deepEqual([ds.train.count, ds.test.count], [8, 2]);
    for (const set of [ds.train, ds.test]) {
      for (let i = 0; i < set.count; i++) {
        const expected = luma(set.labels[i] === 0 ? RED : BLUE);
        for (let p = 0; p < 16; p++) assert.ok(Math.abs(set.images[i * 16 + p] - expected) <= 3, `image ${i}: ${set.images[i * 16 + p]} ≈ ${expected}`);
      }
    }
    const rgb = await loadDataset({ ...options('imagefolder', root), input: [3, 5, 6] });
    const red = Array.from(rgb.train.images.subarray(rgb.train.labels.indexOf(0) * 90, rgb.train.labels.indexOf(0) * 90 + 3));
    assert.deepEqual(red, RED);
  });

  it('uses train/val/test subfolders when present', async () => {
    const root = fresh('splits');
    makeFolder(join(root, 'train'), 3);
    makeFolder(join(root, 'val'), 2);
    makeFolder(join(root, 'test'), 1);
    const ds = await loadDataset({ ...options('imagefolder', root), input: [1, 4, 4] });
    assert.deepEqual([ds.train.count, ds.validation.count, ds.test.count], [6, 4, 2]);
  });

  it('caches the decoded images and notices a changed folder', async () => {
    const root = fresh('cached');
    makeFolder(root, 2);
    const opts = { ...options('imagefolder', root), input: [1, 4, 4] as [number, number, number] };
    // Whole seconds survive utimes exactly, so the damaged file below can get its old time back.
    const png = join(root, 'apple', 'a0.png');
    const time = new Date('2020-01-01T00:00:00Z');
    utimesSync(png, time, time);
    const first = await loadDataset(opts);
    const cacheFiles = readdirSync(join(opts.cacheDir!, 'imagefolder'));
    assert.equal(cacheFiles.length, 1);
    // A cache hit does not decode: an image damaged behind the cache's back (same size and time) goes unnoticed.
    const original = readFileSync(png);
    writeFileSync(png, Buffer.alloc(original.length));
    utimesSync(png, time, time);
    const again = await loadDataset(opts);
    assert.deepEqual(again.train.images, first.train.images);
    writeFileSync(png, original);
    writeFileSync(join(root, 'berry', 'b9.jpg'), solidJpeg(4, 4, BLUE));
    const more = await loadDataset(opts);
    assert.equal(more.train.count + more.test.count, 5);
    assert.equal(readdirSync(join(opts.cacheDir!, 'imagefolder')).length, 2);
  });

  it('reports a broken PNG, a missing path and an empty folder clearly', async () => {
    const root = fresh('broken');
    makeFolder(root, 2);
    const png = readFileSync(join(root, 'apple', 'a1.png'));
    const broken = join(root, 'apple', 'a1.png');
    writeFileSync(broken, png.subarray(0, png.length - 20));
    await assert.rejects(loadDataset(options('imagefolder', root)), new RegExp(`${broken} is a damaged or truncated PNG image: it cannot be decoded`));
    writeFileSync(broken, png);
    writeFileSync(join(root, 'apple', 'fake.png'), 'hello');
    await assert.rejects(loadDataset(options('imagefolder', root)), /fake\.png is neither a PNG nor a JPEG/);
    await assert.rejects(loadDataset({ ...options('imagefolder', ''), data: { dataset: 'imagefolder', validation_split: 0 } }), /needs data\.path/);
    await assert.rejects(loadDataset(options('imagefolder', fresh('empty'))), /has no class subfolders/);
  });
});
