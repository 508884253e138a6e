/**
 * What "Train Model" needs from the trainer: start a run, receive its events, stop it, await its result.
 * The extension adapts the worker's TrainerClient to this; tests can run the engine in-process behind it.
 */
import type { RunRequest } from '../protocol/runTypes';
import type { RunResult, TrainerEvent } from '../protocol/trainer';

export interface RunHandle {
  /** Asks the run to stop within one batch (best/ and last/ are kept). */
  stop(): void;
  /** Settles when the run ended: done, stopped or failed with a run folder; rejects when it could not start. */
  readonly result: Promise<RunResult>;
}

export interface TrainerPort {
  start(request: RunRequest, onEvent: (event: TrainerEvent) => void): RunHandle;
}

/** A run that could not start because the model file has errors (diagnostics formatted `line:col: severity: message [code]`). */
export interface StartFailure {
  message: string;
  diagnostics: string[];
}

/** Reads the diagnostics an engine or worker error carries, if any. */
export function startFailure(error: unknown): StartFailure {
  const message = error instanceof Error ? error.message : String(error);
  const raw = (error as { diagnostics?: unknown } | null)?.diagnostics;
  const diagnostics = Array.isArray(raw) ? raw.map((d) => (typeof d === 'string' ? d : formatDiagnosticLike(d))).filter(Boolean) : [];
  return { message, diagnostics };
}

function formatDiagnosticLike(d: unknown): string {
  const v = d as { message?: unknown; range?: { start?: { line?: unknown; character?: unknown } } } | null;
  if (!v || typeof v.message !== 'string') return '';
  const line = typeof v.range?.start?.line === 'number' ? v.range.start.line + 1 : 0;
  const col = typeof v.range?.start?.character === 'number' ? v.range.start.character + 1 : 0;
  return `${line}:${col} ${v.message}`;
}
