/**
 * The host side of the trainer: starts the ONE long-lived worker lazily (tfjs-node fails in a second worker of
 * the same process), queues runs (and evaluations of runs' checkpoints) through it, turns its messages into typed events, and survives a worker crash:
 * the crash is reported (event + the run's promise rejects) and the next run starts a fresh worker. The inspector
 * shares the worker through inspectPort(): its messages are routed apart from the trainer's.
 */
import { Worker } from 'node:worker_threads';
import type { ToInspectWorker } from '../protocol/inspect';
import { MessageHandler } from '../protocol/messageHandler';
import { previewMessage } from '../protocol/preview';
import type { EvaluateRequest, EvaluateResult, RunRequest } from '../protocol/runTypes';
import { TRAINER_EVENT_TYPES, type EvaluateMessage, type EvaluationProgressMessage, type FromWorker, type RunEventMessage, type RunResult, type StartMessage, type ToWorker } from '../protocol/trainer';
import { isFromWorker } from '../protocol/validate';
import type { InspectPort } from '../protocol/inspect';

/** What listeners receive: the worker's run events, and crashes. */
export type TrainerClientEvent = RunEventMessage | { type: 'crashed'; runId: string | null; message: string };

/** A run that failed (the error message names the reason; model-file diagnostics come formatted). */
export class TrainingError extends Error {
  constructor(message: string, readonly diagnostics: string[] = []) {
    super(message);
    this.name = 'TrainingError';
  }
}

/** A queued or running training run. */
export interface TrainingRun {
  readonly runId: string;
  /** Resolves with the run folder and summary (done, stopped or failed in training); rejects when it could not run. */
  readonly done: Promise<RunResult>;
  /** Asks the run to stop after the current batch (or removes it from the queue). */
  stop(): void;
}

export interface TrainerClientOptions {
  /** The worker script: dist/worker.js in the extension (tests use a bootstrap that registers tsx first). */
  workerPath: string;
  execArgv?: string[];
  /** Diagnostic lines (worker start/exit). */
  log?: (message: string) => void;
}

/** A queued or running evaluation of a run's checkpoint. */
export interface EvaluationJob {
  readonly runId: string;
  /** Resolves when the figures are in the run's summary.json; rejects when it failed or was cancelled. */
  readonly done: Promise<EvaluateResult>;
  /** Cancels it (between batches, or at once while queued); the run is left as it was. */
  cancel(): void;
}

export type EvaluationProgress = Omit<EvaluationProgressMessage, 'type' | 'runId'>;

/** A run or an evaluation: what starts it in the worker and how its end settles. */
interface Job {
  runId: string;
  message: StartMessage | EvaluateMessage;
  resolve: (result: RunResult | EvaluateResult) => void;
  reject: (error: Error) => void;
  onProgress?: (progress: EvaluationProgress) => void;
}

export class TrainerClient {
  private worker: Worker | undefined;
  private handler: MessageHandler<ToWorker, FromWorker> | undefined;
  private readonly queue: Job[] = [];
  private active: Job | undefined;
  private readonly listeners = new Set<(event: TrainerClientEvent) => void>();
  private readonly inspectListeners = new Set<(raw: unknown) => void>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  private nextId = 1;
  private disposed = false;

  constructor(private readonly options: TrainerClientOptions) {}

  /** Subscribes to run events and crash reports; returns the unsubscribe function. */
  onEvent(listener: (event: TrainerClientEvent) => void): () => void {
    return subscribe(this.listeners, listener);
  }

  /**
   * The inspector's channel to the same worker (tfjs loads once): requests go straight in (they run between
   * training batches), `inspect-*` replies come out to `onMessage`, and a crash or disposal calls `onClose`.
   */
  inspectPort(): InspectPort {
    return {
      post: (message: ToInspectWorker) => {
        if (this.disposed) throw new Error('the trainer client was disposed');
        this.ensureWorker();
        this.worker?.postMessage(message);
      },
      onMessage: (listener) => subscribe(this.inspectListeners, listener),
      onClose: (listener) => subscribe(this.closeListeners, listener),
    };
  }

  /** Queues a run; it starts when the worker is free. */
  start(request: RunRequest): TrainingRun {
    const { runId, done } = this.enqueue<RunResult>((id) => ({ type: 'start', runId: id, request }));
    return { runId, done, stop: () => this.stop(runId) };
  }

  /** Queues the test pass of a run's checkpoint (after runs queued before it); progress goes to `onProgress`. */
  evaluate(request: EvaluateRequest, onProgress?: (progress: EvaluationProgress) => void): EvaluationJob {
    const { runId, done } = this.enqueue<EvaluateResult>((id) => ({ type: 'evaluate', runId: id, request }), onProgress);
    return { runId, done, cancel: () => this.stop(runId) };
  }

  private enqueue<T extends RunResult | EvaluateResult>(message: (runId: string) => Job['message'], onProgress?: Job['onProgress']): { runId: string; done: Promise<T> } {
    if (this.disposed) throw new Error('the trainer client was disposed');
    const runId = `run-${Date.now().toString(36)}-${this.nextId++}`;
    let job!: Job;
    const done = new Promise<T>((resolve, reject) => {
      job = { runId, message: message(runId), resolve: (result) => resolve(result as T), reject, onProgress };
    });
    this.queue.push(job);
    this.pump();
    return { runId, done };
  }

  /** Stops a run: the active one after its current batch, a queued one at once. */
  stop(runId: string): void {
    const queued = this.queue.findIndex((j) => j.runId === runId);
    if (queued >= 0) {
      this.queue.splice(queued, 1)[0].reject(new TrainingError('the run was stopped before it started'));
    } else if (this.active?.runId === runId) {
      this.handler?.send({ type: 'stop', runId });
    }
  }

  /** Whether a run is in progress, and how many wait. */
  get busy(): boolean {
    return this.active !== undefined;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Terminates the worker; pending runs reject. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const reason = new TrainingError('the trainer was shut down');
    this.queue.splice(0).forEach((j) => j.reject(reason));
    this.active?.reject(reason);
    this.active = undefined;
    const worker = this.worker;
    this.worker = undefined;
    this.handler = undefined;
    this.closeListeners.forEach((listener) => listener('the trainer was shut down'));
    if (worker) await worker.terminate();
  }

  private pump(): void {
    if (this.active || this.queue.length === 0 || this.disposed) return;
    const job = this.queue.shift() as Job;
    this.active = job;
    this.ensureWorker().send(job.message);
  }

  private ensureWorker(): MessageHandler<ToWorker, FromWorker> {
    if (this.worker && this.handler) return this.handler;
    const worker = new Worker(this.options.workerPath, { execArgv: this.options.execArgv });
    const handler = new MessageHandler<ToWorker, FromWorker>((m) => worker.postMessage(m), isFromWorker, (raw) =>
      this.options.log?.(`trainer worker sent an invalid message: ${previewMessage(raw)}`),
    );
    worker.on('message', (raw: unknown) => {
      if (isInspectMessage(raw)) this.inspectListeners.forEach((listener) => listener(raw));
      else handler.receive(raw);
    });
    worker.on('error', (err) => this.crashed(worker, `the trainer worker crashed: ${err.message}`));
    worker.on('exit', (code) => this.crashed(worker, `the trainer worker exited unexpectedly (code ${code})`));
    for (const type of TRAINER_EVENT_TYPES) handler.on(type, (m) => this.emit(m));
    handler.on('done', (m) => this.finish(m.runId, (job) => job.resolve(m.result)));
    handler.on('evaluated', (m) => this.finish(m.runId, (job) => job.resolve(m.result)));
    handler.on('evaluation-progress', ({ type: _type, runId, ...progress }) => {
      if (this.active?.runId === runId) this.active.onProgress?.(progress);
    });
    handler.on('error', (m) => {
      if (m.runId === null) this.options.log?.(m.message);
      else this.finish(m.runId, (job) => job.reject(new TrainingError(m.message, m.diagnostics)));
    });
    this.worker = worker;
    this.handler = handler;
    this.options.log?.(`trainer worker started (${this.options.workerPath})`);
    return handler;
  }

  private finish(runId: string, settle: (job: Job) => void): void {
    if (this.active?.runId !== runId) return;
    const job = this.active;
    this.active = undefined;
    settle(job);
    this.pump();
  }

  /** The worker died: report it, fail its run, and let the next run start a fresh worker. */
  private crashed(worker: Worker, message: string): void {
    if (worker !== this.worker) return;
    this.worker = undefined;
    this.handler = undefined;
    const job = this.active;
    this.active = undefined;
    this.options.log?.(message);
    this.emit({ type: 'crashed', runId: job?.runId ?? null, message });
    this.closeListeners.forEach((listener) => listener(message));
    job?.reject(new TrainingError(message));
    this.pump();
  }

  private emit(event: TrainerClientEvent): void {
    this.listeners.forEach((listener) => listener(event));
  }
}

/** The inspector's replies (src/protocol/inspect.ts), which the trainer's validator does not know. */
function isInspectMessage(raw: unknown): boolean {
  const type = (raw as { type?: unknown } | null)?.type;
  return type === 'inspect-progress' || type === 'inspect-result';
}

function subscribe<T>(set: Set<T>, listener: T): () => void {
  set.add(listener);
  return () => set.delete(listener);
}
