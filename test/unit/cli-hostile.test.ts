/**
 * The CLI given hostile paths: `predict` on a FIFO, /dev/zero, a folder, a link loop, a huge-header image, a run
 * whose model.json holds null; `train` on a model path that is a folder or a loop. Every answer is one line in
 * our words naming the path, quickly, with exit 2 for a path of the wrong kind and 1 for an unusable file.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runPredict } from '../../src/cli/predict';
import { writeHostileFiles } from '../fixtures/hostileFiles';
import { trainTinyRun, type TrainedRun } from './inspect-fixture';

let fixture: TrainedRun;
before(async () => {
  fixture = await trainTinyRun();
});
after(() => fixture && rmSync(fixture.root, { recursive: true, force: true }));

async function predict(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const captured = { stdout: '', stderr: '' };
  const io = { out: (t: string) => void (captured.stdout += t), err: (t: string) => void (captured.stderr += t) };
  const status = await runPredict([...args, '--backend', 'wasm'], io);
  return { status, ...captured };
}

const SYSTEM_TEXT = /ENOENT|EISDIR|ELOOP|illegal operation|too many symbolic links|Cannot read properties|read requests|maxResolutionInMP|out of range/;

describe('cnnlab predict with hostile inputs', () => {
  it('refuses paths of the wrong kind at once, naming them (exit 2)', { timeout: 60_000 }, async () => {
    const files = writeHostileFiles(join(fixture.root, 'hostile'));
    const cases: Array<[string, RegExp]> = [
      [files.folder, /folder\.png is a folder, not a file/],
      [files.loop, /loop\.png is a symbolic link that leads back to itself/],
      [files.missing, /missing\.png does not exist/],
      ['/dev/zero', /\/dev\/zero is a device, not a regular file/],
    ];
    if (files.fifo) cases.push([files.fifo, /fifo\.png is a named pipe \(FIFO\), not a regular file/]);
    for (const [image, message] of cases) {
      const r = await predict(fixture.runDir, image);
      assert.equal(r.status, 2, `${image}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.split('\n').length, 2, 'one line');
      assert.doesNotMatch(r.stderr, SYSTEM_TEXT);
    }
    const loopRun = join(fixture.root, 'loop-run');
    symlinkSync('loop-run', loopRun);
    const r = await predict(loopRun, fixture.images[0].file);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /loop-run is a symbolic link that leads back to itself/);
  });

  it('refuses images over the pixel limit from their header (exit 1), the limit set by --max-image-pixels', { timeout: 60_000 }, async () => {
    const files = writeHostileFiles(join(fixture.root, 'huge'));
    for (const image of [files.huge.png, files.huge.jpg]) {
      const r = await predict(fixture.runDir, image);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /is a 40000×40000 (PNG|JPEG) image \(1600 megapixels\), more than the 100 megapixels allowed/);
      assert.doesNotMatch(r.stderr, SYSTEM_TEXT);
    }
    const small = fixture.images[0].file;
    assert.equal((await predict(fixture.runDir, small, '--max-image-pixels', '400')).status, 0);
    const refused = await predict(fixture.runDir, small, '--max-image-pixels', '399');
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /is a 20×20 PNG image \(400 pixels\), more than the 399 pixels allowed/);
  });

  it('says a run whose model.json holds null has a damaged checkpoint', { timeout: 60_000 }, async () => {
    const run = join(fixture.root, 'null-run');
    cpSync(fixture.runDir, run, { recursive: true });
    for (const checkpoint of ['best', 'last']) writeFileSync(join(run, checkpoint, 'model.json'), 'null');
    const r = await predict(run, fixture.images[0].file, '--checkpoint', 'best');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /best[\\/]model\.json is not a valid checkpoint \(it holds null, not an object\): the checkpoint is damaged/);
    assert.doesNotMatch(r.stderr, SYSTEM_TEXT);
  });
});

describe('cnnlab train with hostile model paths', () => {
  it('names a model path that is a folder or a link loop in our words (exit 2)', { timeout: 60_000 }, () => {
    const dir = join(fixture.root, 'model-paths');
    mkdirSync(join(dir, 'folder.cnn.yaml'), { recursive: true });
    symlinkSync('loop.cnn.yaml', join(dir, 'loop.cnn.yaml'));
    for (const [name, what] of [['folder.cnn.yaml', 'is a folder, not a file'], ['loop.cnn.yaml', 'is a symbolic link that leads back to itself (a link loop)']]) {
      const file = join(dir, name);
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'train', file], { cwd: join(__dirname, '../..'), encoding: 'utf8' });
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stderr, `cnnlab train: ${file} ${what}\n`);
    }
  });
});
