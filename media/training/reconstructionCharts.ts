/**
 * chart.js configurations of a reconstruction run's results: per-class error bars (trained classes blue, left-out
 * classes red), the error histogram (normal and anomalous bars overlaid) and the ROC curve with the chance diagonal
 * and the threshold's point. Pure objects like chartOptions.ts: the view hands them to `new Chart(...)`.
 */
import { lineChartConfig, withAlpha, type ThemeColors } from './chartOptions';
import type { ClassErrorBar, ErrorHistogram } from './reconstructionResults';

function axes(theme: ThemeColors, xTitle: string, yTitle: string) {
  const font = { family: theme.fontFamily, size: theme.fontSize };
  const axis = (text: string) => ({ title: { display: true, text, color: theme.foreground, font }, ticks: { color: theme.foreground, font }, grid: { color: theme.grid } });
  return { font, scales: { x: { type: 'category' as const, ...axis(xTitle) }, y: { type: 'linear' as const, beginAtZero: true, ...axis(yTitle) } } };
}

function barOptions(theme: ThemeColors, xTitle: string, yTitle: string, legend: boolean) {
  const { font, scales } = axes(theme, xTitle, yTitle);
  return {
    animation: false as const, responsive: true, maintainAspectRatio: false, color: theme.foreground, font, scales,
    plugins: { legend: { display: legend, labels: { color: theme.foreground, font, boxWidth: 12 } }, tooltip: { enabled: true } },
  };
}

export function classErrorChart(bars: ClassErrorBar[], theme: ThemeColors) {
  const [blue, , , red] = theme.palette;
  return {
    type: 'bar' as const,
    data: {
      labels: bars.map((b) => b.name),
      datasets: [{ label: 'mean error', data: bars.map((b) => b.error), backgroundColor: bars.map((b) => (b.included === false ? red : blue)) }],
    },
    options: barOptions(theme, 'class', 'mean squared error', false),
  };
}

/** A bin's label: its centre with 3 significant digits. */
export function binLabel(edges: readonly number[], i: number): string {
  return ((edges[i] + edges[i + 1]) / 2).toPrecision(3);
}

export function histogramChart(h: ErrorHistogram, theme: ThemeColors) {
  const [blue, , , red] = theme.palette;
  const bins = h.edges.length - 1;
  const options = barOptions(theme, 'reconstruction error (bin centre)', 'test images', h.groups.length > 1);
  return {
    type: 'bar' as const,
    data: {
      labels: Array.from({ length: bins }, (_, i) => binLabel(h.edges, i)),
      datasets: h.groups.map((g) => ({
        label: g.label, data: g.counts,
        backgroundColor: withAlpha(g.anomalous ? red : blue, 0.55), borderColor: g.anomalous ? red : blue, borderWidth: 1,
        // Overlaid, full width: the two distributions share the error axis.
        grouped: false, barPercentage: 1, categoryPercentage: 1,
      })),
    },
    options: { ...options, interaction: { mode: 'index' as const, intersect: false } },
  };
}

/** The ROC curve from its corners, the chance diagonal, and the point of the current threshold. */
export function rocChart(roc: Array<[number, number]>, point: [number, number] | null, theme: ThemeColors) {
  const [blue, orange] = theme.palette;
  return lineChartConfig({
    xTitle: 'false-positive rate (normal images flagged)', yTitle: 'true-positive rate (anomalies flagged)', yMin: 0, yMax: 1,
    lines: [
      { label: 'ROC', data: roc.map(([x, y]) => ({ x, y })), color: blue },
      { label: 'chance', data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], color: theme.foreground, faint: true, dashed: true },
      { label: 'threshold', data: point ? [{ x: point[0], y: point[1] }] : [], color: orange, points: true },
    ],
  }, theme);
}
