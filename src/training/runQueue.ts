/**
 * One run trains at a time. A request while a run is active asks the user (through `askWhenBusy`) to queue it
 * or to stop the active run and start it next. Pure: no vscode, the runner and the question are injected.
 */

/** The answer to "a run is already training". */
export type BusyChoice = 'queue' | 'stop' | 'cancel';

export type SubmitOutcome = 'started' | 'queued' | 'replacing' | 'cancelled';

export interface QueueItem {
  /** Shown in questions and the log, e.g. the model name. */
  label: string;
}

export class RunQueue<T extends QueueItem> {
  private running: T | undefined;
  private readonly waiting: T[] = [];

  /**
   * @param run trains one item; resolves (or rejects) when it ended.
   * @param stopActive asks the active run to stop.
   * @param onError reports a failure of `run` (the queue goes on with the next item).
   */
  constructor(
    private readonly run: (item: T) => Promise<void>,
    private readonly stopActive: () => void,
    private readonly onError: (item: T, error: unknown) => void = () => undefined,
  ) {}

  get active(): T | undefined {
    return this.running;
  }

  get pending(): readonly T[] {
    return this.waiting;
  }

  /** Starts `item` now, or asks what to do while another run trains. */
  async submit(item: T, askWhenBusy: (active: T, item: T) => Promise<BusyChoice>): Promise<SubmitOutcome> {
    if (!this.running) {
      this.startNext(item);
      return 'started';
    }
    const choice = await askWhenBusy(this.running, item);
    // The active run may have ended while the question was open.
    if (choice === 'cancel') return 'cancelled';
    if (!this.running) {
      this.startNext(item);
      return 'started';
    }
    if (choice === 'queue') {
      this.waiting.push(item);
      return 'queued';
    }
    this.waiting.unshift(item);
    this.stopActive();
    return 'replacing';
  }

  private startNext(item: T): void {
    this.running = item;
    void this.run(item)
      .catch((error) => this.onError(item, error))
      .finally(() => {
        this.running = undefined;
        const next = this.waiting.shift();
        if (next) this.startNext(next);
      });
  }
}
