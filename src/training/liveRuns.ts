/**
 * The runs this window trains now, and a fan-out of their events to whoever follows a run folder (the training
 * panel, the runs view). Pure: no vscode.
 */
import type { RunResult, TrainerEvent } from '../protocol/trainer';

export interface LiveRunListener {
  onEvent?(runDir: string, event: TrainerEvent): void;
  onEnd?(runDir: string, result: RunResult | undefined): void;
}

export class LiveRuns {
  private readonly stops = new Map<string, () => void>();
  private readonly listeners = new Set<LiveRunListener>();

  /** Registers a run once its folder exists; `stop` asks it to stop. */
  begin(runDir: string, stop: () => void): void {
    this.stops.set(runDir, stop);
  }

  event(runDir: string, event: TrainerEvent): void {
    this.listeners.forEach((l) => l.onEvent?.(runDir, event));
  }

  end(runDir: string, result: RunResult | undefined): void {
    this.stops.delete(runDir);
    this.listeners.forEach((l) => l.onEnd?.(runDir, result));
  }

  isLive(runDir: string): boolean {
    return this.stops.has(runDir);
  }

  get dirs(): ReadonlySet<string> {
    return new Set(this.stops.keys());
  }

  /** Asks a live run to stop; false when it is not live here. */
  stop(runDir: string): boolean {
    const stop = this.stops.get(runDir);
    stop?.();
    return stop !== undefined;
  }

  /** Follows every live run; returns the unsubscribe function. */
  subscribe(listener: LiveRunListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
