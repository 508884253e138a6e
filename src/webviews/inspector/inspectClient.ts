/**
 * The host side of inspection: sends InspectRequests to the trainer worker (all tensor work happens there)
 * through the shared MessageHandler, routes progress to the caller, and cancels on request. No vscode imports:
 * the port is whatever carries messages to the worker (the TrainerClient's worker in the extension).
 */
import type { FromInspectWorker, InspectPort, InspectRequest, InspectResult, ToInspectWorker } from '../../protocol/inspect';
import { isFromInspectWorker } from '../../protocol/inspectValidate';
import { MessageHandler } from '../../protocol/messageHandler';

export type { InspectPort };


export type ProgressListener = (done: number, total: number, message: string) => void;

/** One request in flight. */
export interface InspectTask {
  readonly taskId: string;
  readonly result: Promise<InspectResult>;
  cancel(): void;
}

export class InspectClient {
  private readonly handler: MessageHandler<ToInspectWorker, FromInspectWorker>;
  private readonly progress = new Map<string, ProgressListener>();
  private readonly unsubscribe: Array<() => void> = [];
  private nextTask = 1;

  constructor(private readonly port: InspectPort) {
    this.handler = new MessageHandler<ToInspectWorker, FromInspectWorker>((m) => port.post(m), isFromInspectWorker);
    this.handler.on('inspect-progress', (m) => this.progress.get(m.taskId)?.(m.done, m.total, m.message));
    this.unsubscribe.push(port.onMessage((raw) => {
      const type = (raw as { type?: unknown } | null)?.type;
      if (type === 'inspect-progress' || type === 'inspect-result') this.handler.receive(raw);
    }));
    if (port.onClose) this.unsubscribe.push(port.onClose((reason) => this.handler.failPending(reason)));
  }

  /** Sends a request; progress (occlusion, embeddings, dataset loading) goes to `onProgress`. */
  request(request: InspectRequest, onProgress?: ProgressListener): InspectTask {
    const taskId = `inspect-${this.nextTask++}`;
    if (onProgress) this.progress.set(taskId, onProgress);
    const result = this.handler
      .request<Extract<FromInspectWorker, { type: 'inspect-result' }>>({ type: 'inspect', taskId, request })
      .then((reply) => reply.result as InspectResult)
      .finally(() => this.progress.delete(taskId));
    return { taskId, result, cancel: () => this.port.post({ type: 'inspect-cancel', taskId }) };
  }

  dispose(): void {
    this.unsubscribe.forEach((u) => u());
    this.handler.failPending('the inspector was closed');
  }
}
