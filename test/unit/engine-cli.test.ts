/**
 * `cnnlab train` as a user runs it (a child process through tsx): --json's last stdout line, exit statuses for a
 * model file with errors (1, with file:line:col diagnostics) and for usage mistakes (2).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { epochLine, failedJson, parseTrainArgs } from '../../src/cli/train';
import { DEFAULT_WORKERS } from '../../src/trainer/parallel/cores';
import { tinyShapesModel } from './engine-fixtures';

const dir = mkdtempSync(join(tmpdir(), 'cnnlab-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const cli = resolve(__dirname, '../../src/cli.ts');

function train(...args: string[]) {
  return trainWithEnv({}, ...args);
}

function trainWithEnv(env: NodeJS.ProcessEnv, ...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', cli, 'train', ...args], { encoding: 'utf8', cwd: resolve(__dirname, '../..'), env: { ...process.env, ...env } });
}

const MODEL = tinyShapesModel('cli-shapes', 300, 100, 3);

describe('cnnlab train', () => {
  it('trains and prints one JSON object as the last stdout line', () => {
    const file = join(dir, 'shapes.cnn.yaml');
    writeFileSync(file, MODEL);
    const r = train(file, '--epochs', '1', '--max-train-samples', '100', '--backend', 'wasm', '--json');
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    const result = JSON.parse(lines[lines.length - 1]);
    assert.deepEqual(
      ['runDir', 'backend', 'epochs', 'trainSamples', 'samplesPerSecond', 'testAccuracy', 'testLoss', 'bestValLoss'].filter((k) => !(k in result)),
      [],
    );
    assert.equal(result.backend, 'wasm');
    assert.equal(result.epochs, 1);
    assert.equal(result.trainSamples, 100);
    assert.ok(result.testAccuracy >= 0 && result.testAccuracy <= 1);
    // Default output folder: runs/ next to the model file.
    assert.ok(result.runDir.startsWith(join(dir, 'runs', 'cli-shapes')));
    assert.ok(existsSync(join(result.runDir, 'summary.json')));
    assert.match(r.stderr, /epoch 1: loss/);
  });

  it('without a validation set, never prints a training loss as the validation loss', () => {
    const file = join(dir, 'no-val.cnn.yaml');
    writeFileSync(file, MODEL.replace('test_samples: 100', 'test_samples: 100, validation_split: 0').replace('seed: 1', 'seed: 1, early_stopping: { patience: 1 }'));
    const r = train(file, '--epochs', '2', '--max-train-samples', '100', '--backend', 'wasm', '--json');
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
    assert.equal(result.bestValLoss, null);
    assert.doesNotMatch(r.stderr, /best validation loss/);
    assert.match(r.stderr, /no validation set: early stopping will monitor the training loss/);
    assert.match(r.stderr, /no validation set: best epoch \d chosen on the training loss/);
  });

  it('prints the diagnostics of a model file with errors and exits 1', () => {
    const file = join(dir, 'broken.cnn.yaml');
    writeFileSync(file, MODEL.replace('Linear(64,', 'Linear(65,'));
    const r = train(file, '--backend', 'wasm', '--json');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /broken\.cnn\.yaml:\d+:\d+: error: /);
    assert.equal(JSON.parse(r.stdout.trim().split('\n').pop() ?? '').status, 'failed');
    assert.ok(!existsSync(join(dir, 'runs', 'cli-shapes', 'broken')));
  });

  it('looks for native TensorFlow where `cnnlab install-backend` puts it', () => {
    // A stand-in tfjs-node in an install prefix: loading it fails with a message only it can produce.
    const prefix = join(dir, 'backends');
    const pkg = join(prefix, 'node_modules', '@tensorflow', 'tfjs-node');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', version: '4.22.0', main: 'index.js' }));
    writeFileSync(join(pkg, 'index.js'), "throw new Error('stand-in tfjs-node from the install prefix');\n");
    const file = join(dir, 'native.cnn.yaml');
    writeFileSync(file, MODEL);
    const r = trainWithEnv({ CNNLAB_BACKEND_DIR: prefix }, file, '--backend', 'tensorflow', '--epochs', '1');
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /stand-in tfjs-node from the install prefix/);
  });

  it('names the run folder in the JSON of a run that failed after it was opened', () => {
    assert.deepEqual(failedJson('disk full', '/runs/m/1'), { status: 'failed', error: 'disk full', runDir: '/runs/m/1' });
    assert.deepEqual(failedJson('bad file'), { status: 'failed', error: 'bad file' });
  });

  it('rejects bad usage with exit 2', () => {
    assert.equal(train('--epochs', 'x', join(dir, 'a.cnn.yaml')).status, 2);
    assert.equal(train(join(dir, 'missing.cnn.yaml')).status, 2);
  });

  it('parses its options', () => {
    assert.deepEqual(parseTrainArgs(['m.yaml', '--epochs=3', '--backend', 'cpu', '--out', 'o', '--json', '--max-train-samples', '50']), {
      file: 'm.yaml', epochs: 3, backend: 'cpu', outDir: 'o', json: true, maxTrainSamples: 50, workers: DEFAULT_WORKERS,
    });
    assert.equal((parseTrainArgs(['m.yaml', '--workers', '3']) as { workers: number }).workers, 3);
    assert.match(parseTrainArgs(['m.yaml', '--workers', '0']) as string, /--workers expects a positive integer/);
    assert.match(parseTrainArgs(['m.yaml', '--backend', 'gpu']) as string, /--backend expects one of auto, tensorflow-gpu/);
    assert.match(parseTrainArgs(['m.yaml', '--epochs', '0']) as string, /positive integer/);
    assert.match(parseTrainArgs(['m.yaml', '--fast']) as string, /unknown option --fast/);
    assert.match(parseTrainArgs([]) as string, /exactly one model file/);
  });

  it("the epoch line shows the task's validation metric: accuracy, MSE or mIoU", () => {
    const base = { kind: 'epoch' as const, epoch: 2, loss: 0.5, accuracy: null, valLoss: 0.25, valAccuracy: null, lr: 0.001, seconds: 3.21, samplesPerSecond: 99.6, best: true, time: '' };
    assert.equal(epochLine({ ...base, accuracy: 0.9, valAccuracy: 0.875 }), 'epoch 2: loss 0.5000 acc 0.900 val_loss 0.2500 val_acc 0.875 100 samples/s 3.2s (best)');
    assert.equal(epochLine({ ...base, valMse: 0.012345 }), 'epoch 2: loss 0.5000 val_loss 0.2500 val_mse 0.01235 100 samples/s 3.2s (best)');
    assert.equal(epochLine({ ...base, accuracy: 0.99, valAccuracy: 0.98, valMeanIou: 0.7 }), 'epoch 2: loss 0.5000 acc 0.990 val_loss 0.2500 val_acc 0.980 val_miou 0.700 100 samples/s 3.2s (best)');
    assert.equal(epochLine({ ...base, valLoss: null, valMse: null, best: false }), 'epoch 2: loss 0.5000 100 samples/s 3.2s');
  });
});
