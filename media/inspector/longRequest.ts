/**
 * A request that may take a while, behind a Run/Cancel button and a progress bar: the button starts it, the same
 * button cancels it, and progress lands in the bar until the result (or the error) settles.
 */
import type { InspectRequest, InspectResult } from '../../src/protocol/inspect';
import type { TabContext } from './context';
import { button, progressBar } from './dom';

type Request = Exclude<InspectRequest, { kind: 'open' }>;

export class LongRequest {
  readonly button: HTMLButtonElement;
  readonly progress = progressBar();
  private running: number | undefined;

  constructor(private readonly ctx: TabContext, private readonly label: string, private readonly start: () => void) {
    this.button = button(label, () => (this.running !== undefined ? this.ctx.controller.cancel(this.running) : this.start()));
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Sends `request`; `unit` names what the progress counts ("steps", "images"). */
  run<K extends Request['kind']>(request: Extract<Request, { kind: K }>, unit: string): Promise<Extract<InspectResult, { kind: K }>> {
    const { id, result } = this.ctx.controller.request(request, (done, total) => this.progress.set(done / Math.max(1, total), `${done} / ${total} ${unit}`));
    this.running = id;
    this.button.textContent = 'Cancel';
    this.progress.set(0, 'Starting…');
    return result.finally(() => {
      this.running = undefined;
      this.button.textContent = this.label;
      this.progress.set(undefined);
    });
  }
}
