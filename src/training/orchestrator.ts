/**
 * "Train Model" without VS Code: queue the request (one run at a time; ask to queue or stop when busy), start it
 * on the trainer, keep the status bar text, the progress notification and the log up to date from its events,
 * fan the events out to the panels, and report how it ended. The VS Code side (trainCommand.ts) supplies the UI
 * through TrainingUi; tests supply a fake one and the real engine.
 */
import type { TaskName } from '../model/tasks/types';
import type { RunRequest, RunSummary } from '../protocol/runTypes';
import type { RunResult, TrainerEvent } from '../protocol/trainer';
import type { LiveRuns } from './liveRuns';
import { RateLimit } from './rateLimit';
import { endMessage, logLine, RunProgress } from './runProgress';
import { RunQueue, type BusyChoice, type SubmitOutcome } from './runQueue';
import { startFailure, type StartFailure, type TrainerPort } from './trainerPort';

/** How often the status bar and the progress notification may change. */
const UI_INTERVAL_MS = 250;

export interface TrainJob {
  /** The model's name (status bar, questions, log). */
  label: string;
  /** The model file's task, for the panel of the starting run (its charts); absent: classification. */
  task?: TaskName;
  request: RunRequest;
}

/** The progress notification of one run. */
export interface ProgressReporter {
  report(message: string, increment: number): void;
}

export interface TrainingUi {
  askWhenBusy(active: TrainJob, next: TrainJob): Promise<BusyChoice>;
  /** Shows a cancellable progress notification while `task` runs; `onCancel` is called on Cancel. */
  withProgress(title: string, onCancel: () => void, task: (progress: ProgressReporter) => Promise<void>): Promise<void>;
  showStatus(text: string, tooltip: string): void;
  hideStatus(): void;
  /** The run is about to start (dataset loading, backend start): open its training panel early. */
  runStarting(job: TrainJob): void;
  /** The run folder exists: show it in the training panel. */
  runStarted(runDir: string): void;
  runEnded(summary: RunSummary, runDir: string): void;
  startFailed(job: TrainJob, failure: StartFailure): void;
}

export interface TrainingLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export class TrainingOrchestrator {
  private readonly queue: RunQueue<TrainJob>;
  private stopCurrent: (() => void) | undefined;

  constructor(
    private readonly trainer: TrainerPort,
    private readonly ui: TrainingUi,
    private readonly log: TrainingLog,
    private readonly live: LiveRuns,
  ) {
    this.queue = new RunQueue<TrainJob>(
      (job) => this.run(job),
      () => this.stopActive(),
      (job, error) => this.log.error(`${job.label}: ${String(error)}`),
    );
  }

  /** Starts a run now, or asks whether to queue it or stop the active one. */
  async submit(job: TrainJob): Promise<SubmitOutcome> {
    const outcome = await this.queue.submit(job, (active, next) => this.ui.askWhenBusy(active, next));
    if (outcome === 'queued') this.log.info(`${job.label}: queued after ${this.queue.active?.label ?? 'the active run'}`);
    if (outcome === 'replacing') this.log.info(`${job.label}: stopping ${this.queue.active?.label ?? 'the active run'} first`);
    return outcome;
  }

  /** Asks the active run to stop (best/ and last/ are kept); false when nothing trains. */
  stopActive(): boolean {
    if (!this.stopCurrent) return false;
    this.stopCurrent();
    return true;
  }

  get busy(): boolean {
    return this.queue.active !== undefined;
  }

  get pendingCount(): number {
    return this.queue.pending.length;
  }

  private async run(job: TrainJob): Promise<void> {
    const progress = new RunProgress(job.label);
    let reporter: ProgressReporter | undefined;
    // A few times a second: every event would cross to the workbench (rateLimit.ts). Increments add up meanwhile.
    const shown = new RateLimit(() => {
      this.ui.showStatus(progress.statusText(), progress.tooltip());
      reporter?.report(progress.notificationMessage(), progress.takeIncrement());
    }, UI_INTERVAL_MS);
    const onEvent = (event: TrainerEvent): void => {
      progress.apply(event);
      const line = logLine(event);
      if (line && event.type === 'log' && event.level === 'warning') this.log.warn(`${job.label}: ${line}`);
      else if (line) this.log.info(`${job.label}: ${line}`);
      if (event.type === 'started') {
        this.live.begin(event.runDir, () => handle.stop());
        this.ui.runStarted(event.runDir);
      }
      if (progress.runDir) this.live.event(progress.runDir, event);
      shown.request();
    };
    this.log.info(`${job.label}: starting (${job.request.modelPath ?? 'unsaved model'})`);
    this.ui.runStarting(job);
    const handle = this.trainer.start(job.request, onEvent);
    this.stopCurrent = () => handle.stop();
    shown.request();
    let result: RunResult | undefined;
    try {
      await this.ui.withProgress(`Training ${job.label}`, () => handle.stop(), async (p) => {
        reporter = p;
        shown.flush();
        result = await handle.result;
        // The last state (100%) before the notification closes.
        shown.flush();
      });
    } catch (error) {
      const failure = startFailure(error);
      this.log.error(`${job.label}: ${failure.message}`);
      this.ui.startFailed(job, failure);
    } finally {
      this.stopCurrent = undefined;
      shown.dispose();
      this.ui.hideStatus();
      if (progress.runDir) this.live.end(progress.runDir, result);
    }
    if (result) {
      const text = endMessage(result.summary);
      if (result.summary.status === 'failed') this.log.error(`${text} → ${result.runDir}`);
      else this.log.info(`${text} → ${result.runDir}`);
      this.ui.runEnded(result.summary, result.runDir);
    }
  }
}
