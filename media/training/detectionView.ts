/**
 * The DOM of a detection run's results: the test mAPs, a per-class AP table whose rows open the worst test images of
 * that class, a button for the worst images of all classes, and the precision/recall curves (a chart of the panel's
 * chart set).
 */
import { createButton, createTable } from '../components';
import { el } from '../components/el';
import type { DetectionResultsView } from './detectionResults';
import { formatIou } from './format';

export class DetectionResultsDom {
  /** Kept across redraws (a new summary, the worst images arriving) so the clicked row stays marked. */
  private selected: number | undefined;

  /** `chart(spec)`: the PR curves' figure; `onWorst(c)`: a class row (c) or the all-classes button (null) was clicked. */
  render(view: DetectionResultsView, chart: HTMLElement, onWorst: (cls: number | null) => void): HTMLElement[] {
    const table = createTable({
      label: 'Per-class AP',
      columns: [
        { title: 'Class', width: '2fr' }, { title: 'AP@0.5', width: '1fr', numeric: true }, { title: 'AP@[.5:.95]', width: '1fr', numeric: true },
        { title: 'Objects', width: '1fr', numeric: true }, { title: 'Detections', width: '1fr', numeric: true }, { title: 'Max recall', width: '1fr', numeric: true },
        { title: 'Worst images', width: '1fr', numeric: true },
      ],
      rows: view.rows.map((r) => [r.name, formatIou(r.ap50), formatIou(r.ap), String(r.truths), String(r.detections), formatIou(r.recall50), String(r.worst)]),
      selected: this.selected,
      onRowClick: (i) => {
        this.selected = i;
        onWorst(view.rows[i].classIndex);
      },
    });
    const hint = view.worst > 0 ? 'Click a class to see the worst test images it appears in (missed or false detections).' : 'The worst images appear once the test pass has written them.';
    const all = createButton({ label: `Worst Images (${view.worst})`, appearance: 'secondary', disabled: view.worst === 0, title: 'The test images with the most missed and false detections, all classes', onClick: () => {
      this.selected = undefined;
      onWorst(null);
    } });
    chart.classList.add('pr-chart');
    return [
      el('h2', '', 'Test results'), el('p', 'test-summary', view.summary),
      el('h3', '', 'Per-class AP'),
      el('p', 'note', `AP as COCO computes it (101-point interpolation); AP@[.5:.95] averages IoU thresholds 0.50…0.95; — for a class without test objects. ${hint}`),
      table, el('div', 'actions', all),
      el('h3', '', 'Precision/recall curves (IoU 0.5)'), chart,
    ];
  }
}
