/** MNIST / Fashion-MNIST IDX loading: lookup, gzip, validation of damaged files, download and offline errors. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { loadDataset } from '../../src/trainer/datasets';
import { downloadFile } from '../../src/trainer/datasets/download';
import type { FetchLike, ImageSet, LoadOptions } from '../../src/trainer/datasets/types';
import { idxImages, idxLabels, pixelOf, tempDir, writeIdxSet } from '../fixtures/datasets/generate';

const { fresh, cleanup } = tempDir();
after(cleanup);
const offline: FetchLike = () => Promise.reject(new Error('getaddrinfo ENOTFOUND example.invalid'));

function options(dataset: 'mnist' | 'fashion-mnist', extra: Partial<LoadOptions> & { path?: string; split?: number } = {}): LoadOptions {
  const { path, split, ...rest } = extra;
  return {
    input: [1, 6, 5],
    data: { dataset, path, validation_split: split ?? 0 },
    seed: 1,
    systemDir: fresh('system'),
    cacheDir: fresh('cache'),
    fetch: offline,
    ...rest,
  };
}

/** Every image of the set is one of the generated ones: find it by its first pixel and compare everything. */
function assertGenerated(set: ImageSet, count: number): Set<number> {
  const size = set.height * set.width;
  const seen = new Set<number>();
  for (let k = 0; k < set.count; k++) {
    const i = Array.from({ length: count }, (_, j) => j).find((j) => pixelOf(j, 0) === set.images[k * size])!;
    for (let p = 0; p < size; p++) assert.equal(set.images[k * size + p], pixelOf(i, p), `image ${k} pixel ${p}`);
    assert.equal(set.labels[k], i % 10);
    seen.add(i);
  }
  return seen;
}

describe('IDX datasets', () => {
  it('loads raw IDX files from data.path with exact pixels and labels', async () => {
    const dir = fresh('raw');
    writeIdxSet(dir, { gzip: false, train: 8, test: 3, h: 6, w: 5 });
    const ds = await loadDataset(options('mnist', { path: dir }));
    assert.equal(ds.source, dir);
    assert.deepEqual([ds.train.count, ds.validation.count, ds.test.count], [8, 0, 3]);
    assert.deepEqual([ds.train.height, ds.train.width, ds.train.channels], [6, 5, 1]);
    assert.equal(assertGenerated(ds.train, 8).size, 8);
    assert.equal(assertGenerated(ds.test, 3).size, 3);
    assert.deepEqual(ds.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('finds gzipped files in <search path>/fashion-mnist and splits validation by seed', async () => {
    const workspace = fresh('workspace');
    writeIdxSet(join(workspace, 'fashion-mnist'), { gzip: true, train: 10, test: 4, h: 6, w: 5, testPrefix: 'test' });
    const load = () => loadDataset(options('fashion-mnist', { searchPaths: [workspace], split: 0.3 }));
    const a = await load();
    const b = await load();
    assert.deepEqual([a.train.count, a.validation.count, a.test.count], [7, 3, 4]);
    const together = new Set([...assertGenerated(a.train, 10), ...assertGenerated(a.validation, 10)]);
    assert.equal(together.size, 10, 'train and validation partition the training file');
    assert.deepEqual(a.validation.images, b.validation.images, 'same seed, same split');
    assert.equal(a.classes[9], 'Ankle boot');
  });

  it('resizes and converts to the model input, caps training samples', async () => {
    const dir = fresh('resize');
    writeIdxSet(dir, { gzip: true, train: 10, test: 2, h: 6, w: 5 });
    const ds = await loadDataset({ ...options('mnist', { path: dir }), input: [3, 12, 10], maxTrainSamples: 4 });
    assert.equal(ds.train.count, 4);
    assert.deepEqual([ds.test.height, ds.test.width, ds.test.channels], [12, 10, 3]);
    const px = ds.test.images;
    for (let p = 0; p < 12 * 10; p++) assert.ok(px[p * 3] === px[p * 3 + 1] && px[p * 3] === px[p * 3 + 2], 'gray copied to RGB');
  });

  const corruptions: Array<[string, (dir: string) => string, RegExp]> = [
    ['bad magic number', (dir) => write(dir, 'train-images-idx3-ubyte', Buffer.concat([Buffer.from([0, 0, 8, 1]), idxImages(8, 6, 5).subarray(4)])), /magic number 0x00000801/],
    ['a truncated file', (dir) => write(dir, 'train-images-idx3-ubyte', idxImages(8, 6, 5).subarray(0, 100)), /truncated: 100 bytes, expected 256/],
    ['a truncated gzip file', (dir) => write(dir, 'train-images-idx3-ubyte.gz', gzipSync(idxImages(8, 6, 5)).subarray(0, 60), 'train-images-idx3-ubyte'), /damaged or truncated gzip/],
    ['a label count mismatch', (dir) => write(dir, 'train-labels-idx1-ubyte', idxLabels(7)), /has 7 labels but .* has 8 images/],
    ['a label out of range', (dir) => write(dir, 'train-labels-idx1-ubyte', idxLabels(8, (i) => (i === 5 ? 10 : 0))), /label 10 at index 5/],
  ];
  for (const [what, corrupt, message] of corruptions) {
    it(`reports ${what} with the file's name`, async () => {
      const dir = fresh('corrupt');
      writeIdxSet(dir, { gzip: false, train: 8, test: 3, h: 6, w: 5 });
      const file = corrupt(dir);
      await assert.rejects(loadDataset(options('mnist', { path: dir })), (error: Error) => {
        assert.equal(error.name, 'DatasetError');
        assert.match(error.message, message);
        assert.ok(error.message.includes(file), `names ${file}: ${error.message}`);
        return true;
      });
    });
  }

  it('offline, says which files were searched for, where, and how to get them', async () => {
    const workspace = fresh('empty-workspace');
    const opts = options('fashion-mnist', { searchPaths: [workspace] });
    await assert.rejects(loadDataset(opts), (error: Error) => {
      for (const part of ['train-images-idx3-ubyte', 't10k-labels-idx1-ubyte', workspace, opts.systemDir!, opts.cacheDir!, 'ENOTFOUND', 'apt-get install dataset-fashion-mnist', 'data.path']) {
        assert.ok(error.message.includes(part), `mentions ${part}:\n${error.message}`);
      }
      return true;
    });
  });

  it('mentions a folder that holds only some of the files', async () => {
    const dir = fresh('partial');
    writeIdxSet(dir, { gzip: false, train: 8, test: 3, h: 6, w: 5 });
    rmSync(join(dir, 't10k-labels-idx1-ubyte'));
    await assert.rejects(loadDataset(options('mnist', { path: dir, download: false })), new RegExp(`${dir} has only some of them \\(missing t10k-labels-idx1-ubyte\\)`));
  });

  it('rejects a download whose checksum does not match, leaving nothing in the cache', async () => {
    const served: string[] = [];
    const fake: FetchLike = async (url) => {
      served.push(url);
      return { ok: true, status: 200, headers: { get: () => null }, body: (async function* () { yield new Uint8Array([1, 2, 3]); })() };
    };
    const opts = options('mnist', { fetch: fake });
    await assert.rejects(loadDataset(opts), /checksum mismatch/);
    assert.ok(served[0].startsWith('https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz'));
    assert.ok(!existsSync(join(opts.cacheDir!, 'mnist', 'train-images-idx3-ubyte.gz')));
  });

  it('downloads with progress, verifies the MD5 and renames into place', async () => {
    const body = gzipSync(idxImages(3, 6, 5));
    const md5 = createHash('md5').update(body).digest('hex');
    const fake: FetchLike = async (url) =>
      url.includes('mirror-a')
        ? { ok: false, status: 404, headers: { get: () => null }, body: null }
        : { ok: true, status: 200, headers: { get: (h) => (h === 'content-length' ? String(body.length) : null) }, body: (async function* () { yield body.subarray(0, 50); yield body.subarray(50); })() };
    const dest = join(fresh('download'), 'x', 'train-images-idx3-ubyte.gz');
    const fractions: number[] = [];
    await downloadFile(['https://mirror-a/f.gz', 'https://mirror-b/f.gz'], dest, md5, { fetch: fake, onProgress: (_, f) => f !== undefined && fractions.push(f) });
    assert.deepEqual(readFileSync(dest), body);
    assert.equal(fractions.at(-1), 1);
  });

  const real = '/usr/share/datasets/fashion-mnist';
  it('loads the real Fashion-MNIST from /usr/share/datasets', { skip: existsSync(join(real, 'train-images-idx3-ubyte.gz')) ? false : `${real} is not installed (apt-get install dataset-fashion-mnist)` }, async () => {
    const ds = await loadDataset({ input: [1, 28, 28], data: { dataset: 'fashion-mnist', validation_split: 0 }, seed: 0, download: false, cacheDir: fresh('cache') });
    assert.equal(ds.source, real);
    assert.deepEqual([ds.train.count, ds.test.count, ds.train.height, ds.train.width], [60000, 10000, 28, 28]);
    assert.equal(ds.train.labels[0], 9, 'the first training image is an ankle boot');
    assert.deepEqual(Array.from(ds.test.labels.subarray(0, 4)), [9, 2, 1, 1]);
  });
});

/** Writes `bytes` to dir/name (removing the raw twin `unlink` so the damaged file is the one found); returns its path. */
function write(dir: string, name: string, bytes: Uint8Array, unlink?: string): string {
  if (unlink) rmSync(join(dir, unlink));
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}
