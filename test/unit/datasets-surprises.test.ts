/**
 * Data that used to surprise quietly: class folders that are symbolic links (followed, loops refused), classes
 * without images (warned about), and --max-train-samples capping validation in proportion (and saying so).
 */
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { TrainerEvent } from '../../src/protocol/trainer';
import { loadDataset } from '../../src/trainer/datasets';
import type { LoadOptions } from '../../src/trainer/datasets/types';
import { runTraining } from '../../src/trainer/engine/session';
import { solidPng, tempDir, writeIdxSet } from '../fixtures/datasets/generate';

const { fresh, cleanup } = tempDir('cnnlab-surprises-');
after(cleanup);

function folderOptions(path: string, extra: Partial<LoadOptions> = {}): LoadOptions {
  return { input: [1, 4, 4], data: { dataset: 'imagefolder', path, validation_split: 0 }, seed: 3, cacheDir: fresh('cache'), download: false, ...extra };
}

function writeClass(dir: string, count: number, shade: number): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) writeFileSync(join(dir, `${i}.png`), solidPng(6, 6, [shade, shade, shade]));
}

describe('imagefolder class folders', () => {
  it('follows a class folder that is a symbolic link', async () => {
    const elsewhere = fresh('elsewhere');
    writeClass(join(elsewhere, 'cats'), 4, 200);
    const root = fresh('linked');
    writeClass(join(root, 'dogs'), 6, 20);
    symlinkSync(join(elsewhere, 'cats'), join(root, 'cats'), 'dir');
    const ds = await loadDataset(folderOptions(root));
    assert.deepEqual(ds.classes, ['cats', 'dogs']);
    const labels = [...ds.train.labels.subarray(0, ds.train.count), ...ds.test.labels.subarray(0, ds.test.count)];
    assert.equal(labels.filter((l) => l === 0).length, 4, "the linked folder's 4 images are class 0");
    assert.equal(ds.train.count + ds.test.count, 10);
  });

  it('refuses link loops and links back to a containing folder, naming them', async () => {
    const root = fresh('loops');
    writeClass(join(root, 'dogs'), 3, 20);
    symlinkSync(root, join(root, 'everything'), 'dir');
    await assert.rejects(loadDataset(folderOptions(root)), /imagefolder: .*everything is a symbolic link to .*, a folder that contains it \(a loop\)/);
    const other = fresh('selfloop');
    writeClass(join(other, 'dogs'), 3, 20);
    symlinkSync('cats', join(other, 'cats'));
    await assert.rejects(loadDataset(folderOptions(other)), (err: Error) => {
      assert.match(err.message, /imagefolder: .*cats is a symbolic link that leads back to itself \(a link loop\)\.$/);
      assert.doesNotMatch(err.message, /ELOOP/);
      return true;
    });
    const images = fresh('imageloop');
    writeClass(join(images, 'dogs'), 3, 20);
    symlinkSync('bad.png', join(images, 'dogs', 'bad.png'));
    await assert.rejects(loadDataset(folderOptions(images)), /imagefolder: .*bad\.png is a symbolic link that leads back to itself/);
  });

  it('warns about a class folder without images, in train and in val/test', async () => {
    const root = fresh('empty-class');
    writeClass(join(root, 'cats'), 4, 200);
    mkdirSync(join(root, 'dogs'));
    writeFileSync(join(root, 'dogs', 'notes.txt'), 'no images here');
    const warnings: string[] = [];
    const ds = await loadDataset(folderOptions(root, { onWarning: (m) => warnings.push(m) }));
    assert.deepEqual(ds.classes, ['cats', 'dogs']);
    assert.deepEqual(warnings, [`imagefolder: no images for class dogs (${join(root, 'dogs')} is empty or missing): its accuracy will show as null.`]);

    const splits = fresh('splits');
    for (const split of ['train', 'test']) {
      writeClass(join(splits, split, 'cats'), 2, 200);
      writeClass(join(splits, split, 'dogs'), 2, 20);
    }
    writeClass(join(splits, 'test', 'birds'), 0, 0);
    writeClass(join(splits, 'train', 'birds'), 2, 120);
    const more: string[] = [];
    await loadDataset(folderOptions(splits, { onWarning: (m) => more.push(m) }));
    assert.deepEqual(more, [`imagefolder: no images for class birds (${join(splits, 'test', 'birds')} is empty or missing): its accuracy will show as null.`]);
    const quiet: string[] = [];
    writeClass(join(splits, 'test', 'birds'), 1, 120);
    await loadDataset(folderOptions(splits, { onWarning: (m) => quiet.push(m) }));
    assert.deepEqual(quiet, []);
  });

  it('a training run logs the empty-class warning as a warning event', async () => {
    const root = fresh('run-empty-class');
    writeClass(join(root, 'cats'), 12, 200);
    writeClass(join(root, 'dogs'), 0, 0);
    const modelText = `name: empty-class\ninput: [1, 4, 4]\nlayers:\n  - Flatten()\n  - Linear(16, 2)\ndata: { dataset: imagefolder, path: ${root}, validation_split: 0 }\ntrain: { epochs: 1, batch_size: 4, seed: 1 }\n`;
    const events: TrainerEvent[] = [];
    await runTraining({ modelText, outDir: fresh('runs'), backend: 'cpu', cacheDir: fresh('cache') }, { onEvent: (e) => events.push(e) });
    const warnings = events.flatMap((e) => (e.type === 'log' && e.level === 'warning' ? [e.message] : []));
    assert.ok(warnings.some((m) => /no images for class dogs/.test(m)), JSON.stringify(warnings));
  });
});

describe('max train samples', () => {
  it('caps validation in the same proportion as training, and says so', async () => {
    const dir = fresh('idx');
    writeIdxSet(dir, { gzip: false, train: 200, test: 20, h: 6, w: 5 });
    const messages: string[] = [];
    const options: LoadOptions = { input: [1, 6, 5], data: { dataset: 'mnist', path: dir, validation_split: 0.1 }, seed: 1, cacheDir: fresh('cache'), download: false, onProgress: (m) => messages.push(m) };
    const full = await loadDataset(options);
    assert.deepEqual([full.train.count, full.validation.count, full.test.count], [180, 20, 20]);
    assert.ok(!messages.some((m) => m.includes('--max-train-samples')));
    const capped = await loadDataset({ ...options, maxTrainSamples: 45 });
    // 45 of 180 is a quarter: 5 of the 20 validation images; the test set stays whole.
    assert.deepEqual([capped.train.count, capped.validation.count, capped.test.count], [45, 5, 20]);
    assert.ok(messages.includes('--max-train-samples 45: training on 45 of 180 images, validating on 5 of 20 (the same share)'), messages.join('\n'));
  });
});
