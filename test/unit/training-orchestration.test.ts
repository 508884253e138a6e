/**
 * "Train Model" orchestration without VS Code, on the real engine run in-process: status bar and notification
 * texts from real events, log lines, one run at a time with the queue-or-stop question, Cancel stopping a run,
 * a model file with errors not starting, and the fan-out of live events to panels.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunRequest, RunSummary } from '../../src/protocol/runTypes';
import type { TrainerEvent } from '../../src/protocol/trainer';
import { SHAPE_CLASSES } from '../../src/trainer/datasets/shapes';
import { formatDiagnostic } from '../../src/model/report/formatDiagnostic';
import { ModelFileError, runTraining } from '../../src/trainer/engine/session';
import { LiveRuns } from '../../src/training/liveRuns';
import { TrainingOrchestrator, type TrainJob, type TrainingUi } from '../../src/training/orchestrator';
import { endMessage, logLine, RunProgress } from '../../src/training/runProgress';
import { RunQueue, type BusyChoice } from '../../src/training/runQueue';
import type { TrainerPort } from '../../src/training/trainerPort';

/** The engine in this thread behind the TrainerPort (the extension uses the worker's TrainerClient). */
function inProcessTrainer(): TrainerPort {
  return {
    start(request, onEvent) {
      let stop = false;
      const result = runTraining(request, { onEvent, shouldStop: () => stop }).catch((err: unknown) => {
        // The worker reports model-file errors with formatted diagnostics; do the same.
        if (err instanceof ModelFileError) throw Object.assign(new Error(err.message), { diagnostics: err.diagnostics.map((d) => formatDiagnostic(d)) });
        throw err;
      });
      return { stop: () => (stop = true), result };
    },
  };
}

/** Records what the VS Code UI would show; answers the busy question with `choice`. */
class FakeUi implements TrainingUi {
  readonly statuses: string[] = [];
  readonly notifications: Array<{ message: string; increment: number }> = [];
  readonly started: string[] = [];
  readonly starting: string[] = [];
  readonly ended: RunSummary[] = [];
  readonly failures: string[][] = [];
  readonly questions: string[] = [];
  statusVisible = false;
  cancel: (() => void) | undefined;
  constructor(public choice: BusyChoice = 'queue') {}
  async askWhenBusy(active: TrainJob, next: TrainJob): Promise<BusyChoice> {
    this.questions.push(`${active.label}→${next.label}`);
    return this.choice;
  }
  async withProgress(_title: string, onCancel: () => void, task: (p: { report(m: string, i: number): void }) => Promise<void>): Promise<void> {
    this.cancel = onCancel;
    await task({ report: (message, increment) => this.notifications.push({ message, increment }) });
  }
  showStatus(text: string): void {
    this.statusVisible = true;
    this.statuses.push(text);
  }
  hideStatus(): void {
    this.statusVisible = false;
  }
  runStarting(job: TrainJob): void {
    this.starting.push(job.label);
  }
  runStarted(runDir: string): void {
    this.started.push(runDir);
  }
  runEnded(summary: RunSummary): void {
    this.ended.push(summary);
  }
  startFailed(_job: TrainJob, failure: { diagnostics: string[] }): void {
    this.failures.push(failure.diagnostics);
  }
}

const model = (name: string, epochs: number) => `
name: ${name}
input: [1, 12, 12]
layers:
  - Conv2d(1, 4, 3, padding=1)
  - ReLU()
  - MaxPool2d(2)
  - Flatten()
  - Linear(144, ${SHAPE_CLASSES.length})
data: {dataset: shapes, validation_split: 0.2, train_samples: 200, test_samples: 40}
train: {epochs: ${epochs}, batch_size: 8, optimizer: adam, lr: 0.01, seed: 2}
`;

const until = async (what: string, ok: () => boolean, timeoutMs = 30_000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('training orchestration on the real engine', () => {
  let root: string;
  const logs: string[] = [];
  const log = { info: (m: string) => logs.push(`info ${m}`), warn: (m: string) => logs.push(`warn ${m}`), error: (m: string) => logs.push(`error ${m}`) };
  const request = (name: string, epochs: number): RunRequest => ({ modelText: model(name, epochs), outDir: root, backend: 'wasm', progressIntervalMs: 0 });

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'cnnlab-orch-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('trains one run: status bar, notification, log, panel events and the end message', async () => {
    const ui = new FakeUi();
    const live = new LiveRuns();
    const seen: TrainerEvent[] = [];
    live.subscribe({ onEvent: (_dir, e) => seen.push(e) });
    const orchestrator = new TrainingOrchestrator(inProcessTrainer(), ui, log, live);
    assert.equal(await orchestrator.submit({ label: 'one', request: request('one', 2) }), 'started');
    await until('the run to end', () => ui.ended.length === 1);
    assert.equal(ui.ended[0].status, 'done');
    assert.deepEqual(ui.starting, ['one']);
    assert.equal(ui.started.length, 1);
    assert.equal(live.isLive(ui.started[0]), false);
    assert.ok(ui.statuses.some((s) => /^\$\(sync~spin\) one · epoch 2\/2 · \d+% · loss \d\.\d{4}$/.test(s)), ui.statuses.slice(-3).join('\n'));
    assert.equal(ui.statusVisible, false);
    // Notification increments add up to 100% of the planned batches.
    const total = ui.notifications.reduce((n, r) => n + r.increment, 0);
    assert.ok(Math.abs(total - 100) < 0.5, `increments sum to ${total}`);
    assert.ok(seen.some((e) => e.type === 'progress' && e.metrics.kind === 'batch'));
    assert.ok(logs.some((l) => /^info one: epoch 2: loss/.test(l)), logs.join('\n'));
    assert.ok(logs.some((l) => l.startsWith('info one trained: test accuracy')));
  });

  it('asks when busy; "stop" stops the active run (keeping its checkpoints) and starts the next', async () => {
    const ui = new FakeUi('stop');
    const orchestrator = new TrainingOrchestrator(inProcessTrainer(), ui, log, new LiveRuns());
    await orchestrator.submit({ label: 'long', request: request('long', 50) });
    await until('the long run to start', () => ui.started.length === 1);
    assert.equal(await orchestrator.submit({ label: 'next', request: request('next', 1) }), 'replacing');
    assert.deepEqual(ui.questions, ['long→next']);
    await until('both runs to end', () => ui.ended.length === 2, 60_000);
    assert.deepEqual(ui.ended.map((s) => [s.model, s.status]), [['long', 'stopped'], ['next', 'done']]);
    assert.ok(ui.ended[0].epochsCompleted < 50);
  });

  it('"queue" runs the next after the active one; Cancel stops a run', async () => {
    const ui = new FakeUi('queue');
    const orchestrator = new TrainingOrchestrator(inProcessTrainer(), ui, log, new LiveRuns());
    await orchestrator.submit({ label: 'first', request: request('first', 30) });
    assert.equal(await orchestrator.submit({ label: 'second', request: request('second', 1) }), 'queued');
    assert.equal(orchestrator.pendingCount, 1);
    await until('the first run to start', () => ui.started.length === 1);
    ui.cancel?.();
    await until('both runs to end', () => ui.ended.length === 2, 60_000);
    assert.deepEqual(ui.ended.map((s) => [s.model, s.status]), [['first', 'stopped'], ['second', 'done']]);
  });

  it('does not start a model file with errors and reports its problems', async () => {
    const ui = new FakeUi();
    const orchestrator = new TrainingOrchestrator(inProcessTrainer(), ui, log, new LiveRuns());
    const broken = model('broken', 1).replace('Linear(144', 'Linear(999');
    await orchestrator.submit({ label: 'broken', request: { ...request('broken', 1), modelText: broken } });
    await until('the failure', () => ui.failures.length === 1);
    assert.ok(ui.failures[0].length > 0);
    assert.match(ui.failures[0][0], /^\d+:\d+: error: .+ \[[a-z-]+\]$/);
    assert.equal(ui.started.length, 0);
    assert.equal(orchestrator.busy, false);
  });
});

describe('run queue and progress texts', () => {
  it('runs one item at a time and continues after a failure', async () => {
    const order: string[] = [];
    const releases: Array<() => void> = [];
    const errors: string[] = [];
    const queue = new RunQueue<{ label: string }>(
      (item) => new Promise<void>((resolve, reject) => {
        order.push(item.label);
        releases.push(item.label === 'b' ? () => reject(new Error('boom')) : resolve);
      }),
      () => undefined,
      (item, e) => errors.push(`${item.label}: ${(e as Error).message}`),
    );
    await queue.submit({ label: 'a' }, async () => 'queue');
    await queue.submit({ label: 'b' }, async () => 'queue');
    await queue.submit({ label: 'c' }, async () => 'queue');
    assert.equal(await queue.submit({ label: 'x' }, async () => 'cancel'), 'cancelled');
    assert.deepEqual(order, ['a']);
    for (let i = 0; i < 3; i++) {
      releases[i]();
      await new Promise((r) => setImmediate(r));
    }
    assert.deepEqual(order, ['a', 'b', 'c']);
    assert.deepEqual(errors, ['b: boom']);
    assert.equal(queue.active, undefined);
  });

  it('formats progress, log lines and end messages', () => {
    const p = new RunProgress('m');
    assert.equal(p.statusText(), '$(sync~spin) m · starting…');
    p.apply({ type: 'started', runDir: '/r', backend: 'wasm', backendDescription: 'wasm (SIMD)', dataset: 'shapes', classes: ['a'], trainSamples: 100, validationSamples: 10, testSamples: 10, epochs: 4, batchesPerEpoch: 10 });
    p.apply({ type: 'progress', metrics: { kind: 'batch', epoch: 2, batch: 5, batches: 10, loss: 0.5, accuracy: 0.75, lr: 0.01, samplesPerSecond: 200, etaSeconds: 75, time: '' } });
    assert.equal(p.fraction, 15 / 40);
    assert.equal(p.statusText(), '$(sync~spin) m · epoch 2/4 · 37% · loss 0.5000');
    assert.equal(p.notificationMessage(), 'epoch 2/4 · batch 5/10 · loss 0.5000 · acc 75.0% · ETA 1m 15s');
    assert.equal(p.takeIncrement(), 37.5);
    assert.equal(p.takeIncrement(), 0);
    assert.equal(logLine({ type: 'progress', metrics: { kind: 'batch', epoch: 1, batch: 1, batches: 1, loss: 1, accuracy: 0, lr: 1, samplesPerSecond: 1, etaSeconds: 1, time: '' } }), undefined);
    assert.match(logLine({ type: 'progress', metrics: { kind: 'epoch', epoch: 3, loss: 0.2, accuracy: 0.9, valLoss: 0.25, valAccuracy: 0.88, lr: 0.001, seconds: 4.2, samplesPerSecond: 812.4, best: true, time: '' } }) ?? '', /^epoch 3: loss 0\.2000 acc 90\.00% · val_loss 0\.2500 val_acc 88\.00% · lr 0\.001 · 4\.2 s · 812 samples\/s · best$/);
    const summary = { model: 'm', status: 'stopped', epochs: 4, epochsCompleted: 1 } as RunSummary;
    assert.match(endMessage(summary), /stopped after 1\/4 epochs; best\/ and last\/ checkpoints kept/);
  });
});
