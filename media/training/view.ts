/**
 * Renders the Training page: header, charts, the strip of validation images (tasks that declare one), epoch table,
 * and the test results of the run's task (TaskViews.results: one section renderer per kind, registered below).
 */
import { createButton, createTable, setButtonDisabled, type TableColumn } from '../components';
import type { ToTrainingWebview } from '../../src/protocol/webview-training';
import { ChartSet } from './charts';
import { BATCH_CHARTS, EPOCH_CHARTS, trainingCharts, type TrainingChartId } from './chartSpecs';
import type { SeriesChange } from './chartSeries';
import { decodeBase64, toRgba, type ConfusionView } from './confusion';
import type { TrainingController, TrainingRenderer } from './controller';
import type { ErrorBinSamples, ReconstructionResultsController } from './reconstructionController';
import { ReconstructionResultsDom } from './reconstructionView';
import { MaskStripDom } from './maskStripView';
import { SegmentationResultsDom } from './segmentationView';
import { BoxStripDom } from './boxStripView';
import { DetectionResultsDom } from './detectionView';
import { formatDuration, formatIou, formatLearningRate, formatLoss, formatPercent } from './format';
import { currentTheme } from './charts';
import type { StripView } from './sampleStrip';
import type { TaskViews } from '../../src/model/tasks/types';
import { el } from '../components/el';

/** `charts`: shown only for tasks whose per-epoch chart (views.epochChart) is one of these. */
const EPOCH_COLUMNS: Array<TableColumn & { charts?: Array<TaskViews['epochChart']> }> = [
  { title: 'Epoch', width: '6em', numeric: true },
  { title: 'Train loss', width: '1fr', numeric: true },
  { title: 'Train acc', width: '1fr', numeric: true, charts: ['accuracy', 'miou'] },
  { title: 'Val loss', width: '1fr', numeric: true },
  { title: 'Val acc', width: '1fr', numeric: true, charts: ['accuracy', 'miou'] },
  { title: 'Val MSE', width: '1fr', numeric: true, charts: ['mse'] },
  { title: 'Val mIoU', width: '1fr', numeric: true, charts: ['miou'] },
  { title: 'Val mAP@0.5', width: '1fr', numeric: true, charts: ['map'] },
  { title: 'Val mAP', width: '1fr', numeric: true, charts: ['map'] },
  { title: 'LR', width: '1fr', numeric: true },
  { title: 'Time', width: '1fr', numeric: true },
];

export interface TrainingViewCallbacks {
  onStop(): void;
  onOpenModel(): void;
  onSelectCell(truth: number, predicted: number): void;
}

/** Elements updated in place as metrics arrive. */
interface Parts {
  header: HTMLElement;
  stop: HTMLElement;
  samples: HTMLElement;
  epochs: HTMLElement;
  results: HTMLElement;
  thumbnails: HTMLElement;
}

export class DomTrainingView implements TrainingRenderer {
  private readonly charts = new ChartSet<TrainingChartId>();
  private parts: Parts | undefined;
  private clock = 0;
  private readonly reconstructionDom = new ReconstructionResultsDom();
  private readonly maskStrip = new MaskStripDom();
  private readonly worstStrip = new MaskStripDom();
  private readonly segmentationDom = new SegmentationResultsDom();
  private readonly boxStrip = new BoxStripDom();
  private readonly worstBoxes = new BoxStripDom();
  private readonly detectionDom = new DetectionResultsDom();
  /**
   * The results section of each kind of task results (TaskViews.results); false: nothing to show yet (the test
   * figures are then said in words, if any).
   */
  private readonly resultSections: Readonly<Record<TaskViews['results'], (c: TrainingController, box: HTMLElement) => boolean>> = {
    confusion: (c, box) => this.renderConfusionResults(c, box),
    reconstruction: (c, box) => this.renderReconstructionResults(c, box),
    segmentation: (c, box) => this.renderSegmentationResults(c, box),
    detection: (c, box) => this.renderDetectionResults(c, box),
  };
  /** The controller of the shown run (reconstruction results redraw through it). */
  private controller: TrainingController | undefined;

  constructor(private readonly root: HTMLElement, private readonly callbacks: TrainingViewCallbacks) {}

  showEmpty(message: string): void {
    this.stopClock();
    this.charts.destroyAll();
    this.reconstructionDom.dispose();
    this.parts = undefined;
    this.root.replaceChildren(el('p', 'empty', message));
  }

  showRun(c: TrainingController): void {
    this.controller = c;
    this.charts.destroyAll();
    this.reconstructionDom.dispose();
    const header = el('header', 'run-header');
    const stop = createButton({ label: 'Stop', appearance: 'secondary', title: 'Stop after the current batch (keeps the best and last checkpoints)', onClick: () => this.callbacks.onStop() });
    const openModel = createButton({ label: 'Model Snapshot', appearance: 'secondary', title: 'Open the model file this run trained', onClick: () => this.callbacks.onOpenModel() });
    const actions = el('div', 'actions');
    actions.append(stop, openModel);
    const top = el('div', 'header-row');
    top.append(header, actions);
    const chartGrid = el('section', 'charts');
    const theme = currentTheme();
    for (const chart of trainingCharts(c.series.data, theme, c.run?.views ?? { epochChart: 'accuracy' })) chartGrid.append(this.charts.create(chart.id, chart.title, chart.spec));
    const samples = el('section', 'samples');
    const epochs = el('section', 'epochs');
    const results = el('section', 'results');
    const thumbnails = el('section', 'thumbnails');
    this.parts = { header, stop, samples, epochs, results, thumbnails };
    this.root.replaceChildren(top, chartGrid, samples, epochs, results, thumbnails);
    this.refreshHeader(c);
    this.samplesChanged(c);
    this.renderEpochs(c);
    this.renderResults(c);
  }

  metricsAdded(c: TrainingController, change: SeriesChange): void {
    const ids: TrainingChartId[] = [...(change.epoch ? EPOCH_CHARTS : []), ...(change.batch ? BATCH_CHARTS : [])];
    this.charts.update(ids);
    this.refreshHeader(c);
    if (change.epoch) this.renderEpochs(c);
  }

  summaryChanged(c: TrainingController): void {
    this.refreshHeader(c);
    this.renderEpochs(c);
    this.renderResults(c);
  }

  samplesChanged(c: TrainingController): void {
    const box = this.parts?.samples;
    const view = c.samples();
    if (!box) return;
    if (!view) {
      box.replaceChildren(...(c.run?.views.epochSamples ? [el('h2', '', 'Validation images'), el('p', 'note', 'They appear after the first epoch.')] : []));
      return;
    }
    const body = view.boxes ? this.boxStrip.render(view, view.boxes) : view.masks ? this.maskStrip.render(view, view.masks) : [sampleStripGrid(view)];
    box.replaceChildren(el('h2', '', view.title), ...body);
  }

  cellSamples(c: TrainingController, m: Extract<ToTrainingWebview, { type: 'cellSamples' }>): void {
    const box = this.parts?.thumbnails;
    if (!box) return;
    const names = c.confusion()?.classes ?? [];
    const title = el('h2', '', `True ${names[m.truth] ?? m.truth} · predicted ${names[m.predicted] ?? m.predicted}: ${m.total} test image${m.total === 1 ? '' : 's'}`);
    const grid = el('div', 'thumb-grid');
    for (const s of m.samples) {
      const figure = el('figure', `thumb ${s.truth === s.predicted ? 'correct' : 'wrong'}`);
      const canvas = document.createElement('canvas');
      canvas.width = s.width;
      canvas.height = s.height;
      const ctx = canvas.getContext('2d');
      ctx?.putImageData(new ImageData(toRgba(decodeBase64(s.pixels), s.channels), s.width, s.height), 0, 0);
      const caption = el('figcaption', '', `#${s.index} · ${names[s.predicted] ?? s.predicted} ${formatPercent(s.confidence)}`);
      canvas.title = `test image ${s.index}: true ${names[s.truth] ?? s.truth}, predicted ${names[s.predicted] ?? s.predicted} with confidence ${formatPercent(s.confidence)}`;
      figure.append(canvas, caption);
      grid.append(figure);
    }
    box.replaceChildren(title, ...(m.message ? [el('p', 'note', m.message)] : []), grid);
  }

  reconstructionResults(): void {
    if (this.controller) this.renderResults(this.controller);
  }

  errorBinSamples(r: ReconstructionResultsController, m: ErrorBinSamples): void {
    if (this.parts) this.reconstructionDom.renderSamples(this.parts.thumbnails, r, m);
  }

  private refreshHeader(c: TrainingController): void {
    const p = this.parts;
    if (!p) return;
    const h = c.header(Date.now());
    const title = el('h1', '', h.model);
    title.append(el('span', `status status-${h.status}`, h.statusText));
    const facts = el('div', 'facts', [h.dataset, h.backend, h.weights].filter(Boolean).join(' · '));
    const progressLine = el('div', 'progress-line');
    const bar = el('div', 'progress');
    bar.setAttribute('role', 'progressbar');
    bar.setAttribute('aria-valuenow', String(Math.round(h.progress * 100)));
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', '100');
    const fill = el('div', 'progress-fill');
    fill.style.setProperty('width', `${(h.progress * 100).toFixed(1)}%`);
    bar.append(fill);
    const eta = h.etaSeconds === null ? '' : ` · ETA ${formatDuration(h.etaSeconds)}`;
    progressLine.append(el('span', 'epoch-text', `${h.epochText} · elapsed ${formatDuration(h.elapsedSeconds)}${eta}`), bar, el('span', '', `${Math.floor(h.progress * 100)}%`));
    const warning = h.warning ? [el('div', 'run-warning', h.warning)] : [];
    p.header.replaceChildren(title, facts, progressLine, ...warning);
    setButtonDisabled(p.stop, !h.canStop);
    p.stop.hidden = !h.canStop;
    if (h.canStop) this.startClock(c);
    else this.stopClock();
  }

  private renderEpochs(c: TrainingController): void {
    const p = this.parts;
    if (!p) return;
    const t = c.table();
    const best = t.rows.findIndex((r) => r.best);
    const shown = c.run?.views.epochChart ?? 'accuracy';
    const keep = (_: unknown, i: number): boolean => EPOCH_COLUMNS[i].charts?.includes(shown) ?? true;
    const table = createTable({
      label: 'Epochs',
      columns: EPOCH_COLUMNS.filter(keep),
      selected: best >= 0 ? best : undefined,
      rows: t.rows.map((r) => [
        r.best ? `★ ${r.epoch}` : String(r.epoch),
        formatLoss(r.loss), formatPercent(r.accuracy), formatLoss(r.valLoss), formatPercent(r.valAccuracy), formatLoss(r.valMse), formatIou(r.valMeanIou), formatIou(r.valMap50), formatIou(r.valMap), formatLearningRate(r.lr), formatDuration(r.seconds),
      ].filter(keep)),
    });
    const bestText = t.bestEpoch === null ? 'no best epoch yet' : `★ best epoch ${t.bestEpoch} (weights in best/)`;
    p.epochs.replaceChildren(el('h2', '', 'Epochs'), el('p', `note es-${t.earlyStopping.kind}`, `${bestText} · ${t.earlyStopping.text}`), t.rows.length ? table : el('p', 'note', 'The first epoch is training…'));
  }

  private renderResults(c: TrainingController): void {
    const p = this.parts;
    if (!p) return;
    if (this.resultSections[c.run?.views.results ?? 'confusion'](c, p.results)) return;
    // Nothing of the task's own yet (or a run without its files): the test figures in words.
    const result = c.testResult();
    p.results.replaceChildren(...(result ? [el('h2', '', 'Test results'), el('p', 'test-summary', capitalize(result))] : []));
  }

  private renderReconstructionResults(c: TrainingController, box: HTMLElement): boolean {
    const test = c.run?.summary?.test;
    if (!test) return false;
    this.reconstructionDom.render(box, `${capitalize(c.testResult() ?? '')} · ${test.samples} test images`, c.reconstruction);
    return true;
  }

  private renderSegmentationResults(c: TrainingController, box: HTMLElement): boolean {
    const segmentation = c.segmentation();
    if (!segmentation) return false;
    const confusion = this.confusionGrid(segmentation.confusion, c, false);
    box.replaceChildren(...this.segmentationDom.render(segmentation, confusion, (cls) => this.showWorst(c, cls)));
    return true;
  }

  private renderDetectionResults(c: TrainingController, box: HTMLElement): boolean {
    const detection = c.detection();
    if (!detection) return false;
    const chart = this.charts.create('precisionRecall', 'Precision/recall per class', detection.precisionRecall);
    box.replaceChildren(...this.detectionDom.render(detection, chart, (cls) => this.showDetectionWorst(c, cls)));
    return true;
  }

  /** The worst test images of a clicked class (or all classes), as a box strip, in the thumbnails section. */
  private showDetectionWorst(c: TrainingController, cls: number | null): void {
    const box = this.parts?.thumbnails;
    if (!box) return;
    const worst = c.detectionWorstImages(cls);
    if (!worst?.view.boxes) {
      box.replaceChildren(el('h2', '', 'Worst test images'), el('p', 'note', 'No stored test image has missed or false detections of that class (detection-worst.json is written by the test pass).'));
      return;
    }
    box.replaceChildren(el('h2', '', worst.title), ...this.worstBoxes.render(worst.view, worst.view.boxes));
  }

  private renderConfusionResults(c: TrainingController, box: HTMLElement): boolean {
    const view = c.confusion();
    if (!view) return false;
    const summary = el('p', 'test-summary', `Test accuracy ${formatPercent(view.accuracy)} · test loss ${formatLoss(view.loss)} · ${view.samples} test images`);
    const perClass = createTable({
      label: 'Per-class accuracy',
      columns: [{ title: 'Class', width: '2fr' }, { title: 'Test images', width: '1fr', numeric: true }, { title: 'Accuracy', width: '1fr', numeric: true }],
      rows: view.rows.map((r) => [r.className, String(r.total), formatPercent(r.accuracy)]),
    });
    const hint = c.run?.hasPredictions ? 'Click a cell to see its test images.' : 'This run has no stored test predictions: no thumbnails.';
    box.replaceChildren(el('h2', '', 'Test results'), summary, el('h3', '', 'Per-class accuracy'), perClass, el('h3', '', 'Confusion matrix'), el('p', 'note', `Rows: true class · columns: predicted class · colour: share of the true class. ${hint}`), this.confusionGrid(view, c));
    return true;
  }

  /** A clicked class's worst test images, as a mask strip, in the thumbnails section. */
  private showWorst(c: TrainingController, cls: number): void {
    const box = this.parts?.thumbnails;
    if (!box) return;
    const worst = c.worstImages(cls);
    if (!worst?.view.masks) {
      box.replaceChildren(el('h2', '', 'Worst test images'), el('p', 'note', 'This run stored no worst images for that class (segmentation-worst.json is written by the test pass).'));
      return;
    }
    box.replaceChildren(el('h2', '', worst.title), ...this.worstStrip.render(worst.view, worst.view.masks));
  }

  /** `clickable`: cells open their test images (classification: cellSamples); a pixel matrix has none. */
  private confusionGrid(view: ConfusionView, c: TrainingController, clickable = true): HTMLElement {
    const k = view.classes.length;
    const grid = el('div', 'confusion');
    grid.style.setProperty('--classes', String(k));
    grid.setAttribute('role', 'grid');
    grid.append(el('div', 'corner', 'true \\ predicted'), ...view.classes.map((name) => el('div', 'col-label', name)));
    const selected = c.selectedCell;
    for (const row of view.rows) {
      grid.append(el('div', 'row-label', row.className));
      for (const cell of row.cells) {
        const button = el('button', `cell${cell.diagonal ? ' diagonal' : ''}${cell.intensity > 0.55 ? ' strong' : ''}`, String(cell.count));
        button.style.setProperty('--heat', cell.intensity.toFixed(3));
        button.title = `true ${row.className}, predicted ${view.classes[cell.predicted]}: ${cell.count} (${formatPercent(cell.rowFraction)} of ${row.className})`;
        if (selected?.truth === cell.truth && selected.predicted === cell.predicted) button.classList.add('selected');
        if (clickable) {
          button.addEventListener('click', () => {
            grid.querySelectorAll('.cell.selected').forEach((b) => b.classList.remove('selected'));
            button.classList.add('selected');
            this.callbacks.onSelectCell(cell.truth, cell.predicted);
          });
        } else button.disabled = true;
        grid.append(button);
      }
    }
    return grid;
  }

  private startClock(c: TrainingController): void {
    if (!this.clock) this.clock = window.setInterval(() => this.refreshHeader(c), 1000);
  }

  private stopClock(): void {
    if (this.clock) window.clearInterval(this.clock);
    this.clock = 0;
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The strip as a grid: a row per column name (input, noisy input, output) and one of errors, a column per validation
 * image (its index, class and error in the tooltip).
 */
function sampleStripGrid(view: StripView): HTMLElement {
  const grid = el('div', 'sample-strip');
  grid.style.setProperty('--images', String(view.items.length));
  view.columns.forEach((name, column) => {
    grid.append(el('div', 'strip-label', name));
    for (const item of view.items) {
      const image = item.images[column];
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      canvas.dataset.column = name;
      canvas.title = `${item.caption} · ${name}`;
      canvas.getContext('2d')?.putImageData(new ImageData(image.rgba, image.width, image.height), 0, 0);
      grid.append(canvas);
    }
  });
  if (view.errorName !== null) grid.append(el('div', 'strip-label', view.errorName), ...view.items.map((item) => el('div', 'strip-error', item.error)));
  return grid;
}
