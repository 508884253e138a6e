/**
 * Bounded reads of user files: only regular files, size caps, errors in our words naming the file; image headers
 * checked against the pixel limit before decoding; a checkpoint's model.json that is not a checkpoint.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { describeFileError, UserFileError } from '../../src/files/fileErrors';
import { pathProblem, readUserFile } from '../../src/files/readUserFile';
import { inputFromFile } from '../../src/inspect/network/input';
import { loadImageFile } from '../../src/trainer/datasets/decode';
import { legacyPipeline } from '../../src/model/transforms/legacy';
import { readImageHeader } from '../../src/trainer/datasets/imageHeader';
import { DEFAULT_MAX_IMAGE_PIXELS, resolveMaxImagePixels } from '../../src/trainer/datasets/imageLimits';
import { folderIOHandler } from '../../src/trainer/runs/tfjsFiles';
import { solidJpeg, solidPng, tempDir } from '../fixtures/datasets/generate';
import { jpegDeclaring, pngDeclaring, writeHostileFiles } from '../fixtures/hostileFiles';

const { fresh, cleanup } = tempDir('cnnlab-reads-');
after(cleanup);

const LIMITS = { maxBytes: 1000, what: 'test file' };
/** Messages must name the file and carry none of Node's system texts. */
const SYSTEM_TEXT = /ENOENT|EISDIR|ELOOP|ENOTDIR|illegal operation|too many symbolic links|no such file/;

describe('readUserFile', () => {
  it('refuses FIFOs, devices, folders, link loops and missing files in words naming them', { timeout: 20_000 }, () => {
    const dir = fresh('hostile');
    const files = writeHostileFiles(dir);
    const cases: Array<[string, RegExp]> = [
      [files.folder, /folder\.png is a folder, not a file$/],
      [files.loop, /loop\.png is a symbolic link that leads back to itself \(a link loop\)$/],
      [files.missing, /missing\.png does not exist$/],
      [join(files.huge.png, 'x.png'), /huge\.png[\\/]x\.png does not exist \(a part of its path is a file, not a folder\)$/],
    ];
    if (files.fifo) cases.push([files.fifo, /fifo\.png is a named pipe \(FIFO\), not a regular file/]);
    if (existsSync('/dev/zero')) cases.push(['/dev/zero', /^\/dev\/zero is a device, not a regular file/]);
    for (const [path, message] of cases) {
      assert.throws(() => readUserFile(path, LIMITS), (err: unknown) => {
        assert.ok(err instanceof UserFileError, String(err));
        assert.match(err.message, message);
        assert.ok(err.message.includes(path), `${err.message} names ${path}`);
        assert.doesNotMatch(err.message, SYSTEM_TEXT);
        return true;
      });
      assert.match(pathProblem(path, 'file') ?? '', message);
    }
  });

  it('reads a regular file whole, and refuses one over the cap without reading it', () => {
    const dir = fresh('sizes');
    const small = join(dir, 'small.bin');
    writeFileSync(small, Buffer.alloc(1000, 7));
    assert.deepEqual(readUserFile(small, LIMITS), Buffer.alloc(1000, 7));
    writeFileSync(small, Buffer.alloc(1001));
    assert.throws(() => readUserFile(small, { ...LIMITS, hint: 'Use a smaller one.' }), /small\.bin is 1\.00 kB, larger than the 1\.00 kB accepted for a test file\. Use a smaller one\.$/);
    assert.equal(pathProblem(dir, 'folder'), undefined);
    assert.equal(pathProblem(small, 'folder'), `${small} is a file, not a folder`);
  });

  it('stops at the cap when a file is longer than it says (/proc files say 0 bytes)', { skip: existsSync('/proc/self/maps') ? false : 'no /proc' }, () => {
    assert.throws(() => readUserFile('/proc/self/maps', { maxBytes: 10, what: 'test file' }), /: \/proc\/self\/maps is larger than the 10 B accepted for a test file\.$/);
  });

  it('describes every common errno in words naming the path', () => {
    const table: Array<[string, string]> = [
      ['ENOENT', '/x does not exist'],
      ['EISDIR', '/x is a folder, not a file'],
      ['ELOOP', '/x is a symbolic link that leads back to itself (a link loop)'],
      ['EACCES', '/x cannot be read: permission denied'],
      ['EPERM', '/x cannot be read: permission denied'],
      ['EWHATEVER', '/x cannot be read (EWHATEVER)'],
    ];
    for (const [code, text] of table) assert.equal(describeFileError(Object.assign(new Error('raw'), { code }), '/x'), text);
    assert.equal(describeFileError(Object.assign(new Error('raw'), { code: 'ENOTDIR' }), '/x', 'folder'), '/x is a file, not a folder');
  });
});

describe('image size limits', () => {
  it('reads PNG IHDR and JPEG SOFn sizes, baseline and progressive', () => {
    assert.deepEqual(readImageHeader(pngDeclaring(40000, 30000), 'PNG'), { format: 'PNG', width: 40000, height: 30000 });
    assert.deepEqual(readImageHeader(jpegDeclaring(40000, 30000), 'JPEG'), { format: 'JPEG', width: 40000, height: 30000 });
    assert.deepEqual(readImageHeader(Buffer.from(solidJpeg(7, 5, [1, 2, 3])), 'JPEG'), { format: 'JPEG', width: 7, height: 5 });
    // SOI, an APP0 segment, fill bytes, a DHT (FFC4: not a frame header), then SOF2 (progressive) 3×2.
    const progressive = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xff, 0xff, 0xc4, 0, 3, 0, 0xff, 0xc2, 0, 11, 8, 0, 2, 0, 3, 1, 1, 0x11, 0]);
    assert.deepEqual(readImageHeader(progressive, 'JPEG'), { format: 'JPEG', width: 3, height: 2 });
    assert.equal(readImageHeader(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 2]), 'JPEG'), undefined, 'scan data before any frame header');
    assert.equal(readImageHeader(pngDeclaring(40000, 30000).subarray(0, 20), 'PNG'), undefined, 'truncated IHDR');
    assert.equal(readImageHeader(pngDeclaring(0, 30), 'PNG'), undefined, 'no pixels');
  });

  it('refuses a 40000×40000 PNG or JPEG from its header, naming the file and the limit', () => {
    const dir = fresh('huge');
    const { huge } = writeHostileFiles(dir);
    for (const file of [huge.png, huge.jpg]) {
      const before = process.memoryUsage().rss;
      assert.throws(() => loadImageFile(file, 8, 8, 1), (err: Error) => {
        assert.match(err.message, /huge\.(png|jpg) is a 40000×40000 (PNG|JPEG) image \(1600 megapixels\), more than the 100 megapixels allowed: shrink it, or raise the limit with --max-image-pixels N/);
        assert.ok(err.message.startsWith(file));
        return true;
      });
      // Refused before the decoder allocates 1.6–6.4 GB (generous bound: the test process itself may grow a little).
      assert.ok(process.memoryUsage().rss - before < 200e6, `rss grew by ${process.memoryUsage().rss - before}`);
    }
  });

  it('takes the limit from the caller, else $CNNLAB_MAX_IMAGE_PIXELS, else 100 megapixels', async () => {
    assert.equal(resolveMaxImagePixels(undefined, {}), DEFAULT_MAX_IMAGE_PIXELS);
    assert.equal(resolveMaxImagePixels(undefined, { CNNLAB_MAX_IMAGE_PIXELS: '5000' }), 5000);
    assert.equal(resolveMaxImagePixels(42, { CNNLAB_MAX_IMAGE_PIXELS: '5000' }), 42);
    assert.throws(() => resolveMaxImagePixels(undefined, { CNNLAB_MAX_IMAGE_PIXELS: 'lots' }), /CNNLAB_MAX_IMAGE_PIXELS="lots" must be a positive whole number of pixels/);
    const file = join(fresh('limit'), 'photo.png');
    writeFileSync(file, solidPng(30, 20, [10, 200, 30]));
    assert.equal(loadImageFile(file, 4, 4, 3, 600).length, 48);
    assert.throws(() => loadImageFile(file, 4, 4, 3, 599), /photo\.png is a 30×20 PNG image \(600 pixels\), more than the 599 pixels allowed/);
    const stretch = { input: [3, 4, 4] as const, pipeline: legacyPipeline({ dataset: 'shapes', validation_split: 0 }, [4, 4]), seed: 0 };
    await assert.rejects(inputFromFile(file, stretch, 599), /30×20 PNG image/);
    const saved = process.env.CNNLAB_MAX_IMAGE_PIXELS;
    process.env.CNNLAB_MAX_IMAGE_PIXELS = '599';
    try {
      await assert.rejects(inputFromFile(file, stretch), /30×20 PNG image/);
    } finally {
      if (saved === undefined) delete process.env.CNNLAB_MAX_IMAGE_PIXELS;
      else process.env.CNNLAB_MAX_IMAGE_PIXELS = saved;
    }
  });

  it("says a damaged image is damaged, in our words, without the decoder's text", () => {
    const dir = fresh('damaged');
    const png = solidPng(12, 12, [1, 2, 3]);
    const jpg = Buffer.from(solidJpeg(12, 12, [1, 2, 3]));
    const cases: Array<[string, Buffer, RegExp]> = [
      ['cut.png', png.subarray(0, png.length - 30), /cut\.png is a damaged or truncated PNG image: it cannot be decoded\. Open it in an image viewer to check, or remove it\.$/],
      ['cut.jpg', jpg.subarray(0, 200), /cut\.jpg is a damaged or truncated JPEG image: it cannot be decoded/],
      ['text.png', Buffer.from('hello'), /text\.png is neither a PNG nor a JPEG image/],
    ];
    for (const [name, bytes, message] of cases) {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      assert.throws(() => loadImageFile(file, 4, 4, 1), (err: Error) => {
        assert.match(err.message, message);
        assert.doesNotMatch(err.message, /\(.*(stream|marker|Error|undefined).*\)/i);
        return true;
      });
    }
  });
});

describe('checkpoint model.json', () => {
  it('reports a model.json holding null, a list or no manifest as a damaged checkpoint', async () => {
    const dir = fresh('checkpoint');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'weights.bin'), Buffer.alloc(0));
    const cases: Array<[string, RegExp]> = [
      ['null', /model\.json is not a valid checkpoint \(it holds null, not an object\): the checkpoint is damaged$/],
      ['[1, 2]', /model\.json is not a valid checkpoint \(it holds a list, not an object\)/],
      ['{"weightsManifest": [{"paths": "weights.bin"}]}', /model\.json is not a valid checkpoint \(no valid weightsManifest\)/],
      ['{"weightsManifest": null}', /model\.json is not a valid checkpoint \(no valid weightsManifest\)/],
    ];
    for (const [text, message] of cases) {
      writeFileSync(join(dir, 'model.json'), text);
      await assert.rejects(folderIOHandler(dir).load(), (err: Error) => {
        assert.match(err.message, message);
        assert.doesNotMatch(err.message, /Cannot read properties/);
        return true;
      });
    }
  });

  it('reads weights.bin no further than its manifest needs', async () => {
    const dir = fresh('weights');
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [2, 3], dtype: 'float32' }] }] }));
    writeFileSync(join(dir, 'weights.bin'), Buffer.alloc(24));
    assert.equal((await folderIOHandler(dir).load()).weightSpecs?.length, 1);
    writeFileSync(join(dir, 'weights.bin'), Buffer.alloc(4096));
    await assert.rejects(folderIOHandler(dir).load(), /weights\.bin is 4\.10 kB, larger than the 24 B accepted for a weights file of this checkpoint\. The checkpoint is damaged\.$/);
  });
});
