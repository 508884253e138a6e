/**
 * The inspector inside the trainer worker: accepts `inspect` / `inspect-cancel` messages, answers each request
 * with an `inspect-result` (result or error) in arrival order, and forwards progress. Messages of other types are
 * left to the trainer's own handler (see `receive`).
 */
import type { FromInspectWorker, InspectRequestMessage, ToInspectWorker } from '../../protocol/inspect';
import { isToInspectWorker } from '../../protocol/inspectValidate';
import { MessageHandler } from '../../protocol/messageHandler';
import { InspectorSession, type BackendProvider } from './inspectorSession';

export interface InspectWorkerBridge {
  /** Handles an inspector message and returns true; returns false for any other message. */
  receive(raw: unknown): boolean;
  dispose(): void;
}

/** Wires an InspectorSession to a message transport (`post` sends to the host). */
export function createInspectWorker(post: (message: FromInspectWorker) => void, backend: BackendProvider): InspectWorkerBridge {
  const session = new InspectorSession(backend);
  const cancelled = new Set<string>();
  const handler = new MessageHandler<FromInspectWorker, ToInspectWorker>(post, isToInspectWorker, (raw) => {
    const replyTo = (raw as { requestId?: unknown })?.requestId;
    if (typeof replyTo === 'string') post({ type: 'inspect-result', replyTo, error: 'invalid inspect request' });
  });
  // One request at a time: they share the session's state (the current input) and the backend.
  let queue: Promise<void> = Promise.resolve();

  const answer = async (message: InspectRequestMessage): Promise<void> => {
    const replyTo = message.requestId ?? '';
    const { taskId } = message;
    try {
      if (cancelled.has(taskId)) throw new Error('cancelled');
      const result = await session.handle(message.request, {
        onProgress: (done, total, text) => post({ type: 'inspect-progress', taskId, done, total, message: text }),
        shouldStop: () => cancelled.has(taskId),
      });
      post({ type: 'inspect-result', replyTo, result });
    } catch (err) {
      post({ type: 'inspect-result', replyTo, error: err instanceof Error ? err.message : String(err) });
    } finally {
      cancelled.delete(taskId);
    }
  };

  handler.on('inspect', (message) => {
    queue = queue.then(() => answer(message));
  });
  handler.on('inspect-cancel', (message) => cancelled.add(message.taskId));

  return {
    receive(raw: unknown): boolean {
      const type = (raw as { type?: unknown } | null)?.type;
      if (type !== 'inspect' && type !== 'inspect-cancel') return false;
      handler.receive(raw);
      return true;
    },
    dispose: () => session.dispose(),
  };
}
