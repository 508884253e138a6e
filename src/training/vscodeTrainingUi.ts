/** The VS Code face of a training run: the busy question, the progress notification, the status bar, messages. */
import * as vscode from 'vscode';
import type { TaskName } from '../model/tasks/types';
import type { RunSummary } from '../protocol/runTypes';
import type { ProgressReporter, TrainJob, TrainingUi } from './orchestrator';
import { endMessage } from './runProgress';
import type { BusyChoice } from './runQueue';
import type { StartFailure } from './trainerPort';

export interface VscodeTrainingUiDeps {
  statusBar: vscode.StatusBarItem;
  openPanel(runDir: string, preserveFocus: boolean): void;
  /** Opens the panel of a run that is starting; `failed` tells that panel why it could not start. */
  openStartingPanel(modelName: string, task: TaskName | undefined): void;
  startingFailed(modelName: string, message: string): void;
  log: vscode.LogOutputChannel;
}

const QUEUE = 'Queue';
const STOP = 'Stop Current and Start';

export class VscodeTrainingUi implements TrainingUi {
  constructor(private readonly deps: VscodeTrainingUiDeps) {}

  async askWhenBusy(active: TrainJob, next: TrainJob): Promise<BusyChoice> {
    const answer = await vscode.window.showWarningMessage(
      `"${active.label}" is training. Queue "${next.label}" to start after it, or stop "${active.label}" (its best and last checkpoints are kept) and start "${next.label}" now?`,
      { modal: true },
      QUEUE,
      STOP,
    );
    return answer === QUEUE ? 'queue' : answer === STOP ? 'stop' : 'cancel';
  }

  async withProgress(title: string, onCancel: () => void, task: (progress: ProgressReporter) => Promise<void>): Promise<void> {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      token.onCancellationRequested(onCancel);
      return task({ report: (message, increment) => progress.report({ message, increment }) });
    });
  }

  showStatus(text: string, tooltip: string): void {
    this.deps.statusBar.text = text;
    this.deps.statusBar.tooltip = tooltip;
    this.deps.statusBar.show();
  }

  hideStatus(): void {
    this.deps.statusBar.hide();
  }

  runStarting(job: TrainJob): void {
    this.deps.openStartingPanel(job.label, job.task);
  }

  runStarted(runDir: string): void {
    this.deps.openPanel(runDir, true);
  }

  runEnded(summary: RunSummary, runDir: string): void {
    const message = endMessage(summary);
    const show = summary.status === 'failed' ? vscode.window.showErrorMessage : vscode.window.showInformationMessage;
    void show(message, 'Show Training Panel').then((choice) => choice && this.deps.openPanel(runDir, false));
  }

  startFailed(job: TrainJob, failure: StartFailure): void {
    this.deps.startingFailed(job.label, failure.diagnostics.length ? `the model file has errors:\n${failure.diagnostics.join('\n')}` : failure.message);
    for (const line of failure.diagnostics) this.deps.log.error(`${job.label}: ${line}`);
    if (failure.diagnostics.length) {
      void vscode.window
        .showErrorMessage(`Cannot train ${job.label}: the model file has ${failure.diagnostics.length} error(s), first ${failure.diagnostics[0]}`, 'Show Problems')
        .then((choice) => choice && vscode.commands.executeCommand('workbench.actions.view.problems'));
      return;
    }
    void vscode.window.showErrorMessage(`Training ${job.label} failed: ${failure.message}`, 'Show Log').then((choice) => choice && this.deps.log.show(true));
  }
}
