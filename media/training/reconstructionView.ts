/**
 * The DOM of a reconstruction run's results: per-class error bars, the error histogram with the threshold as a
 * line you drag (or a slider), the counts and rates at that threshold, the ROC curve with its AUC and the
 * threshold's point, and a clicked bin's test images next to their reconstructions.
 */
import { BarController, BarElement, CategoryScale, Chart, type ChartConfiguration, type Plugin } from 'chart.js';
import { createButton } from '../components';
import { el } from '../components/el';
import { currentTheme } from './charts';
import { decodeBase64, toRgba } from './confusion';
import { formatPercent } from './format';
import type { ErrorBinSamples, ReconstructionResultsController } from './reconstructionController';
import { classErrorChart, histogramChart, rocChart } from './reconstructionCharts';
import { fractionOf, isAnomalous, thresholdAt, type ThresholdStats } from './reconstructionResults';

Chart.register(BarController, BarElement, CategoryScale);

/** Pointer distance (CSS pixels) within which a press grabs the threshold line. */
const GRAB = 6;

export class ReconstructionResultsDom {
  private charts: Chart[] = [];
  private histogram: Chart | undefined;
  private roc: Chart | undefined;
  private stats = el('p', 'threshold-stats');
  private slider: HTMLInputElement | undefined;
  /** Draws the results again (with the new theme's colours when VS Code's theme changes). */
  private redraw: (() => void) | undefined;
  private observer: MutationObserver | undefined;

  /** Draws the results into `box` (replacing what it held), under `summaryText` (the test figures in words). */
  render(box: HTMLElement, summaryText: string, r: ReconstructionResultsController): void {
    this.dispose();
    this.redraw = () => this.render(box, summaryText, r);
    // VS Code swaps body classes on a theme change: the charts' colours are read from the theme when drawn.
    this.observer = new MutationObserver(() => this.redraw?.());
    this.observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    const results = r.results;
    const summary = el('p', 'test-summary', summaryText);
    if (!results || !r.histogram) {
      box.replaceChildren(el('h2', '', 'Test results'), summary, el('p', 'note', 'No per-image errors to show yet (the test pass writes them into reconstructions.json).'));
      return;
    }
    const theme = currentTheme();
    const parts: Node[] = [el('h2', '', 'Test results'), summary];
    const bars = this.figure('Mean reconstruction error per class', classErrorChart(r.bars(), theme));
    parts.push(bars.figure);
    const hint = results.stored > 0 ? 'Click a bin to see its test images with their reconstructions.' : 'This run kept no reconstructions: no images to show.';
    const hist = this.figure('Error histogram', histogramChart(r.histogram, theme), r.threshold !== null ? [this.thresholdLine(r)] : []);
    this.histogram = hist.chart;
    this.listenToHistogram(hist.canvas, r);
    parts.push(hist.figure);
    if (r.threshold !== null) {
      const reset = createButton({ label: 'Best threshold', appearance: 'secondary', title: 'Back to the threshold that maximises Youden’s J (TPR − FPR)', onClick: () => this.show(r, r.resetThreshold()) });
      this.slider = el('input', 'threshold-slider');
      Object.assign(this.slider, { type: 'range', min: '0', max: '1000', step: '1', title: 'Anomaly threshold' });
      this.slider.setAttribute('aria-label', 'Anomaly threshold');
      this.slider.addEventListener('input', () => this.show(r, r.setThreshold(thresholdAt(r.histogram?.edges ?? [0, 1], Number(this.slider?.value) / 1000))));
      parts.push(el('div', 'threshold-row', el('label', '', 'Threshold ', this.slider), reset), this.stats);
      const roc = this.figure(`ROC curve (AUC ${results.auroc?.toFixed(3) ?? '—'})`, rocChart(results.roc, null, theme));
      this.roc = roc.chart;
      parts.push(roc.figure);
    }
    parts.push(el('p', 'note', `Histogram of the per-image mean squared error in [0, 1] pixel units. ${results.includedClasses ? 'Blue: classes training saw; red: the others (anomalies). Images with an error at or above the threshold are flagged as anomalies.' : ''} ${hint}`));
    box.replaceChildren(...parts);
    this.show(r, r.stats());
  }

  /** A clicked bin's images: input | reconstruction pairs, anomalies outlined. */
  renderSamples(box: HTMLElement, r: ReconstructionResultsController, m: ErrorBinSamples): void {
    const results = r.results;
    const names = results?.classes ?? [];
    const title = el('h2', '', `Error ${m.range.lo.toPrecision(3)} – ${m.range.hi.toPrecision(3)}: ${m.total} test image${m.total === 1 ? '' : 's'}`);
    const grid = el('div', 'thumb-grid');
    for (const s of m.samples) {
      const anomalous = isAnomalous(s.label, results?.includedClasses ?? null);
      const figure = el('figure', `thumb pair${anomalous ? ' wrong' : ''}`);
      const pair = el('div', 'pair-images', this.canvas(s.input, s), this.canvas(s.output, s));
      figure.title = `test image ${s.index} (${names[s.label] ?? s.label}${anomalous ? ', a class training did not see' : ''}): input | reconstruction, error ${s.error.toPrecision(3)}`;
      figure.append(pair, el('figcaption', '', `#${s.index} · ${names[s.label] ?? s.label} · ${s.error.toPrecision(3)}`));
      grid.append(figure);
    }
    box.replaceChildren(title, el('p', 'note', `Each pair: the test image | its reconstruction.${m.message ? ` ${m.message}` : ''}`), grid);
  }

  dispose(): void {
    this.observer?.disconnect();
    this.observer = undefined;
    this.charts.forEach((c) => c.destroy());
    this.charts = [];
    this.histogram = undefined;
    this.roc = undefined;
    this.slider = undefined;
  }

  private figure(title: string, config: object, plugins: Plugin[] = []): { figure: HTMLElement; chart: Chart; canvas: HTMLCanvasElement } {
    const canvas = el('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', title);
    const figure = el('figure', 'chart', el('figcaption', '', title), el('div', 'chart-box', canvas));
    const chart = new Chart(canvas, { ...(config as ChartConfiguration), plugins });
    this.charts.push(chart);
    return { figure, chart, canvas };
  }

  /** Draws the threshold as a vertical line across the histogram (the category axis splits its width into bins). */
  private thresholdLine(r: ReconstructionResultsController): Plugin {
    return {
      id: 'threshold',
      afterDatasetsDraw: (chart) => {
        const t = r.threshold;
        const edges = r.histogram?.edges;
        if (t === null || !edges) return;
        const { left, width } = chart.scales.x;
        const x = left + fractionOf(edges, t) * width;
        const g = chart.ctx;
        g.save();
        g.strokeStyle = currentTheme().palette[1];
        g.lineWidth = 2;
        g.beginPath();
        g.moveTo(x, chart.chartArea.top);
        g.lineTo(x, chart.chartArea.bottom);
        g.stroke();
        g.restore();
      },
    };
  }

  /** Dragging near the threshold line moves it; a click elsewhere in the plot asks for that bin's images. */
  private listenToHistogram(canvas: HTMLCanvasElement, r: ReconstructionResultsController): void {
    let dragging = false;
    const place = (e: PointerEvent): { fraction: number; nearLine: boolean; inside: boolean } | undefined => {
      const chart = this.histogram;
      const edges = r.histogram?.edges;
      if (!chart || !edges) return undefined;
      const { left, width } = chart.scales.x;
      const x = e.offsetX;
      const lineX = r.threshold === null ? -Infinity : left + fractionOf(edges, r.threshold) * width;
      const area = chart.chartArea;
      return { fraction: (x - left) / width, nearLine: Math.abs(x - lineX) <= GRAB, inside: x >= area.left && x <= area.right && e.offsetY >= area.top && e.offsetY <= area.bottom };
    };
    canvas.addEventListener('pointerdown', (e) => {
      if (!place(e)?.nearLine) return;
      dragging = true;
      canvas.setPointerCapture(e.pointerId);
    });
    canvas.addEventListener('pointermove', (e) => {
      const p = place(e);
      if (!p) return;
      canvas.style.cursor = dragging || p.nearLine ? 'ew-resize' : p.inside ? 'pointer' : '';
      if (dragging && r.histogram) this.show(r, r.setThreshold(thresholdAt(r.histogram.edges, p.fraction)));
    });
    canvas.addEventListener('pointerup', (e) => {
      const p = place(e);
      if (dragging) {
        dragging = false;
        canvas.releasePointerCapture(e.pointerId);
        return;
      }
      const bins = (r.histogram?.edges.length ?? 1) - 1;
      if (p?.inside) r.selectBin(Math.min(bins - 1, Math.max(0, Math.floor(p.fraction * bins))));
    });
  }

  /** The threshold's counts and rates, the line, the slider and the ROC point. */
  private show(r: ReconstructionResultsController, s: ThresholdStats | null): void {
    if (!s) return;
    const edges = r.histogram?.edges ?? [0, 1];
    const best = r.results?.threshold;
    const anomalies = s.truePositives + s.falseNegatives;
    const normal = s.falsePositives + s.trueNegatives;
    this.stats.textContent = `Threshold ${s.threshold.toPrecision(3)}${best !== null && best !== undefined && best === s.threshold ? ' (best Youden J)' : ''}: ` +
      `flags ${s.truePositives} of ${anomalies} anomalies (TPR ${formatPercent(s.truePositiveRate)}) and ${s.falsePositives} of ${normal} normal images (FPR ${formatPercent(s.falsePositiveRate)}); ` +
      `misses ${s.falseNegatives} anomalies.`;
    if (this.slider) this.slider.value = String(Math.round(fractionOf(edges, s.threshold) * 1000));
    this.histogram?.update('none');
    const point = this.roc?.data.datasets[2];
    if (point) {
      point.data = [{ x: s.falsePositiveRate, y: s.truePositiveRate }];
      this.roc?.update('none');
    }
  }

  private canvas(pixels: string, s: { width: number; height: number; channels: number }): HTMLCanvasElement {
    const canvas = el('canvas');
    canvas.width = s.width;
    canvas.height = s.height;
    canvas.getContext('2d')?.putImageData(new ImageData(toRgba(decodeBase64(pixels), s.channels), s.width, s.height), 0, 0);
    return canvas;
  }
}
