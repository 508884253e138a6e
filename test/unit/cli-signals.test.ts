/**
 * `cnnlab train` ended by real signals, in real child processes: SIGINT in each pass (training, validation, test),
 * twice, SIGTERM, SIGHUP, and kill -9 followed by readers (the run reads as interrupted; predict and evaluate say so). Each
 * asserts the summary, the files and the exit latency. CNNLAB_TEST_BATCH_MS makes every batch of the tiny model
 * block for a while, as a big model's do, so that each pass lasts long enough to be hit; the bound on the latency
 * is generous (one batch is 0.15 s; a whole pass is seconds), and the tests poll the child's output, never sleep.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { encodePng } from '../../src/inspect/image/png';
import type { RunSummary } from '../../src/protocol/runTypes';
import { StopSignals } from '../../src/cli/stopSignals';
import { readRunSummary } from '../../src/trainer/runs/reader';
import { tinyShapesModel } from './engine-fixtures';

const root = mkdtempSync(join(tmpdir(), 'cnnlab-signals-'));
after(() => rmSync(root, { recursive: true, force: true }));
const cli = resolve(__dirname, '../../src/cli.ts');

/** Milliseconds each batch blocks for: a pass of 20 batches lasts over 3 s, time enough to hit it under load. */
const BATCH_MS = 150;
/** Signal → exit: one batch and a tiny checkpoint write take ~0.3 s; the bound leaves room for a loaded machine. */
const MAX_EXIT_MS = 5000;

// 640 training, validation and test samples (20 batches of 32 each: every pass lasts over 3 s), 2 epochs.
const MODEL = tinyShapesModel('signals', 1280, 640, 2).replace('test_samples: 640', 'test_samples: 640, validation_split: 0.5');
const modelFile = join(root, 'signals.cnn.yaml');
writeFileSync(modelFile, MODEL);

/** A `cnnlab train` child with its stderr collected; `waitFor` resolves when a line matches. */
class TrainChild {
  readonly child: ChildProcess;
  stderr = '';
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  private waiters: Array<() => void> = [];

  constructor(out: string) {
    this.child = spawn(process.execPath, ['--import', 'tsx', cli, 'train', modelFile, '--backend', 'wasm', '--out', out], {
      cwd: resolve(__dirname, '../..'),
      env: { ...process.env, CNNLAB_TEST_BATCH_MS: String(BATCH_MS) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.resume();
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      this.waiters.forEach((w) => w());
    });
    this.exited = new Promise((done) => this.child.on('exit', (code, signal) => done({ code, signal, at: performance.now() })));
  }

  waitFor(pattern: RegExp, timeoutMs = 180_000): Promise<void> {
    return new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no ${pattern} in the child's stderr within ${timeoutMs} ms:\n${this.stderr}`)), timeoutMs);
      const check = (): void => {
        if (!pattern.test(this.stderr)) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        done();
      };
      this.waiters.push(check);
      check();
    });
  }

  get runDir(): string {
    const m = /→ (.+)$/m.exec(this.stderr);
    assert.ok(m, this.stderr);
    return m[1].trim();
  }

  /** Sends `signal` and waits for the exit; returns the exit and the latency in ms. */
  async signalAndWait(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    const sent = performance.now();
    this.child.kill(signal);
    const exit = await this.exited;
    return { ...exit, ms: exit.at - sent };
  }

  async exit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.exited;
  }
}

let runs = 0;
function start(): TrainChild {
  runs += 1;
  return new TrainChild(join(root, `runs-${runs}`));
}

function summaryOf(dir: string): RunSummary {
  return JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;
}

function checkpointEpoch(dir: string): unknown {
  return JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).userDefinedMetadata.epoch;
}

function assertFast(ms: number, what: string): void {
  assert.ok(ms < MAX_EXIT_MS, `${what}: exited ${Math.round(ms)} ms after the signal`);
}

const latencies: string[] = [];

/** Starts a run, sends `signal` once stderr matches `when`, checks the exit (status 0, fast); returns the summary. */
async function stopWhen(when: RegExp, signal: NodeJS.Signals, label: string): Promise<{ run: TrainChild; summary: RunSummary }> {
  const run = start();
  await run.waitFor(when);
  const exit = await run.signalAndWait(signal);
  latencies.push(`${label} ${Math.round(exit.ms)} ms`);
  assert.equal(exit.code, 0, run.stderr);
  assert.equal(exit.signal, null);
  assertFast(exit.ms, label);
  const summary = summaryOf(run.runDir);
  assert.equal(summary.status, 'stopped');
  return { run, summary };
}
after(() => {
  // The exit latencies per pass, for the record (node --test prints diagnostics).
  if (latencies.length) console.log(`# exit latency after the signal: ${latencies.join(', ')}`);
});

// Three children at a time: most of each test is the child's start (tsx, wasm) and waiting for its pass.
describe('cnnlab train and signals', { concurrency: 3 }, () => {
  it('SIGINT during training stops within a batch, keeps last/ and records stopped', async () => {
    const { run, summary: s } = await stopWhen(/^epoch 1: loss/m, 'SIGINT', 'training');
    assert.match(s.stopReason ?? '', /^stopped at epoch 2 batch \d+$/);
    assert.equal(s.epochsCompleted, 1);
    assert.equal(checkpointEpoch(join(run.runDir, 'last')), 1);
    assert.ok(existsSync(join(run.runDir, 'best', 'model.json')));
  });

  it('SIGINT during validation stops within a batch of the validation pass', async () => {
    const { run, summary: s } = await stopWhen(/^epoch 1: validation on \d+ samples/m, 'SIGINT', 'validation');
    assert.equal(s.stopReason, 'stopped at epoch 1 during validation');
    assert.equal(s.epochsCompleted, 0);
    assert.doesNotMatch(run.stderr, /^epoch 1: loss/m);
  });

  it('SIGINT during the test pass stops within a batch; no test metrics, no predictions', async () => {
    const { run, summary: s } = await stopWhen(/^test pass on \d+ samples/m, 'SIGINT', 'test');
    assert.equal(s.stopReason, 'stopped during the test pass');
    assert.equal(s.epochsCompleted, 2);
    assert.equal(s.test, null);
    assert.ok(!existsSync(join(run.runDir, 'predictions.json')));
    // last/ keeps the final epoch's weights (the model held the best ones during the test pass).
    assert.equal(checkpointEpoch(join(run.runDir, 'last')), 2);
  });

  it('a second SIGINT during validation ends the process at once, the summary written as stopped', async () => {
    const run = start();
    await run.waitFor(/^epoch 1: validation on/m);
    const sent = performance.now();
    run.child.kill('SIGINT');
    await run.waitFor(/Ctrl-C: stopping after this batch/);
    run.child.kill('SIGINT');
    const exit = await run.exit();
    latencies.push(`double SIGINT ${Math.round(performance.now() - sent)} ms`);
    // Either the first request already ended the run (exit 0), or the second one did (exit 130): never 'running'.
    assert.ok(exit.code === 130 || exit.code === 0, `exit ${exit.code}\n${run.stderr}`);
    const s = summaryOf(run.runDir);
    assert.equal(s.status, 'stopped');
    assert.notEqual(s.finishedAt, null);
  });

  it('SIGTERM is handled like Ctrl-C', async () => {
    const { run } = await stopWhen(/^epoch 1: validation on/m, 'SIGTERM', 'SIGTERM (validation)');
    assert.match(run.stderr, /SIGTERM: stopping after this batch/);
  });

  it('SIGHUP is handled like Ctrl-C', async () => {
    const { run } = await stopWhen(/^training on/m, 'SIGHUP', 'SIGHUP (training)');
    assert.ok(existsSync(join(run.runDir, 'last', 'model.json')));
  });

  it('after kill -9 readers show the run interrupted with the epochs of its checkpoints; predict says so in one line', async () => {
    const run = start();
    await run.waitFor(/^epoch 1: loss/m);
    const { pid } = run.child;
    const exit = await run.signalAndWait('SIGKILL');
    assert.equal(exit.signal, 'SIGKILL');
    const dir = run.runDir;
    const written = summaryOf(dir);
    assert.equal(written.status, 'running');
    assert.equal(written.owner?.pid, pid);
    // A write torn by the kill leaves its temporary behind (see runs-atomic.test.ts for a real one).
    const torn = join(dir, 'best', `.weights.bin.${pid}.9.tmp`);
    writeFileSync(torn, new Uint8Array(64));

    const read = readRunSummary(dir);
    assert.equal(read?.status, 'interrupted');
    assert.equal(read?.epochsCompleted, checkpointEpoch(join(dir, 'last')));
    assert.ok((read?.epochsCompleted ?? 0) >= 1);
    assert.match(read?.stopReason ?? '', new RegExp(`pid ${pid}`));
    assert.ok(!existsSync(torn), 'the dead owner\'s temporary is removed on the next open');
    assert.deepEqual(readdirSync(join(dir, 'best')).filter((n) => n.endsWith('.tmp')), []);

    const image = join(root, 'square.png');
    const pixels = new Uint8Array(16 * 16).map((_, i) => (i % 16 > 3 && i % 16 < 12 && i > 64 && i < 192 ? 255 : 0));
    writeFileSync(image, encodePng({ width: 16, height: 16, channels: 1, data: pixels }));
    const predict = spawnSync(process.execPath, ['--import', 'tsx', cli, 'predict', dir, image, '--backend', 'wasm'], { encoding: 'utf8', cwd: resolve(__dirname, '../..') });
    assert.equal(predict.status, 0, predict.stderr);
    const notes = predict.stderr.split('\n').filter((l) => /interrupted/.test(l));
    assert.equal(notes.length, 1, predict.stderr);
    assert.match(notes[0], new RegExp(`was interrupted after ${read?.epochsCompleted}/2 epoch`));
    const evaluate = spawnSync(process.execPath, ['--import', 'tsx', cli, 'evaluate', dir, '--backend', 'wasm'], { encoding: 'utf8', cwd: resolve(__dirname, '../..') });
    assert.equal(evaluate.status, 0, evaluate.stderr);
    assert.deepEqual(evaluate.stderr.split('\n').filter((l) => /interrupted/.test(l)), notes, evaluate.stderr);
  });
});

describe('StopSignals (in process)', () => {
  it('asks once, then records the run as stopped and exits with 128 + the signal number', () => {
    const said: string[] = [];
    const exits: number[] = [];
    const abandoned: string[] = [];
    const stop = new StopSignals((line) => said.push(line), (code) => void exits.push(code));
    try {
      process.emit('SIGTERM');
      assert.equal(stop.requested, true);
      assert.deepEqual(exits, []);
      stop.attach({ dir: '/runs/m/t', abandon: (reason) => void abandoned.push(reason) });
      process.emit('SIGTERM');
      assert.deepEqual(exits, [143]);
      assert.deepEqual(abandoned, ['SIGTERM twice: ended before the current pass finished']);
      assert.match(said.join('\n'), /SIGTERM: stopping after this batch[\s\S]*SIGTERM: quit; \/runs\/m\/t keeps the checkpoints/);
      process.emit('SIGINT');
      assert.deepEqual(exits, [143, 130]);
    } finally {
      stop.dispose();
    }
    assert.equal(process.listenerCount('SIGINT') + process.listenerCount('SIGTERM') + process.listenerCount('SIGHUP'), 0);
  });

  it('after the run ended, a signal quits at once with 128 + its number and records nothing', () => {
    const exits: number[] = [];
    const abandoned: string[] = [];
    const stop = new StopSignals(() => undefined, (code) => void exits.push(code));
    try {
      stop.attach({ dir: '/runs/m/t', abandon: (reason) => void abandoned.push(reason) });
      stop.ended();
      process.emit('SIGINT');
      assert.deepEqual(exits, [130]);
      assert.deepEqual(abandoned, []);
    } finally {
      stop.dispose();
    }
  });
});
