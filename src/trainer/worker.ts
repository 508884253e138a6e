/**
 * The trainer worker (bundled to dist/worker.js): one long-lived worker_threads thread that runs one training (or
 * one evaluation of a run's checkpoint) at a time for the host's TrainerClient. A pure message switch on top, the transport wiring at the bottom.
 */
import { parentPort } from 'node:worker_threads';
import { MessageHandler } from '../protocol/messageHandler';
import { previewMessage } from '../protocol/preview';
import type { EvaluateMessage, FromWorker, StartMessage, ToWorker } from '../protocol/trainer';
import { isToWorker } from '../protocol/validate';
import { formatDiagnostic } from '../model/report/formatDiagnostic';
import { evaluateRun } from './engine/evaluateRun';
import { ModelFileError, runTraining } from './engine/session';
import { createInspectWorker } from '../inspect/session/workerBridge';
import { initBackend } from './backend';

interface ActiveRun {
  runId: string;
  stopRequested: boolean;
  /** Cancels an evaluation. */
  cancel?: AbortController;
}

/** Handles the host's messages; `post` sends to the host. */
function createTrainerWorker(post: (message: FromWorker) => void): MessageHandler<FromWorker, ToWorker> {
  const handler = new MessageHandler<FromWorker, ToWorker>(post, isToWorker, (raw) =>
    post({ type: 'error', runId: null, message: `trainer worker: invalid message ${previewMessage(raw)}` }),
  );
  let active: ActiveRun | null = null;

  const start = async (message: StartMessage): Promise<void> => {
    const { runId } = message;
    if (active) {
      post({ type: 'error', runId, message: `the trainer is busy with run ${active.runId}` });
      return;
    }
    const run: ActiveRun = { runId, stopRequested: false };
    active = run;
    try {
      const result = await runTraining(message.request, {
        onEvent: (event) => post({ ...event, runId }),
        shouldStop: () => run.stopRequested,
      });
      post({ type: 'done', runId, result });
    } catch (err) {
      const diagnostics = err instanceof ModelFileError ? err.diagnostics.map((d) => formatDiagnostic(d)) : undefined;
      post({ type: 'error', runId, message: err instanceof Error ? err.message : String(err), diagnostics });
    } finally {
      active = null;
    }
  };

  const evaluate = async (message: EvaluateMessage): Promise<void> => {
    const { runId, request } = message;
    if (active) {
      post({ type: 'error', runId, message: `the trainer is busy with run ${active.runId}` });
      return;
    }
    const cancel = new AbortController();
    active = { runId, stopRequested: false, cancel };
    try {
      const backend = await initBackend(request.backend ?? 'auto', { extraModulePaths: request.extraModulePaths });
      const result = await evaluateRun(backend.tf, request, {
        signal: cancel.signal,
        onProgress: (text, done, total) => post({ type: 'evaluation-progress', runId, message: text, done, total }),
      });
      post({ type: 'evaluated', runId, result });
    } catch (err) {
      post({ type: 'error', runId, message: err instanceof Error ? err.message : String(err) });
    } finally {
      active = null;
    }
  };

  handler.on('start', (message) => void start(message));
  handler.on('evaluate', (message) => void evaluate(message));
  handler.on('stop', (message) => {
    if (active?.runId !== message.runId) return;
    active.stopRequested = true;
    active.cancel?.abort();
  });
  return handler;
}

if (parentPort) {
  const port = parentPort;
  const handler = createTrainerWorker((message) => port.postMessage(message));
  // Inspector requests (src/protocol/inspect.ts) share this one worker and its tfjs; everything else is the trainer's.
  const inspector = createInspectWorker((message) => port.postMessage(message), (choice, extra) => initBackend(choice, { extraModulePaths: extra }));
  port.on('message', (raw: unknown) => inspector.receive(raw) || handler.receive(raw));
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}
