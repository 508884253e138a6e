/**
 * `cnnlab summary` end to end: src/cli.ts bundled once (cli-bundle.ts), then run as a child process for each case: table, JSON, exit statuses.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { bundledCli } from './cli-bundle';

const run = bundledCli();
const cnnlab = (...args: string[]) => run(args);

describe('cnnlab summary', () => {
  it('prints the table with PyTorch totals and exits 0 for a clean file', () => {
    const r = cnnlab('summary', 'examples/vgg16.cnn.yaml');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Total params: 138,357,544/);
    assert.match(r.stdout, /AdaptiveAvgPool2d \(line \d+\)\s+\[512, 7, 7\]/);
  });

  it('--json prints the documented object', () => {
    const r = cnnlab('summary', 'examples/fashion-mnist.cnn.yaml', '--json');
    assert.equal(r.status, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(json), ['name', 'input', 'layers', 'totalParams', 'trainableParams', 'diagnostics', 'memory']);
    assert.deepEqual(json.input, [1, 28, 28]);
    assert.equal(json.layers.length, 11);
    assert.deepEqual(json.layers[0], { index: 1, type: 'Conv2d', line: 8, outputShape: [16, 28, 28], params: 160, trainableParams: 160 });
    assert.equal(json.totalParams, 206_922);
    assert.deepEqual(json.diagnostics, []);
  });

  it('--json memory: the training-memory estimate per engine, the same figures as the table', () => {
    const r = cnnlab('summary', 'examples/vgg16.cnn.yaml', '--json');
    assert.equal(r.status, 0, r.stderr);
    const { memory } = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(memory), ['batchSize', 'wasm', 'native']);
    const { wasm, native } = memory;
    assert.deepEqual(Object.keys(wasm), ['totalBytes', 'parts', 'limitBytes', 'fits', 'maxBatchSize']);
    assert.equal(wasm.limitBytes, 4 * 1024 ** 3 - 64 * 1024);
    assert.equal(wasm.totalBytes, wasm.parts.reduce((s: number, p: { bytes: number }) => s + p.bytes, 0));
    assert.equal(wasm.fits, wasm.totalBytes <= wasm.limitBytes);
    // 138,357,544 float32 parameters: their bytes are the first part on every engine.
    assert.deepEqual(wasm.parts[0], { name: 'parameters and buffers', bytes: 138_357_544 * 4 });
    assert.ok(native.limitBytes > 0 && native.parts.every((p: { name: string }) => !p.name.includes('XNNPACK')));
    const gib = (b: number) => `${(b / 1024 ** 3).toFixed(2)} GiB`;
    const table = cnnlab('summary', 'examples/vgg16.cnn.yaml').stdout;
    assert.ok(table.includes(`Training memory ≈ ${gib(wasm.totalBytes)} at batch ${memory.batchSize} on wasm`), table);
    const bad = mkdtempSync(join(tmpdir(), 'cnnlab-'));
    writeFileSync(join(bad, 'bad.cnn.yaml'), 'input: [1, 28, 28]\nlayers:\n  - Conv2d(3, 16, 3)\n');
    assert.equal(JSON.parse(cnnlab('summary', join(bad, 'bad.cnn.yaml'), '--json').stdout).memory, null);
    rmSync(bad, { recursive: true, force: true });
  });

  it('a file with errors: diagnostics with file:line:col, exit 1, no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnlab-'));
    const file = join(dir, 'bad.cnn.yaml');
    writeFileSync(file, 'input: [1, 28, 28]\nlayers:\n  - Conv2d(3, 16, 3)\n  - Linar(10, 2)\n');
    const r = cnnlab('summary', file);
    assert.equal(r.status, 1);
    assert.ok(r.stdout.includes(`${file}:3:12: error: Conv2d expects in_channels=3 but receives 1 from the input`), r.stdout);
    assert.match(r.stdout, /:4:5: error: Unknown layer 'Linar'\. Did you mean 'Linear'\?/);
    assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /);
    const json = JSON.parse(cnnlab('summary', file, '--json').stdout);
    assert.deepEqual(json.diagnostics[0], { severity: 'error', message: 'Conv2d expects in_channels=3 but receives 1 from the input', line: 3, column: 12, code: 'in-channels-mismatch' });
  });

  it('imagefolder: counts the class folders (readdir only) and warns when the output differs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnlab-'));
    for (const c of ['eiffel_tower', 'pyramid', 'colosseum', 'big_ben']) mkdirSync(join(dir, 'landmarks', c), { recursive: true });
    const file = join(dir, 'landmarks.cnn.yaml');
    writeFileSync(file, 'input: [3, 32, 32]\nlayers:\n  - Flatten()\n  - Linear(3072, 5)\ndata: {dataset: imagefolder, path: landmarks}\n');
    const r = cnnlab('summary', file);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /:4:5: warning: The last layer outputs 5 values but landmarks has 4 class folders \(big_ben, colosseum, eiffel_tower, pyramid\)/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('several files: one table each, or one JSON object per line; the worst status wins', () => {
    const r = cnnlab('summary', 'examples/lenet5.cnn.yaml', 'examples/mlp-mnist.cnn.yaml', '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n').map((line) => JSON.parse(line).totalParams), [61_706, 478_410]);
    const table = cnnlab('summary', 'examples/lenet5.cnn.yaml', 'test/fixtures/model/diagnostics/sizes.cnn.yaml');
    assert.equal(table.status, 1);
    assert.match(table.stdout, /examples\/lenet5\.cnn\.yaml\nModel: lenet5/);
    assert.equal(cnnlab('summary', 'examples/lenet5.cnn.yaml', 'missing.cnn.yaml').status, 2);
  });

  it('usage and I/O problems exit 2', () => {
    assert.equal(cnnlab('summary').status, 2);
    assert.equal(cnnlab('summary', '--jsn', 'examples/vgg16.cnn.yaml').status, 2);
    const missing = cnnlab('summary', 'no/such/file.cnn.yaml');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^cnnlab summary: no\/such\/file\.cnn\.yaml does not exist\n$/);
  });
});
