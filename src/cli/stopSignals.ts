/**
 * How `cnnlab train` ends on a signal: Ctrl-C (SIGINT), SIGTERM (timeout, docker stop, CI cancellation) and SIGHUP
 * (a closed terminal) ask the run to stop after the current batch of whatever pass runs; a second signal records
 * the run as stopped (its checkpoints are those of the last finished epoch) and exits at once with 128 + the
 * signal's number.
 */
import type { OpenRun } from '../trainer/engine/session';

const STOP_SIGNALS = { SIGINT: 2, SIGHUP: 1, SIGTERM: 15 } as const;
type StopSignal = keyof typeof STOP_SIGNALS;

export class StopSignals {
  requested = false;
  private run: OpenRun | undefined;
  private readonly handlers = (Object.keys(STOP_SIGNALS) as StopSignal[]).map((signal) => {
    const handler = (): void => this.receive(signal);
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });

  /** `say` prints a line for the user; `exit` ends the process (tests pass a fake). */
  constructor(private readonly say: (line: string) => void, private readonly exit: (code: number) => void = (code) => process.exit(code)) {}

  /** The run folder exists: a second signal records it as stopped before exiting. */
  attach(run: OpenRun): void {
    this.run = run;
  }

  /**
   * The run has ended but the process has not exited yet (report, engine teardown): a signal in that window quits at
   * once with 128 + its number instead of killing the process by the default action mid-write.
   */
  ended(): void {
    this.run = undefined;
    this.requested = true;
  }

  dispose(): void {
    this.handlers.forEach((off) => off());
  }

  private receive(signal: StopSignal): void {
    const name = signal === 'SIGINT' ? 'Ctrl-C' : signal;
    if (!this.requested) {
      this.requested = true;
      this.say(`${name}: stopping after this batch (${name === 'Ctrl-C' ? 'Ctrl-C' : 'the same signal'} again to quit at once)…`);
      return;
    }
    this.run?.abandon(`${name} twice: ended before the current pass finished`);
    this.say(this.run ? `${name}: quit; ${this.run.dir} keeps the checkpoints of the last finished epoch` : `${name}: quit`);
    this.exit(128 + STOP_SIGNALS[signal]);
  }
}
