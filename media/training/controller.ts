/**
 * The Training webview's logic without the DOM: validates what the host sends, keeps the shown run, its
 * chart series and its latest strip of validation images, persists what must survive a reload (the run folder, the selected confusion cell) through the
 * webview API's setState, and tells a renderer what changed. main.ts supplies the real webview API and a DOM
 * renderer; the unit tests supply fakes.
 */
import { previewMessage } from '../../src/protocol/preview';
import type { EpochMetrics, MetricRecord } from '../../src/protocol/runTypes';
import { formatTestResult } from '../../src/protocol/testResult';
import {
  parseToTrainingWebview,
  parseTrainingState,
  type FromTrainingWebview,
  type ToTrainingWebview,
  type EvaluationPhase,
  type TrainingRunView,
  type TrainingWebviewState,
} from '../../src/protocol/webview-training';
import type { WebviewApi } from '../webviewApi';
import { TrainingSeries, type SeriesChange } from './chartSeries';
import { confusionView, type ConfusionView } from './confusion';
import { epochTable, type EpochTableView } from './epochTable';
import { formatPercent } from './format';
import { headerView, type HeaderView } from './header';
import { stripView, type StripView } from './sampleStrip';
import { ReconstructionResultsController, type ReconstructionRenderer } from './reconstructionController';
import { segmentationResultsView, worstImagesOf, type SegmentationResultsView } from './segmentationResults';
import { detectionResultsView, detectionWorstOf, type DetectionResultsView } from './detectionResults';
import type { SegmentationWorst } from '../../src/protocol/sampleStrip';
import type { DetectionWorst } from '../../src/protocol/detectionWorst';

/** What the DOM view implements; each call says what to redraw. */
export interface TrainingRenderer extends ReconstructionRenderer {
  /** A run is shown (first time or another run): redraw everything. */
  showRun(controller: TrainingController): void;
  /** New metric records were added to the series. */
  metricsAdded(controller: TrainingController, change: SeriesChange): void;
  /** The summary changed (status, results). */
  summaryChanged(controller: TrainingController): void;
  /** A new strip of fixed validation images arrived (tasks whose views declare epochSamples). */
  samplesChanged(controller: TrainingController): void;
  /** Thumbnails of a confusion-matrix cell arrived. */
  cellSamples(controller: TrainingController, message: Extract<ToTrainingWebview, { type: 'cellSamples' }>): void;
  showEmpty(message: string): void;
}

export class TrainingController {
  readonly series = new TrainingSeries();
  private current: TrainingRunView | null = null;
  private readonly epochRecords: EpochMetrics[] = [];
  /** The evaluation pass running now; cleared by the next metric record. */
  private phase: EvaluationPhase | null = null;
  private state: TrainingWebviewState;
  /** The results of a reconstruction run (histogram, threshold, ROC). */
  readonly reconstruction: ReconstructionResultsController;
  /** A segmentation run's worst test images per class (segmentation-worst.json), once the host sent them. */
  private worst: SegmentationWorst | null = null;
  /** A detection run's worst test images (detection-worst.json), once the host sent them. */
  private detectionWorst: DetectionWorst | null = null;

  constructor(
    private readonly api: WebviewApi<TrainingWebviewState>,
    private readonly renderer: TrainingRenderer,
    private readonly warn: (message: string) => void = () => undefined,
  ) {
    this.state = parseTrainingState(api.getState());
    this.reconstruction = new ReconstructionResultsController((m) => this.send(m), renderer);
  }

  /** Tells the host the page listens (the host answers with the run). */
  start(): void {
    this.send({ type: 'ready' });
  }

  get run(): TrainingRunView | null {
    return this.current;
  }

  get selectedCell(): TrainingWebviewState['cell'] {
    return this.state.cell;
  }

  /** Feeds one raw message from the host; a malformed one is reported through `warn` and ignored. */
  receive(raw: unknown): void {
    const message = parseToTrainingWebview(raw);
    if (!message) {
      this.warn(`Training panel: ignored a malformed message ${previewMessage(raw)}`);
      return;
    }
    switch (message.type) {
      case 'run':
        return this.showRun(message.run);
      case 'metrics':
        return this.addMetrics(message.runDir, message.records);
      case 'summary':
        if (!this.current || message.runDir !== this.current.runDir) return;
        this.current = { ...this.current, summary: message.summary, live: message.live, hasPredictions: message.hasPredictions };
        this.renderer.summaryChanged(this);
        this.requestSelectedCell();
        return;
      case 'cellSamples':
        if (this.current?.runDir === message.runDir) this.renderer.cellSamples(this, message);
        return;
      case 'samples':
        if (this.current?.runDir !== message.runDir || !this.current.views.epochSamples) return;
        this.current = { ...this.current, samples: message.strip };
        this.renderer.samplesChanged(this);
        return;
      case 'phase':
        if (this.current?.runDir !== message.runDir) return;
        this.phase = message.phase;
        this.renderer.summaryChanged(this);
        return;
      case 'empty':
        this.current = null;
        this.renderer.showEmpty(message.message);
        return;
      case 'segmentationWorst':
        if (this.current?.runDir !== message.runDir) return;
        this.worst = message.worst;
        this.renderer.summaryChanged(this);
        return;
      case 'detectionWorst':
        if (this.current?.runDir !== message.runDir) return;
        this.detectionWorst = message.worst;
        this.renderer.summaryChanged(this);
        return;
      case 'reconstructions':
      case 'errorBinSamples':
        if (this.current?.runDir === message.runDir) this.reconstruction.receive(message);
        return;
    }
  }

  /** The Stop button. */
  stop(): void {
    if (this.current?.live) this.send({ type: 'stop' });
  }

  /** Opens the run's model-file snapshot. */
  openModel(): void {
    this.send({ type: 'openModel' });
  }

  /** A click on a confusion-matrix cell: remember it and ask the host for its test images. */
  selectCell(truth: number, predicted: number): void {
    this.saveState({ ...this.state, cell: { truth, predicted } });
    this.send({ type: 'showCell', truth, predicted });
  }

  header(nowMs: number): HeaderView {
    const run = this.current;
    return headerView(run?.model ?? '', run?.summary ?? null, run?.metrics ?? [], run?.live ?? false, nowMs, this.phase, run?.startingWeights);
  }

  table(): EpochTableView {
    return epochTable(this.epochRecords, this.current?.summary ?? null, this.current?.earlyStopping ?? null);
  }

  /** The confusion matrix once the run has test results, for tasks whose results are one (views.results). */
  confusion(): ConfusionView | null {
    const summary = this.current?.summary;
    return summary?.test && this.current?.views.results === 'confusion' ? confusionView(summary.test, summary.classes) : null;
  }

  /** A segmentation run's per-class IoU and pixel confusion matrix, once it has test results. */
  segmentation(): SegmentationResultsView | null {
    const summary = this.current?.summary;
    return summary?.test && this.current?.views.results === 'segmentation' ? segmentationResultsView(summary.test, summary.classes, this.worst) : null;
  }

  /** A detection run's per-class AP, PR curves and worst-image counts, once it has test results. */
  detection(): DetectionResultsView | null {
    const summary = this.current?.summary;
    return summary?.test && this.current?.views.results === 'detection' ? detectionResultsView(summary.test, summary.classes, this.detectionWorst) : null;
  }

  /** A detection run's worst test images of class `c` (null: all classes), when the run stored them. */
  detectionWorstImages(c: number | null): ReturnType<typeof detectionWorstOf> {
    return this.detectionWorst ? detectionWorstOf(this.detectionWorst, c) : null;
  }

  /** The worst test images of class `c` (a click on its row), when the run stored them. */
  worstImages(c: number): ReturnType<typeof worstImagesOf> {
    return this.worst ? worstImagesOf(this.worst, c) : null;
  }

  /** The test results in words, whatever the task ("test MSE 0.0123, test loss 0.0123"); null before the test pass. */
  testResult(): string | null {
    const test = this.current?.summary?.test;
    return test ? formatTestResult(test, formatPercent) : null;
  }

  /** The latest strip of fixed validation images, when the run's task shows one and an epoch made it. */
  samples(): StripView | null {
    const run = this.current;
    return run?.views.epochSamples && run.samples ? stripView(run.samples, run.summary?.classes ?? []) : null;
  }

  private showRun(run: TrainingRunView): void {
    // A reload shows the same run again: keep its selected cell; another run starts without one.
    const keepCell = this.state.runDir === run.runDir;
    this.current = { ...run, metrics: [] };
    this.phase = null;
    this.reconstruction.reset();
    this.worst = null;
    this.detectionWorst = null;
    this.series.reset();
    this.epochRecords.length = 0;
    this.appendRecords(run.metrics);
    this.saveState({ runDir: run.runDir, cell: keepCell ? this.state.cell : undefined });
    this.renderer.showRun(this);
    this.requestSelectedCell();
  }

  private addMetrics(runDir: string, records: MetricRecord[]): void {
    if (!this.current || runDir !== this.current.runDir) return;
    const change = this.appendRecords(records);
    if (change.batch || change.epoch) this.renderer.metricsAdded(this, change);
  }

  private appendRecords(records: readonly MetricRecord[]): SeriesChange {
    const change = this.series.add(records);
    if (records.length > 0) this.phase = null;
    const run = this.current as TrainingRunView;
    for (const r of records) {
      run.metrics.push(r);
      const lastEpoch = this.epochRecords[this.epochRecords.length - 1]?.epoch ?? 0;
      if (r.kind === 'epoch' && r.epoch > lastEpoch) this.epochRecords.push(r);
    }
    return change;
  }

  private requestSelectedCell(): void {
    const cell = this.state.cell;
    const k = this.current?.summary?.test?.confusion.length ?? 0;
    if (cell && this.current?.hasPredictions && cell.truth < k && cell.predicted < k) this.send({ type: 'showCell', ...cell });
  }

  private saveState(state: TrainingWebviewState): void {
    this.state = state;
    this.api.setState(state);
  }

  private send(message: FromTrainingWebview): void {
    this.api.postMessage(message);
  }
}
