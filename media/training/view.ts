/**
 * Renders the Training page: header, charts, the strip of validation images (tasks that declare one), epoch table,
 * test results with the confusion matrix.
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
    box.replaceChildren(el('h2', '', view.title), ...(view.masks ? this.maskStrip.render(view, view.masks) : [sampleStripGrid(view)]));
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
        formatLoss(r.loss), formatPercent(r.accuracy), formatLoss(r.valLoss), formatPercent(r.valAccuracy), formatLoss(r.valMse), formatIou(r.valMeanIou), formatLearningRate(r.lr), formatDuration(r.seconds),
      ].filter(keep)),
    });
    const bestText = t.bestEpoch === null ? 'no best epoch yet' : `★ best epoch ${t.bestEpoch} (weights in best/)`;
    p.epochs.replaceChildren(el('h2', '', 'Epochs'), el('p', `note es-${t.earlyStopping.kind}`, `${bestText} · ${t.earlyStopping.text}`), t.rows.length ? table : el('p', 'note', 'The first epoch is training…'));
  }

  private renderResults(c: TrainingController): void {
    const p = this.parts;
    if (!p) return;
    const test = c.run?.summary?.test;
    if (test && c.run?.views.results === 'reconstruction') {
      this.reconstructionDom.render(p.results, `${capitalize(c.testResult() ?? '')} · ${test.samples} test images`, c.reconstruction);
      return;
    }
    const segmentation = c.segmentation();
    if (segmentation) {
      const confusion = this.confusionGrid(segmentation.confusion, c, false);
      p.results.replaceChildren(...this.segmentationDom.render(segmentation, confusion, (cls) => this.showWorst(c, cls)));
      return;
    }
    const view = c.confusion();
    if (!view) {
      // Tasks whose results are not a confusion matrix: their figures in words until their own section exists.
      const result = c.testResult();
      p.results.replaceChildren(...(result ? [el('h2', '', 'Test results'), el('p', 'test-summary', capitalize(result))] : []));
      return;
    }
    const summary = el('p', 'test-summary', `Test accuracy ${formatPercent(view.accuracy)} · test loss ${formatLoss(view.loss)} · ${view.samples} test images`);
    const perClass = createTable({
      label: 'Per-class accuracy',
      columns: [{ title: 'Class', width: '2fr' }, { title: 'Test images', width: '1fr', numeric: true }, { title: 'Accuracy', width: '1fr', numeric: true }],
      rows: view.rows.map((r) => [r.className, String(r.total), formatPercent(r.accuracy)]),
    });
    const hint = c.run?.hasPredictions ? 'Click a cell to see its test images.' : 'This run has no stored test predictions: no thumbnails.';
    p.results.replaceChildren(el('h2', '', 'Test results'), summary, el('h3', '', 'Per-class accuracy'), perClass, el('h3', '', 'Confusion matrix'), el('p', 'note', `Rows: true class · columns: predicted class · colour: share of the true class. ${hint}`), this.confusionGrid(view, c));
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
