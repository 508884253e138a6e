/**
 * chart.js in the page: registers only what line charts need (tree-shaken bundle), creates one canvas per chart
 * from the pure configs, redraws changed charts at most once per animation frame, and rebuilds them when the
 * VS Code theme changes (the body's class changes).
 */
import {
  Chart,
  Decimation,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { lineChartConfig, readThemeColors, type LineChartSpec, type ThemeColors } from './chartOptions';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Decimation, Legend, Tooltip);

/** The page's theme, read from VS Code's CSS variables. */
export function currentTheme(): ThemeColors {
  const style = getComputedStyle(document.body);
  return readThemeColors((name) => style.getPropertyValue(name));
}

/** A set of line charts keyed by id, redrawn in batches. */
export class ChartSet<Id extends string> {
  private readonly charts = new Map<Id, { chart: Chart; spec: LineChartSpec; canvas: HTMLCanvasElement }>();
  private readonly dirty = new Set<Id>();
  private frame = 0;
  private readonly observer: MutationObserver;

  constructor() {
    // VS Code swaps body classes (vscode-light / vscode-dark / vscode-high-contrast) on a theme change.
    this.observer = new MutationObserver(() => this.rebuild());
    this.observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  /** A titled figure with a canvas for chart `id`. */
  create(id: Id, title: string, spec: LineChartSpec): HTMLElement {
    this.charts.get(id)?.chart.destroy();
    const figure = document.createElement('figure');
    figure.className = 'chart';
    const caption = document.createElement('figcaption');
    caption.textContent = title;
    const box = document.createElement('div');
    box.className = 'chart-box';
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', title);
    box.append(canvas);
    figure.append(caption, box);
    const chart = new Chart(canvas, lineChartConfig(spec, currentTheme()) as unknown as ChartConfiguration);
    this.charts.set(id, { chart, spec, canvas });
    return figure;
  }

  /** Marks charts as having new points; they redraw on the next animation frame. */
  update(ids: readonly Id[]): void {
    ids.forEach((id) => this.dirty.add(id));
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      for (const id of this.dirty) this.charts.get(id)?.chart.update('none');
      this.dirty.clear();
    });
  }

  destroyAll(): void {
    this.charts.forEach(({ chart }) => chart.destroy());
    this.charts.clear();
  }

  dispose(): void {
    this.observer.disconnect();
    this.destroyAll();
  }

  private rebuild(): void {
    const theme = currentTheme();
    for (const [id, entry] of this.charts) {
      entry.chart.destroy();
      this.charts.set(id, { ...entry, chart: new Chart(entry.canvas, lineChartConfig(entry.spec, theme) as unknown as ChartConfiguration) });
    }
  }
}
