/**
 * chart.js configurations for the Training and Compare panels, as plain objects: line charts over `{x, y}` points
 * with `parsing: false`, no animation, and the decimation plugin (LTTB) so a chart stays smooth with 100,000
 * points; colours and fonts from the VS Code theme's CSS variables. Pure (no DOM, no chart.js import): the view
 * passes these objects to `new Chart(...)`, and the tests check them in Node.
 */
import type { Point } from './chartSeries';

/** The theme as chart.js needs it; read from CSS variables by the view (see `readThemeColors`). */
export interface ThemeColors {
  foreground: string;
  grid: string;
  fontFamily: string;
  fontSize: number;
  /** Series colours, in order: blue, orange, green, red, purple, yellow. */
  palette: string[];
}

/** VS Code's chart colour variables (the ones its own charts use), with fallbacks for a bare page. */
const PALETTE_VARS: Array<[string, string]> = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-yellow', '#cca700'],
];

/** Reads the theme through `cssVar(name)` (getComputedStyle(document.body).getPropertyValue in the view). */
export function readThemeColors(cssVar: (name: string) => string): ThemeColors {
  const get = (name: string, fallback: string): string => cssVar(name).trim() || fallback;
  const size = Number.parseFloat(get('--vscode-font-size', '13'));
  return {
    foreground: get('--vscode-foreground', '#cccccc'),
    grid: get('--vscode-charts-lines', 'rgba(128, 128, 128, 0.35)'),
    fontFamily: get('--vscode-font-family', 'sans-serif'),
    fontSize: Number.isFinite(size) ? size : 13,
    // Some themes give chart colours an alpha (faded lines on a canvas): series are drawn opaque.
    palette: PALETTE_VARS.map(([name, fallback]) => withAlpha(get(name, fallback), 1)),
  };
}

/** `color` with an alpha channel, for faint series (#rgb, #rrggbb and rgb()/rgba() understood; others unchanged). */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(color.trim());
  if (hex) {
    const h = hex[1].length === 3 ? [...hex[1]].map((c) => c + c).join('') : hex[1].slice(0, 6);
    const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(h.slice(i, i + 2), 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  const rgb = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/i.exec(color.trim());
  return rgb ? `rgba(${rgb[1]}, ${rgb[2]}, ${rgb[3]}, ${alpha})` : color;
}

/** One line of a chart. */
export interface LineSpec {
  label: string;
  data: Point[];
  color: string;
  /** Thin and translucent (the raw curve under a smoothed one). */
  faint?: boolean;
  /** Draw a marker at every point (epoch charts have few points). */
  points?: boolean;
  dashed?: boolean;
}

export interface LineChartSpec {
  xTitle: string;
  yTitle: string;
  lines: LineSpec[];
  /** x values are integers (epochs): ticks at whole numbers. */
  integerX?: boolean;
  /** x axis bounds, e.g. recall in [0, 1]. */
  xMin?: number;
  xMax?: number;
  /** y axis bounds, e.g. accuracy in [0, 1]. */
  yMin?: number;
  yMax?: number;
  logY?: boolean;
}

/** Points above which LTTB decimation kicks in; below it every point is drawn. */
export const DECIMATION_THRESHOLD = 1000;

/** The chart.js configuration of one line chart (type 'line', linear x axis, decimated, not animated). */
export function lineChartConfig(spec: LineChartSpec, theme: ThemeColors) {
  const font = { family: theme.fontFamily, size: theme.fontSize };
  return {
    type: 'line' as const,
    data: { datasets: spec.lines.map((line) => lineDataset(line)) },
    options: {
      // Decimation needs unparsed {x, y} data on a linear axis; animation off keeps 100k-point updates cheap.
      parsing: false as const,
      normalized: true,
      animation: false as const,
      responsive: true,
      maintainAspectRatio: false,
      spanGaps: true,
      interaction: { mode: 'nearest' as const, axis: 'x' as const, intersect: false },
      color: theme.foreground,
      font,
      scales: {
        x: {
          type: 'linear' as const,
          min: spec.xMin,
          max: spec.xMax,
          title: { display: true, text: spec.xTitle, color: theme.foreground, font },
          ticks: { color: theme.foreground, font, ...(spec.integerX ? { precision: 0, stepSize: 1 } : {}) },
          grid: { color: theme.grid },
        },
        y: {
          type: spec.logY ? ('logarithmic' as const) : ('linear' as const),
          min: spec.yMin,
          max: spec.yMax,
          title: { display: true, text: spec.yTitle, color: theme.foreground, font },
          ticks: { color: theme.foreground, font },
          grid: { color: theme.grid },
        },
      },
      plugins: {
        decimation: { enabled: true, algorithm: 'lttb' as const, threshold: DECIMATION_THRESHOLD },
        legend: { labels: { color: theme.foreground, font, boxWidth: 12 } },
        tooltip: { enabled: true },
      },
    },
  };
}

function lineDataset(line: LineSpec) {
  return {
    label: line.label,
    data: line.data,
    borderColor: line.faint ? withAlpha(line.color, 0.3) : line.color,
    backgroundColor: line.faint ? withAlpha(line.color, 0.3) : line.color,
    borderWidth: line.faint ? 1 : 2,
    borderDash: line.dashed ? [5, 4] : undefined,
    pointRadius: line.points ? 3 : 0,
    pointHoverRadius: line.points ? 5 : 3,
    indexAxis: 'x' as const,
    tension: 0,
  };
}
