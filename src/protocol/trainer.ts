/**
 * The host ⇄ trainer-worker protocol, as data: one interface per message, a union per direction, string-literal
 * `type`s so that logs read well. The engine's own events (TrainerEvent) are the worker's messages minus the
 * run id, so the CLI (in-process) and the worker report the same things.
 */
import type { EvaluateRequest, EvaluateResult, MetricRecord, RunRequest, RunSummary } from './runTypes';
import type { SampleStrip } from './sampleStrip';

/** Result of a finished run (done, stopped, or failed after the run folder existed). */
export interface RunResult {
  runDir: string;
  summary: RunSummary;
}

// ---- events of a run (engine → whoever runs it) ----

export interface StartedEvent {
  type: 'started';
  runDir: string;
  backend: string;
  backendDescription: string;
  dataset: string;
  classes: string[];
  trainSamples: number;
  validationSamples: number;
  testSamples: number;
  epochs: number;
  batchesPerEpoch: number;
}

/** Per-batch (throttled) and per-epoch metrics; `metrics.kind` tells which. */
export interface ProgressEvent {
  type: 'progress';
  metrics: MetricRecord;
}

/** An evaluation pass begins: validation after epoch `epoch`, or the test pass (with the best weights). */
export interface PhaseEvent {
  type: 'phase';
  phase: 'validation' | 'test';
  epoch: number;
  samples: number;
}

export interface LogEvent {
  type: 'log';
  level: 'info' | 'warning';
  message: string;
}

/** After an epoch's validation pass, for tasks that declare a strip (src/model/tasks views.epochSamples). */
export interface SamplesEvent {
  type: 'samples';
  strip: SampleStrip;
}

export type TrainerEvent = StartedEvent | ProgressEvent | PhaseEvent | LogEvent | SamplesEvent;

/**
 * Every TrainerEvent type, for whoever relays a run's events (the host's TrainerClient): a new event type that is
 * missing here fails to compile instead of being dropped silently on its way to the panels.
 */
export const TRAINER_EVENT_TYPES = Object.keys({ started: true, progress: true, phase: true, log: true, samples: true } satisfies Record<TrainerEvent['type'], true>) as Array<TrainerEvent['type']>;

// ---- host → worker ----

export interface StartMessage {
  type: 'start';
  runId: string;
  request: RunRequest;
}

/** Evaluates a run's checkpoint on its test set; queued like a run, cancelled by a `stop` with the same id. */
export interface EvaluateMessage {
  type: 'evaluate';
  runId: string;
  request: EvaluateRequest;
}

/** Stops a run (after its current batch) or cancels an evaluation. */
export interface StopMessage {
  type: 'stop';
  runId: string;
}

export type ToWorker = StartMessage | EvaluateMessage | StopMessage;

// ---- worker → host ----

/** The worker is listening (sent once, after its module loaded). */
export interface ReadyMessage {
  type: 'ready';
}

export type RunEventMessage = TrainerEvent & { runId: string };

export interface DoneMessage {
  type: 'done';
  runId: string;
  result: RunResult;
}

/** How far an evaluation got: a status line and, while the test pass runs, test images done out of total. */
export interface EvaluationProgressMessage {
  type: 'evaluation-progress';
  runId: string;
  message: string;
  done?: number;
  total?: number;
}

/** An evaluation finished; its figures are in the run's summary.json. */
export interface EvaluatedMessage {
  type: 'evaluated';
  runId: string;
  result: EvaluateResult;
}

/** A run could not start or failed before it had a run folder; `runId` is null for protocol errors. */
export interface ErrorMessage {
  type: 'error';
  runId: string | null;
  message: string;
  /** Model-file diagnostics, formatted `line:col severity message`, when the model file has errors. */
  diagnostics?: string[];
}

export type FromWorker = ReadyMessage | RunEventMessage | DoneMessage | EvaluationProgressMessage | EvaluatedMessage | ErrorMessage;
