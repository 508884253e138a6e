/**
 * A small typed message helper for any postMessage transport (worker_threads, webviews): validates what arrives,
 * dispatches by `type`, waits for the peer's `ready`, and offers request/response with error replies for
 * protocols that need it (a request carries `requestId`; the answer carries the same `replyTo`).
 */

export interface Message {
  type: string;
}

export type Disposer = () => void;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** Typed sending and receiving over one transport. `TOut` is what we send, `TIn` what we accept. */
export class MessageHandler<TOut extends Message, TIn extends Message> {
  private readonly handlers = new Map<string, Set<(message: TIn) => void>>();
  private readonly pending = new Map<string, Pending>();
  private nextRequest = 1;
  private readyResolve: (() => void) | undefined;
  /** Resolves when the peer sent `{ type: 'ready' }`. */
  readonly ready: Promise<void>;

  constructor(
    private readonly post: (message: TOut) => void,
    private readonly accept: (message: unknown) => message is TIn,
    private readonly onInvalid: (message: unknown) => void = () => undefined,
  ) {
    this.ready = new Promise((resolve) => (this.readyResolve = resolve));
  }

  send(message: TOut): void {
    this.post(message);
  }

  /** Registers a handler for one message type; returns its disposer. */
  on<K extends TIn['type']>(type: K, handler: (message: Extract<TIn, { type: K }>) => void): Disposer {
    const set = this.handlers.get(type) ?? new Set();
    const wrapped = handler as (message: TIn) => void;
    set.add(wrapped);
    this.handlers.set(type, set);
    return () => set.delete(wrapped);
  }

  /** Feeds one raw incoming message (wire this to the transport's message event). */
  receive(raw: unknown): void {
    if (!this.accept(raw)) {
      this.onInvalid(raw);
      return;
    }
    if (raw.type === 'ready') this.readyResolve?.();
    const replyTo = (raw as { replyTo?: unknown }).replyTo;
    if (typeof replyTo === 'string' && this.pending.has(replyTo)) {
      const pending = this.pending.get(replyTo) as Pending;
      this.pending.delete(replyTo);
      const error = (raw as { error?: unknown }).error;
      if (typeof error === 'string') pending.reject(new Error(error));
      else pending.resolve(raw);
      return;
    }
    this.handlers.get(raw.type)?.forEach((handler) => handler(raw));
  }

  /** Sends a request and resolves with the message whose `replyTo` is its `requestId` (rejects on `error`). */
  request<R extends TIn>(message: TOut & { requestId?: string }): Promise<R> {
    const requestId = `r${this.nextRequest++}`;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(requestId, { resolve: resolve as (value: unknown) => void, reject });
      this.post({ ...message, requestId });
    });
  }

  /** Rejects every pending request (the transport closed). */
  failPending(reason: string): void {
    this.pending.forEach((p) => p.reject(new Error(reason)));
    this.pending.clear();
  }
}
