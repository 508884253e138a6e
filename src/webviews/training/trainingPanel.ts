/**
 * The Training panel of one run folder: live charts while this window trains it, the results when it ended,
 * for any past run too (crashed and cancelled ones included). One panel per run folder; restored after a window
 * reload by TrainingPanelSerializer from the run folder the webview saved in its state.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { isFromTrainingWebview, type FromTrainingWebview, type ToTrainingWebview } from '../../protocol/webview-training';
import type { TrainerEvent } from '../../protocol/trainer';
import type { TaskName, TaskViews } from '../../model/tasks/types';
import { RUN_FILES, safeName } from '../../trainer/runs/store';
import { TRAINING_VIEW_TYPE } from '../../training/ids';
import type { LiveRuns } from '../../training/liveRuns';
import { panelOptions, WebviewPanelHost } from '../panelHost';
import { MetricsBuffer } from './metricsBuffer';
import { cellSamplesMessage, hasPredictions, loadRunView, startingView, taskViews } from './runView';
import { errorBinSamplesMessage, reconstructionResultsMessage } from './reconstructionResults';
import { worstImagesMessage } from './worstImages';
import { readRunSummary } from '../../trainer/runs/reader';


export interface TrainingPanelDeps {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  live: LiveRuns;
  /** Stops the run that is starting (before its folder exists, LiveRuns does not know it yet). */
  stopStarting(): void;
}

export class TrainingPanel extends WebviewPanelHost<ToTrainingWebview, FromTrainingWebview> {
  private static readonly panels = new Map<string, TrainingPanel>();
  private readonly buffer: MetricsBuffer;

  /** Shows the panel of `runDir`; a live run takes over a panel (see `reusable`), a past run gets its own. */
  static show(deps: TrainingPanelDeps, runDir: string, preserveFocus = false): TrainingPanel {
    const existing = TrainingPanel.panels.get(runDir) ?? (deps.live.isLive(runDir) ? TrainingPanel.reusable(deps, basename(dirname(runDir))) : undefined);
    if (existing) {
      existing.retarget(runDir);
      existing.panel.reveal(undefined, preserveFocus);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(TRAINING_VIEW_TYPE, panelTitle(runDir), { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, panelOptions(deps.extensionUri));
    return new TrainingPanel(panel, deps, runDir);
  }

  /** Re-attaches a panel restored after a window reload. */
  static revive(panel: vscode.WebviewPanel, deps: TrainingPanelDeps, runDir: string | undefined): TrainingPanel {
    if (runDir) TrainingPanel.panels.get(runDir)?.dispose();
    return new TrainingPanel(panel, deps, runDir);
  }

  /**
   * Opens the panel of a run that is starting (dataset loading, backend start): the page is there, with empty
   * charts, before the first point arrives; `show(runDir)` then moves it to the run's folder.
   */
  static showStarting(deps: TrainingPanelDeps, modelName: string, task?: TaskName): TrainingPanel {
    const key = safeName(modelName);
    const existing = TrainingPanel.starting.get(key) ?? TrainingPanel.reusable(deps, key);
    const target = existing ?? new TrainingPanel(
      vscode.window.createWebviewPanel(TRAINING_VIEW_TYPE, `Training: ${modelName}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, panelOptions(deps.extensionUri)),
      deps,
      undefined,
    );
    target.startingAs(key, modelName, task);
    target.panel.reveal(undefined, true);
    return target;
  }

  /** The starting run of `modelName` could not start: its panel says why. */
  static startFailed(modelName: string, message: string): void {
    const panel = TrainingPanel.starting.get(safeName(modelName));
    if (!panel) return;
    panel.startingModel = undefined;
    TrainingPanel.starting.delete(safeName(modelName));
    panel.emptyMessage = `${modelName} could not start: ${message}`;
    panel.onReady();
  }

  private static readonly starting = new Map<string, TrainingPanel>();

  /**
   * The panel a new run of model folder `key` takes over: one already starting it, else one showing a run of the
   * same model that is over, else (visible first) any panel whose run is over. The Training panel follows the
   * latest run like the Summary panel follows the active file; past runs reopen from the runs view.
   */
  private static reusable(deps: TrainingPanelDeps, key: string): TrainingPanel | undefined {
    const starting = TrainingPanel.starting.get(key);
    if (starting) return starting;
    const idle = [...TrainingPanel.panels.values()].filter((p) => p.runDir && !deps.live.isLive(p.runDir));
    const sameModel = idle.find((p) => basename(dirname(p.runDir as string)) === key);
    return sameModel ?? idle.find((p) => p.panel.visible) ?? idle[0];
  }

  private startingModel: { key: string; name: string; task?: TaskName } | undefined;
  private emptyMessage: string | undefined;

  private startingAs(key: string, name: string, task: TaskName | undefined): void {
    if (this.runDir && TrainingPanel.panels.get(this.runDir) === this) TrainingPanel.panels.delete(this.runDir);
    this.runDir = undefined;
    this.emptyMessage = undefined;
    this.startingModel = { key, name, task };
    TrainingPanel.starting.set(key, this);
    this.panel.title = `Training: ${name}`;
    this.onReady();
  }

  private constructor(panel: vscode.WebviewPanel, private readonly deps: TrainingPanelDeps, private runDir: string | undefined) {
    super(panel, deps.extensionUri, { bundle: 'training', styles: ['media/components/base.css', 'media/training/charts.css', 'media/training/training.css', 'media/training/reconstruction.css'] }, isFromTrainingWebview, deps.log);
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'cnn-file.svg');
    this.retarget(runDir);
    this.buffer = new MetricsBuffer((records) => this.runDir && this.post({ type: 'metrics', runDir: this.runDir, records }));
    const unsubscribe = deps.live.subscribe({
      onEvent: (dir, event) => dir === this.runDir && this.onLiveEvent(event),
      onEnd: (dir) => dir === this.runDir && this.sendSummary(),
    });
    this.disposables.push({ dispose: unsubscribe }, { dispose: () => this.buffer.dispose() });
    this.handleMessages();
  }

  /** Shows `runDir` in this panel (no-op when it already does). */
  private retarget(runDir: string | undefined): void {
    if (!runDir || runDir === this.runDir && TrainingPanel.panels.get(runDir) === this) return;
    if (this.runDir && TrainingPanel.panels.get(this.runDir) === this) TrainingPanel.panels.delete(this.runDir);
    if (this.startingModel) TrainingPanel.starting.delete(this.startingModel.key);
    this.startingModel = undefined;
    this.runDir = runDir;
    TrainingPanel.panels.set(runDir, this);
    this.panel.title = panelTitle(runDir);
    this.buffer?.dispose();
    this.onReady();
  }

  protected onReady(): void {
    const dir = this.runDir;
    if (!dir && this.startingModel) {
      this.post({ type: 'run', run: startingView(this.startingModel.name, this.startingModel.task) });
      return;
    }
    if (!dir || !existsSync(dir)) {
      this.post({ type: 'empty', message: this.emptyMessage ?? (dir ? `The run folder ${dir} no longer exists.` : 'No run to show.') });
      return;
    }
    this.buffer?.flush();
    const run = loadRunView(dir, this.deps.live.isLive(dir));
    this.post({ type: 'run', run });
    this.sendReconstructions(dir);
    this.sendWorstImages(dir, run.views.results);
  }

  /** The worst test images of a segmentation or detection run, once its test pass wrote them. */
  private sendWorstImages(dir: string, results: TaskViews['results']): void {
    worstImagesMessage(dir, results).then(
      (message) => message && this.runDir === dir && this.post(message),
      (e) => this.log.error(`Training panel: reading the worst test images of ${dir} failed`, e),
    );
  }

  /** reconstructions.json of a reconstruction run, once it has test results. */
  private sendReconstructions(dir: string): void {
    reconstructionResultsMessage(dir).then(
      (message) => message && this.runDir === dir && this.post(message),
      (e) => this.log.error(`Training panel: reading reconstructions of ${dir} failed`, e),
    );
  }

  /** Stop, a confusion cell's thumbnails, the model snapshot. */
  private handleMessages(): void {
    this.messages.on('stop', () => {
      if (this.startingModel) this.deps.stopStarting();
      else if (!this.runDir || !this.deps.live.stop(this.runDir)) void vscode.window.showInformationMessage('This run is not training in this window.');
    });
    this.messages.on('showCell', (m) => {
      const dir = this.runDir;
      if (!dir) return;
      cellSamplesMessage(dir, m.truth, m.predicted).then(
        (reply) => this.post(reply),
        (e) => this.log.error(`Training panel: reading test predictions of ${dir} failed`, e),
      );
    });
    this.messages.on('showErrorBin', (m) => {
      const dir = this.runDir;
      if (!dir) return;
      errorBinSamplesMessage(dir, m.range).then(
        (reply) => this.post(reply),
        (e) => this.log.error(`Training panel: reading reconstructions of ${dir} failed`, e),
      );
    });
    this.messages.on('openModel', () => {
      if (this.runDir) void vscode.window.showTextDocument(vscode.Uri.file(join(this.runDir, RUN_FILES.model)), { preview: true });
    });
  }

  private onLiveEvent(event: TrainerEvent): void {
    if (event.type === 'phase' && this.runDir) {
      // The batches before it first: a batch record arriving after the phase means training resumed.
      this.buffer.flush();
      this.post({ type: 'phase', runDir: this.runDir, phase: { phase: event.phase, epoch: event.epoch, samples: event.samples } });
    }
    if (event.type === 'samples' && this.runDir) this.post({ type: 'samples', runDir: this.runDir, strip: event.strip });
    if (event.type !== 'progress') return;
    this.buffer.push(event.metrics);
    // The engine rewrites summary.json before it reports an epoch: send it for the header and the best epoch.
    if (event.metrics.kind === 'epoch') this.sendSummary();
  }

  private sendSummary(): void {
    const dir = this.runDir;
    if (!dir) return;
    this.buffer.flush();
    const summary = readRunSummary(dir);
    if (summary) this.post({ type: 'summary', runDir: dir, summary, live: this.deps.live.isLive(dir), hasPredictions: hasPredictions(dir) });
    if (summary?.test?.reconstruction) this.sendReconstructions(dir);
    if (summary?.test) this.sendWorstImages(dir, taskViews(summary.task).results);
  }

  override dispose(): void {
    if (this.runDir && TrainingPanel.panels.get(this.runDir) === this) TrainingPanel.panels.delete(this.runDir);
    if (this.startingModel && TrainingPanel.starting.get(this.startingModel.key) === this) TrainingPanel.starting.delete(this.startingModel.key);
    super.dispose();
  }
}

/** `Training: shapes (2026-11-21_23-44-42)`. */
function panelTitle(runDir: string): string {
  return `Training: ${basename(dirname(runDir))} (${basename(runDir)})`;
}
