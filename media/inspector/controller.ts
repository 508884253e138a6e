/**
 * The Inspector page's logic without the DOM: validates host messages, numbers requests and settles them with
 * their results, routes progress, and remembers the run folder (setState) so the panel survives reloads.
 * Tested with a fake webview API.
 */
import type { InspectorWebviewState, InspectRequest, InspectResult, RunInfo, ToInspectorWebview, FromInspectorWebview } from '../../src/protocol/inspect';
import { isToInspectorWebview } from '../../src/protocol/inspectValidate';
import { MessageHandler } from '../../src/protocol/messageHandler';
import type { WebviewApi } from '../webviewApi';

/** What the controller asks the page to do (besides settling requests). */
export interface InspectorView {
  showRun(info: RunInfo): void;
  showEmpty(message: string): void;
  /** Progress of opening the run (loading the model and dataset). */
  showLoading(message: string): void;
  showLayer(layer: number): void;
  showError(message: string): void;
}

export type ProgressHandler = (done: number, total: number, message: string) => void;
type Request = Exclude<InspectRequest, { kind: 'open' }>;

interface Pending {
  resolve(result: InspectResult): void;
  reject(error: Error): void;
  onProgress?: ProgressHandler;
}

export class InspectorController {
  private readonly messages: MessageHandler<FromInspectorWebview, ToInspectorWebview>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  info: RunInfo | undefined;

  constructor(
    private readonly api: WebviewApi<InspectorWebviewState>,
    private readonly view: InspectorView,
    warn: (message: string) => void = () => undefined,
  ) {
    this.messages = new MessageHandler<FromInspectorWebview, ToInspectorWebview>((m) => api.postMessage(m), isToInspectorWebview, (raw) => warn(`Inspector: ignored a malformed message ${String((raw as { type?: unknown })?.type)}`));
    this.messages.on('run', (m) => {
      this.info = m.info;
      this.api.setState({ runDir: m.info.runDir });
      this.view.showRun(m.info);
    });
    this.messages.on('empty', (m) => this.view.showEmpty(m.message));
    this.messages.on('showLayer', (m) => this.view.showLayer(m.layer));
    this.messages.on('progress', (m) => {
      if (m.id === 0) this.view.showLoading(m.message);
      else this.pending.get(m.id)?.onProgress?.(m.done, m.total, m.message);
    });
    this.messages.on('result', (m) => this.settle(m.id, (p) => p.resolve(m.result)));
    this.messages.on('error', (m) => {
      if (m.id === null || !this.pending.has(m.id)) this.view.showError(m.message);
      else this.settle(m.id, (p) => p.reject(new Error(m.message)));
    });
  }

  /** Tells the host the page is listening. */
  start(): void {
    this.messages.send({ type: 'ready' });
  }

  receive(raw: unknown): void {
    this.messages.receive(raw);
  }

  /** Sends a request; resolves with its result (rejects with the worker's message). */
  request<K extends Request['kind']>(request: Extract<Request, { kind: K }>, onProgress?: ProgressHandler): { id: number; result: Promise<Extract<InspectResult, { kind: K }>> } {
    const id = this.nextId++;
    const result = this.track(id, onProgress);
    this.messages.send({ type: 'request', id, request });
    return { id, result: result as Promise<Extract<InspectResult, { kind: K }>> };
  }

  /** Asks the host for an image file; resolves with the input result once one is picked (rejects if none is). */
  pickFile(topK: number): Promise<Extract<InspectResult, { kind: 'input' }>> {
    const id = this.nextId++;
    const result = this.track(id);
    this.messages.send({ type: 'pickFile', id, topK });
    return result as Promise<Extract<InspectResult, { kind: 'input' }>>;
  }

  cancel(id: number): void {
    this.messages.send({ type: 'cancel', id });
  }

  revealLayer(layer: number): void {
    this.messages.send({ type: 'revealLayer', layer });
  }

  private track(id: number, onProgress?: ProgressHandler): Promise<InspectResult> {
    return new Promise<InspectResult>((resolve, reject) => this.pending.set(id, { resolve, reject, onProgress }));
  }

  private settle(id: number, how: (p: Pending) => void): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    how(p);
  }
}
