/** Renders the Compare page: the runs (clickable), overlaid curves, differing hyperparameters, results. */
import { createTable, type TableColumn } from '../components';
import type { CompareRow, CompareView } from '../../src/protocol/webview-training';
import { ChartSet, currentTheme } from '../training/charts';
import { compareCharts, type CompareChartId, type CompareRenderer } from './controller';
import { el } from '../components/el';

export class DomCompareView implements CompareRenderer {
  private readonly charts = new ChartSet<CompareChartId>();

  constructor(private readonly root: HTMLElement, private readonly onOpenRun: (index: number) => void) {}

  show(view: CompareView): void {
    this.charts.destroyAll();
    if (view.runs.length === 0) {
      this.root.replaceChildren(el('p', 'empty', 'The compared run folders no longer exist.'));
      return;
    }
    const runs = createTable({
      label: 'Compared runs',
      columns: [{ title: 'Run', width: '3fr' }, { title: 'Status', width: '1fr' }, { title: 'Epochs', width: '1fr', numeric: true }],
      rows: view.runs.map((r) => [r.label, r.status, String(r.epochs.length)]),
      onRowClick: (i) => this.onOpenRun(i),
    });
    const grid = el('section', 'charts');
    for (const chart of compareCharts(view, currentTheme())) grid.append(this.charts.create(chart.id, chart.title, chart.spec));
    const differences = view.differences.length
      ? this.rowsTable('Hyperparameters that differ', view, view.differences)
      : el('p', 'note', 'The runs share every hyperparameter of config.json and the same model file.');
    this.root.replaceChildren(
      el('h1', '', `Comparing ${view.runs.length} runs`),
      el('p', 'note', 'Click a run to open its training panel.'),
      runs,
      grid,
      el('h2', '', 'Hyperparameters that differ'),
      differences,
      el('h2', '', 'Results'),
      this.rowsTable('Results', view, view.results),
    );
  }

  private rowsTable(label: string, view: CompareView, rows: CompareRow[]): HTMLElement {
    const columns: TableColumn[] = [{ title: '', width: 'minmax(10em, 2fr)' }, ...view.runs.map((r) => ({ title: r.label, width: 'minmax(8em, 1fr)', numeric: true }))];
    return createTable({ label, columns, rows: rows.map((r) => [r.key, ...r.values]) });
  }
}
