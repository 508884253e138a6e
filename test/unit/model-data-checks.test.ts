/**
 * Checks that depend on where the data comes from: imagefolder's class folders (listed through an injected
 * FolderReader, never decoded), a validation set for early stopping and plateau schedules, the default loss, and a
 * misspelt dataset; with the quick fixes they offer.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { analyzeModel, type Diagnostic, type FixEdit, type FolderReader } from '../../src/model';
import { SourceText } from '../../src/model/parse/sourceText';
import { folderReader } from '../../src/trainer/datasets/folderReader';

function applyFix(text: string, fix: FixEdit): string {
  const src = new SourceText(text);
  return text.slice(0, src.offset(fix.range.start)) + fix.newText + text.slice(src.offset(fix.range.end));
}

/** A fake file system: folder path (joined with '/') → its sub-folders. */
function fakeFolders(tree: Record<string, string[]>): FolderReader & { calls: string[] } {
  const calls: string[] = [];
  return { calls, subfolders: (path) => (calls.push(path.join('/')), tree[path.join('/')]) };
}

const FLOWERS = (out: number, extra = '') => `input: [3, 32, 32]
${extra}layers:
  - Flatten()
  - Linear(3072, ${out})
data:
  dataset: imagefolder
  path: flowers
`;

const codes = (ds: Diagnostic[]) => ds.map((d) => `${d.severity} ${d.code}`);

describe('imagefolder class folders', () => {
  const fourClasses = { flowers: ['daisy', 'rose', 'tulip', 'sunflower'].sort() };

  it('a model with more outputs than class folders gets one warning naming the folders, with a fix', () => {
    const folders = fakeFolders(fourClasses);
    const text = FLOWERS(5);
    const a = analyzeModel(text, { folders });
    assert.deepEqual(codes(a.diagnostics), ['warning classes-mismatch']);
    assert.equal(a.diagnostics[0].message, 'The last layer outputs 5 values but flowers has 4 class folders (daisy, rose, sunflower, tulip)');
    assert.deepEqual(a.classes, ['daisy', 'rose', 'sunflower', 'tulip']);
    assert.match(applyFix(text, a.diagnostics[0].fixes?.[0] as FixEdit), /Linear\(3072, 4\)/);
    // Only folders are listed: the root, then nothing else (no train/ split here).
    assert.deepEqual(folders.calls, ['flowers', 'flowers']);
  });

  it('a matching model is clean and takes its class names from the folders', () => {
    const a = analyzeModel(FLOWERS(4), { folders: fakeFolders(fourClasses) });
    assert.deepEqual(a.diagnostics, []);
    assert.equal(a.classes.length, 4);
  });

  it('train/ val/ test/ splits: the classes are those of train/, and val/ is a validation set', () => {
    const folders = fakeFolders({ flowers: ['test', 'train', 'val'], 'flowers/train': ['cat', 'dog'] });
    const text = FLOWERS(3).replace('path: flowers', 'path: flowers\n  validation_split: 0') + 'train: {early_stopping: {patience: 2}}\n';
    const a = analyzeModel(text, { folders });
    assert.deepEqual(a.diagnostics.map((d) => d.message), ['The last layer outputs 3 values but flowers/train has 2 class folders (cat, dog)']);
  });

  it('classes written in the file that match the output but not the folders: one warning on classes:, as training would stop', () => {
    const a = analyzeModel(FLOWERS(5, 'classes: [daisy, rose, tulip, sunflower, lily]\n'), { folders: fakeFolders(fourClasses) });
    assert.deepEqual(a.diagnostics.map((d) => d.message), ['classes: does not match the class folders of flowers (daisy, rose, sunflower, tulip): no folder for lily (expected flowers/lily/); training would stop']);
    assert.equal(a.diagnostics[0].range.start.line, 1, 'on the classes: list');
    const swapped = analyzeModel(FLOWERS(4, 'classes: [daisy, rose, tulip, orchid]\n'), { folders: fakeFolders(fourClasses) });
    assert.deepEqual(swapped.diagnostics.map((d) => d.message), ['classes: does not match the class folders of flowers (daisy, rose, sunflower, tulip): no folder for orchid (expected flowers/orchid/); flowers/sunflower not listed in classes:; training would stop']);
    // The same names in another order are matched by name: clean.
    assert.deepEqual(analyzeModel(FLOWERS(4, 'classes: [tulip, rose, daisy, sunflower]\n'), { folders: fakeFolders(fourClasses) }).diagnostics, []);
    // A number of classes is checked by count, as before.
    assert.deepEqual(codes(analyzeModel(FLOWERS(5, 'classes: 5\n'), { folders: fakeFolders(fourClasses) }).diagnostics), ['warning classes-mismatch']);
  });

  it('class folders without images are a warning on data.path naming them (train/, val/ and test/ alike)', () => {
    const tree = { flowers: ['test', 'train'], 'flowers/train': ['cat', 'dog'], 'flowers/test': ['cat', 'dog'] };
    const withImages = new Set(['flowers/train/cat', 'flowers/test/cat', 'flowers/test/dog']);
    const folders = { ...fakeFolders(tree), hasImages: (path: readonly string[]) => withImages.has(path.join('/')) };
    const a = analyzeModel(FLOWERS(2), { folders });
    assert.deepEqual(a.diagnostics.map((d) => d.message), ['flowers/train/dog has no PNG or JPEG images: that class is learnt or tested on nothing (accuracy null)']);
    assert.equal(a.diagnostics[0].range.start.line, 6);
    withImages.add('flowers/train/dog');
    assert.deepEqual(analyzeModel(FLOWERS(2), { folders }).diagnostics, []);
  });

  it('a data.path that is not a folder, or has no class folders, is a warning on the path', () => {
    const missing = analyzeModel(FLOWERS(5), { folders: fakeFolders({}) });
    assert.deepEqual(codes(missing.diagnostics), ['warning image-folder']);
    assert.match(missing.diagnostics[0].message, /data\.path 'flowers' is not a folder/);
    assert.equal(missing.diagnostics[0].range.start.line, 6);
    const empty = analyzeModel(FLOWERS(5), { folders: fakeFolders({ flowers: [] }) });
    assert.deepEqual(empty.diagnostics.map((d) => d.message), ['flowers has no class folders: put the images of each class in a sub-folder named after it']);
  });

  it('without a reader the analysis depends on the text alone', () => {
    assert.deepEqual(analyzeModel(FLOWERS(5)).diagnostics, []);
  });

  describe('the real reader (readdir only, relative to the model folder)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnlab-folders-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    for (const c of ['a', 'b', 'c', 'd', '.hidden']) {
      mkdirSync(join(dir, 'flowers', c), { recursive: true });
      writeFileSync(join(dir, 'flowers', c, '0.png'), 'x');
    }
    it('lists visible class folders sorted, and undefined for a missing folder', () => {
      const reader = folderReader(dir);
      assert.deepEqual(reader.subfolders(['flowers']), ['a', 'b', 'c', 'd']);
      assert.deepEqual(reader.subfolders([join(dir, 'flowers')]), ['a', 'b', 'c', 'd']);
      assert.equal(reader.subfolders(['nowhere']), undefined);
      assert.deepEqual(codes(analyzeModel(FLOWERS(5), { folders: reader }).diagnostics), ['warning classes-mismatch']);
    });
    it('finds images by extension (files or links to files), as the loader does', () => {
      mkdirSync(join(dir, 'pics', 'full'), { recursive: true });
      mkdirSync(join(dir, 'pics', 'empty'));
      mkdirSync(join(dir, 'pics', 'other'));
      mkdirSync(join(dir, 'pics', 'folder.png'));
      writeFileSync(join(dir, 'pics', 'full', 'a.JPG'), 'x');
      writeFileSync(join(dir, 'pics', 'other', 'notes.txt'), 'x');
      symlinkSync(join(dir, 'pics', 'full', 'a.JPG'), join(dir, 'pics', 'other', 'link.png'));
      const reader = folderReader(dir);
      assert.deepEqual(['full', 'empty', 'other', 'folder.png'].map((c) => reader.hasImages?.(['pics', c])), [true, false, true, false]);
      const text = FLOWERS(4).replace('path: flowers', 'path: pics');
      assert.deepEqual(analyzeModel(text, { folders: reader }).diagnostics.map((d) => d.message), ['pics/empty, pics/folder.png have no PNG or JPEG images: those classes are learnt or tested on nothing (accuracy null)']);
    });
    it('counts a symlinked class folder, as training follows it, and skips a dangling link', () => {
      mkdirSync(join(dir, 'elsewhere', 'e'), { recursive: true });
      mkdirSync(join(dir, 'linked'));
      mkdirSync(join(dir, 'linked', 'a'));
      symlinkSync(join(dir, 'elsewhere', 'e'), join(dir, 'linked', 'e'));
      symlinkSync(join(dir, 'nowhere'), join(dir, 'linked', 'gone'));
      assert.deepEqual(folderReader(dir).subfolders(['linked']), ['a', 'e']);
    });
  });
});

describe('early stopping and plateau need a validation set', () => {
  const text = 'input: [1, 28, 28]\nlayers:\n  - Flatten()\n  - Linear(784, 10)\ndata:\n  dataset: mnist\n  validation_split: 0\ntrain:\n  early_stopping: {patience: 2}\n';

  it('warns on the early_stopping key and offers to set validation_split', () => {
    const [d] = analyzeModel(text).diagnostics;
    assert.equal(d.code, 'no-validation');
    assert.deepEqual(d.range, { start: { line: 8, character: 2 }, end: { line: 8, character: 16 } });
    const fixed = applyFix(text, d.fixes?.[0] as FixEdit);
    assert.match(fixed, /validation_split: 0\.1\n/);
    assert.deepEqual(analyzeModel(fixed).diagnostics, []);
  });

  it('no warning with a validation split, or without early stopping / plateau', () => {
    assert.deepEqual(analyzeModel(text.replace('validation_split: 0', 'validation_split: 0.2')).diagnostics, []);
    assert.deepEqual(analyzeModel(text.replace('  early_stopping: {patience: 2}', '  schedule: {type: cosine}')).diagnostics, []);
  });
});

describe('double softmax whatever sets the loss', () => {
  const text = 'input: [1, 28, 28]\nlayers:\n  - Flatten()\n  - Linear(784, 10)\n  - LogSoftmax(dim=1)  # probabilities\n';

  it('without a train section (cross_entropy by default): a warning whose fix removes the layer', () => {
    const d = analyzeModel(text).diagnostics.find((x) => x.code === 'double-softmax');
    assert.ok(d);
    assert.match(d.message, /the default loss, cross_entropy, applies log-softmax itself/);
    const fixed = applyFix(text, d.fixes?.[0] as FixEdit);
    assert.equal(fixed, 'input: [1, 28, 28]\nlayers:\n  - Flatten()\n  - Linear(784, 10)\n');
    assert.deepEqual(analyzeModel(fixed).diagnostics, []);
  });

  it('loss nll after LogSoftmax is fine', () => {
    assert.deepEqual(analyzeModel(`${text}train: {loss: nll}\n`).diagnostics, []);
  });
});

describe('a misspelt dataset is one problem', () => {
  it('only the bad value, with a fix, and classes are not taken from the default dataset', () => {
    const text = 'input: [1, 28, 28]\nlayers:\n  - Flatten()\n  - Linear(784, 10)\ndata: {dataset: fashion_mnist}\n';
    const a = analyzeModel(text);
    assert.deepEqual(codes(a.diagnostics), ['error bad-value']);
    assert.equal(a.classes.length, 10);
    assert.equal(applyFix(text, a.diagnostics[0].fixes?.[0] as FixEdit), text.replace('fashion_mnist', 'fashion-mnist'));
  });
});
