/**
 * The webgpu backend (tfjs-backend-webgpu on Dawn) against tfjs's cpu backend, each in a worker thread as training
 * runs: the reference CNN's gradients on a batch of shapes images, and the loss and parameters along a few Adam steps.
 * Without a GPU this runs on a software driver: stock Mesa through Dawn's OpenGL route (EGL_PLATFORM=surfaceless).
 * It skips, saying why, only where no adapter exists (the webgpu package or a driver missing);
 * CNNLAB_REQUIRE_WEBGPU=1 (CI) turns that skip into a failure.
 */
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ProbeMessage, ProbeResult } from './webgpu/gradientProbe';
import { adapterName, isSoftwareAdapter } from '../../src/trainer/backend/webgpu';

// Read by Mesa's EGL when Dawn starts in a worker: native code sees the process's environment, set from the main thread.
process.env.EGL_PLATFORM ??= 'surfaceless';

const STEPS = 3;
/** Small enough for a software renderer (2 epochs of 1,080 images, 2.5 min on this loaded machine), past chance (20%). */
const SHAPES_SAMPLES = 1200;
const BATCH = 8;

function runProbe(backend: string, steps = STEPS): Promise<ProbeMessage> {
  const dir = mkdtempSync(join(tmpdir(), 'cnnlab-webgpu-'));
  // Node 20 workers do not pick up tsx from execArgv for a .ts entry: a CommonJS bootstrap registers it first.
  const bootstrap = join(dir, 'bootstrap.js');
  writeFileSync(bootstrap, `require(${JSON.stringify(require.resolve('tsx/cjs'))});\nrequire(${JSON.stringify(resolve(__dirname, 'webgpu/gradientProbe.ts'))});\n`);
  return new Promise<ProbeMessage>((done, fail) => {
    const worker = new Worker(bootstrap, { workerData: { backend, steps, batch: BATCH } });
    worker.once('message', (m: ProbeMessage) => {
      done(m);
      void worker.terminate();
    });
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new Error(`the ${backend} worker exited (${code}) without a result`)));
  }).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** `cnnlab train examples/shapes.cnn.yaml --json` on a backend, as a user runs it: its JSON line, once the process exited by itself. */
function trainShapes(backend: string, out: string): Promise<{ testAccuracy: number; status: string; backend: string; exitCode: number | null }> {
  const root = resolve(__dirname, '../..');
  const args = ['--import', 'tsx', join(root, 'src/cli.ts'), 'train', join(root, 'examples/shapes.cnn.yaml'), '--backend', backend, '--max-train-samples', String(SHAPES_SAMPLES), '--epochs', '2', '--out', out, '--json'];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', fail);
    child.on('close', (exitCode) => {
      try {
        done({ ...JSON.parse(stdout.trim().split('\n').pop() ?? ''), exitCode });
      } catch {
        fail(new Error(`cnnlab train --backend ${backend} printed no JSON (exit ${exitCode}): ${stderr.slice(-2000)}`));
      }
    });
  });
}

/** max |a − b| / max |b| over a tensor. */
function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / (scale || 1);
}

/** ‖a − b‖₂ / ‖b‖₂. */
function l2RelativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < b.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  return Math.sqrt(diff / (norm || 1));
}

function result(message: ProbeMessage, backend: string): ProbeResult | string {
  if (message.type === 'result') return message.result;
  if (message.type === 'unavailable') return message.reason;
  throw new Error(`${backend} worker failed: ${message.message}`);
}

describe('webgpu backend', () => {
  let adapter: string | undefined;

  it('computes the reference CNN\'s gradients and Adam steps as the cpu backend does, in a worker', async (t) => {
    const [gpu, cpu] = await Promise.all([runProbe('webgpu'), runProbe('cpu')]);
    const reference = result(cpu, 'cpu');
    const tested = result(gpu, 'webgpu');
    assert.ok(typeof reference !== 'string', String(reference));
    if (typeof tested === 'string') {
      if (process.env.CNNLAB_REQUIRE_WEBGPU === '1') assert.fail(`CNNLAB_REQUIRE_WEBGPU=1 but ${tested}`);
      t.skip(`no WebGPU adapter here: ${tested}`);
      return;
    }
    t.diagnostic(`webgpu: ${tested.description}`);
    adapter = tested.description;
    const names = Object.keys(reference.grads);
    assert.deepEqual(Object.keys(tested.grads).sort(), [...names].sort());
    const gradErrors = names.map((n) => relativeError(tested.grads[n], reference.grads[n]));
    const lossErrors = tested.losses.map((l, i) => Math.abs(l - reference.losses[i]) / Math.abs(reference.losses[i]));
    const paramErrors = names.map((n) => l2RelativeError(tested.params[n], reference.params[n]));
    t.diagnostic(`largest relative error: gradients ${Math.max(...gradErrors).toExponential(2)}, losses ${Math.max(...lossErrors).toExponential(2)}, parameters after ${STEPS} Adam steps ${Math.max(...paramErrors).toExponential(2)} (L2)`);
    for (const [i, n] of names.entries()) assert.ok(gradErrors[i] <= 1e-5, `gradient of ${n}: relative error ${gradErrors[i]}`);
    assert.equal(tested.losses.length, STEPS);
    assert.ok(reference.losses[STEPS - 1] < reference.losses[0], `Adam lowers the loss: ${reference.losses}`);
    for (const [i, e] of lossErrors.entries()) assert.ok(e <= 1e-5, `loss before step ${i + 1}: relative error ${e}`);
    // As a whole, not element by element: Adam moves each parameter by about lr whatever its gradient's size, so one
    // whose gradient is at rounding level (1e-7 of the largest) may move either way on either backend.
    for (const [i, n] of names.entries()) assert.ok(paramErrors[i] <= 1e-4, `${n} after ${STEPS} Adam steps: L2 relative error ${paramErrors[i]}`);
  });

  it('auto never takes a software adapter', async (t) => {
    if (!adapter) return t.skip('no WebGPU adapter here (see above)');
    const auto = result(await runProbe('auto', 1), 'auto');
    assert.ok(typeof auto !== 'string', String(auto));
    if (adapter.includes('software adapter')) {
      assert.match(auto.description, /^wasm /);
      assert.ok(auto.logs.some((l) => /backend webgpu skipped: the only WebGPU adapter is a software renderer/.test(l)), auto.logs.join('\n'));
    } else {
      assert.match(auto.description, /^(tensorflow-gpu|webgpu) /);
    }
  });

  it('trains shapes with cnnlab train to the accuracy wasm reaches, and the process exits by itself', async (t) => {
    if (!adapter) return t.skip('no WebGPU adapter here (see above)');
    const out = mkdtempSync(join(tmpdir(), 'cnnlab-webgpu-runs-'));
    try {
      const [gpu, wasm] = await Promise.all([trainShapes('webgpu', join(out, 'webgpu')), trainShapes('wasm', join(out, 'wasm'))]);
      t.diagnostic(`test accuracy: webgpu ${gpu.testAccuracy}, wasm ${wasm.testAccuracy}`);
      assert.deepEqual([gpu.exitCode, gpu.status, gpu.backend], [0, 'done', 'webgpu']);
      assert.deepEqual([wasm.exitCode, wasm.status, wasm.backend], [0, 'done', 'wasm']);
      // Two short epochs of 1,080 images reach about 0.52 (wasm and webgpu alike); chance is 0.2.
      assert.ok(wasm.testAccuracy > 0.4, `wasm learns shapes: ${wasm.testAccuracy}`);
      // Same seed, data and draws: only rounding differs, which may flip a few of the 1,000 test images.
      assert.ok(Math.abs(gpu.testAccuracy - wasm.testAccuracy) <= 0.02, `webgpu ${gpu.testAccuracy} vs wasm ${wasm.testAccuracy}`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('tells software renderers from GPUs, by flag or by name', () => {
    const gpu = { vendor: 'nvidia', architecture: 'ampere', device: 'NVIDIA GeForce RTX 3060', description: 'Vulkan driver 550.54' };
    assert.equal(isSoftwareAdapter(gpu), false);
    assert.equal(adapterName(gpu), 'NVIDIA GeForce RTX 3060 (Vulkan driver 550.54)');
    for (const device of ['llvmpipe (LLVM 15.0.6, 256 bits)', 'SwiftShader Device (Subzero)', 'Microsoft Basic Render Driver']) {
      assert.equal(isSoftwareAdapter({ vendor: '', architecture: '', device, description: '' }), true, device);
    }
    assert.equal(isSoftwareAdapter({ ...gpu, isFallbackAdapter: true }), true);
    assert.equal(adapterName({ vendor: 'apple', architecture: 'metal-3', device: '', description: '' }), 'apple metal-3');
  });
});
