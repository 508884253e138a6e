/**
 * Backend selection and the native-backend installer: real initialisation of the embedded wasm engine,
 * clear errors for unavailable explicit choices, fallback from a broken native install, and the
 * installer's failure explanations (npm replaced by small scripts that fail the way npm does offline).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKEND_CHOICES, BackendUnavailableError, initBackend, isBackendChoice } from '../../src/trainer/backend/index';
import { BACKENDS } from '../../src/trainer/backend/registry';
import { installNativeBackend } from '../../src/trainer/backend/install';
import { findWasmDir } from '../../src/trainer/backend/wasm-files';
import { memoUntilInstalled } from '../../src/trainer/backend/webgpu';

const scratch = mkdtempSync(join(tmpdir(), 'cnnlab-backend-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** An install prefix holding a tfjs-node whose native part fails to load, as after a failed libtensorflow download. */
function brokenNativeInstall(): string {
  const dir = join(scratch, 'broken');
  const pkg = join(dir, 'node_modules', '@tensorflow', 'tfjs-node');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', version: '4.22.0', main: 'index.js' }));
  writeFileSync(join(pkg, 'index.js'), "throw new Error('libtensorflow.so.2: cannot open shared object file');\n");
  return dir;
}

/** A stand-in for npm: a shell script printing `output` then exiting with `status` (or hanging). */
function fakeNpm(name: string, output: string, status: number | 'hang'): string {
  const file = join(scratch, name);
  writeFileSync(file, `#!/bin/sh\necho '${output}' >&2\n${status === 'hang' ? 'sleep 30' : `exit ${status}`}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('initBackend', () => {
  it('starts the embedded wasm engine with our training kernels', async () => {
    const { tf, name, description } = await initBackend('wasm');
    assert.equal(name, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.match(description, /^wasm \((SIMD|no SIMD), \d+ threads?, XNNPACK\) \+ CNN Lab training kernels$/);
    const g = tf.grad((x) => tf.sum(tf.conv2d(x as never, tf.ones([3, 3, 1, 2]) as never, 1, 'same')))(tf.ones([1, 4, 4, 1]));
    assert.deepEqual(Array.from(g.dataSync()).slice(0, 4), [8, 12, 12, 8]); // taps covering each pixel × 2 filters
  });

  it('auto falls back to wasm when tfjs-node is absent, and logs a broken install instead of failing', async () => {
    const logs: string[] = [];
    const info = await initBackend('auto', { extraModulePaths: [brokenNativeInstall()], log: (m) => logs.push(m) });
    assert.equal(info.name, 'wasm');
    assert.ok(logs.some((l) => /tensorflow skipped: .*failed to load: libtensorflow/.test(l)), logs.join('\n'));
  });

  it('an explicit native choice that is not installed says how to install it', async () => {
    await assert.rejects(initBackend('tensorflow'), (err: Error) => {
      assert.ok(err instanceof BackendUnavailableError);
      assert.match(err.message, /tensorflow backend not installed: run `cnnlab install-backend tensorflow`/);
      return true;
    });
    await assert.rejects(initBackend('tensorflow', { extraModulePaths: [brokenNativeInstall()] }), /failed to load: libtensorflow/);
  });

  it('cpu only when asked, with a warning', async () => {
    const logs: string[] = [];
    const info = await initBackend('cpu', { log: (m) => logs.push(m) });
    assert.equal(info.tf.getBackend(), 'cpu');
    assert.match(logs.join('\n'), /300× slower/);
    await initBackend('wasm');
  });

  it('auto tries CUDA, then WebGPU, then native TensorFlow, then wasm; every backend is a choice', () => {
    assert.deepEqual(BACKENDS.filter((b) => b.auto).map((b) => b.name), ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm']);
    assert.deepEqual([...BACKEND_CHOICES].sort(), ['auto', ...BACKENDS.map((b) => b.name)].sort());
  });

  it('validates choices and finds the wasm binaries even when a given folder lacks them', () => {
    assert.ok(isBackendChoice('tensorflow-gpu'));
    assert.ok(!isBackendChoice('gpu'));
    const found = findWasmDir(join(scratch, 'nowhere'));
    assert.ok('dir' in found && found.dir.endsWith('/'), JSON.stringify(found));
  });
});

describe('memoUntilInstalled (the webgpu adapter search)', () => {
  it('asks again after "not installed", so an install in the same worker is seen; keeps any other answer', async () => {
    const answers = [{ notInstalled: true, reason: 'no webgpu package' }, { adapter: 'gpu' }, { adapter: 'other' }];
    let calls = 0;
    const find = memoUntilInstalled(async () => answers[calls++]);
    assert.deepEqual(await find(), answers[0]);
    assert.deepEqual(await find(), answers[1]);
    assert.deepEqual(await find(), answers[1]);
    assert.equal(calls, 2);
    let broken = 0;
    const present = memoUntilInstalled(async () => ({ notInstalled: false, reason: `no adapter ${++broken}` }));
    await present();
    assert.deepEqual(await present(), { notInstalled: false, reason: 'no adapter 1' });
  });
});

describe('installNativeBackend', () => {
  it('explains a failed libtensorflow download (offline) and what to do', async () => {
    const lines: string[] = [];
    const npm = fakeNpm('npm-offline', 'Error: getaddrinfo ENOTFOUND storage.googleapis.com', 1);
    const r = await installNativeBackend('tensorflow', { dir: join(scratch, 'prefix'), npm, onProgress: (l) => lines.push(l) });
    assert.equal(r.ok, false);
    assert.match(r.message, /libtensorflow.*storage\.googleapis\.com.*cnnlab install-backend tensorflow.*--backend wasm/s);
    assert.ok(lines[0]?.includes('install --prefix') && lines[0].includes('@tensorflow/tfjs-node@4.22.0'), lines[0]);
    assert.ok(lines.some((l) => l.includes('ENOTFOUND')));
  });

  it('gives up on a stalled install instead of hanging', async () => {
    const npm = fakeNpm('npm-stall', 'fetching', 'hang');
    const t0 = Date.now();
    const r = await installNativeBackend('tensorflow-gpu', { dir: join(scratch, 'prefix'), npm, idleTimeoutMs: 300 });
    assert.equal(r.ok, false);
    assert.match(r.message, /tfjs-node-gpu@4\.22\.0 stalled/);
    assert.ok(Date.now() - t0 < 10_000);
  });

  it('reports success and a missing npm', async () => {
    const ok = await installNativeBackend('tensorflow', { dir: join(scratch, 'prefix'), npm: fakeNpm('npm-ok', 'added 1 package', 0) });
    assert.equal(ok.ok, true);
    assert.match(ok.message, /installed in .*prefix/);
    const lines: string[] = [];
    await installNativeBackend('webgpu', { dir: join(scratch, 'prefix'), npm: fakeNpm('npm-ok', 'added 1 package', 0), onProgress: (l) => lines.push(l) });
    assert.ok(lines[0]?.endsWith(' webgpu@0.6.2'), lines[0]);
    const missing = await installNativeBackend('tensorflow', { dir: join(scratch, 'prefix'), npm: join(scratch, 'no-such-npm') });
    assert.match(missing.message, /could not run npm/);
  });
});
