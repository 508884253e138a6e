/**
 * The DOM of a segmentation run's results: the test figures, a per-class table (IoU, Dice, pixel recall) whose rows
 * open the class's worst test images, and the pixel confusion matrix.
 */
import { createTable } from '../components';
import { el } from '../components/el';
import { formatIou, formatPercent } from './format';
import type { SegmentationResultsView } from './segmentationResults';

export class SegmentationResultsDom {
  /** Kept across redraws (a new summary, the worst images arriving) so the clicked row stays marked. */
  private selected: number | undefined;

  /** `confusion`: the pixel confusion matrix, drawn by the panel's shared grid; `onClass`: a row was clicked. */
  render(view: SegmentationResultsView, confusion: HTMLElement, onClass: (c: number) => void): HTMLElement[] {
    const stored = view.rows.some((r) => r.worst > 0);
    const table = createTable({
      label: 'Per-class IoU',
      columns: [
        { title: 'Class', width: '2fr' }, { title: 'IoU', width: '1fr', numeric: true }, { title: 'Dice', width: '1fr', numeric: true },
        { title: 'Pixel recall', width: '1fr', numeric: true }, { title: 'Worst images', width: '1fr', numeric: true },
      ],
      rows: view.rows.map((r) => [r.name, formatIou(r.iou), formatIou(r.dice), formatPercent(r.recall), String(r.worst)]),
      selected: this.selected,
      onRowClick: (i) => {
        this.selected = i;
        onClass(view.rows[i].classIndex);
      },
    });
    const hint = stored ? 'Click a class to see its worst test images (lowest IoU of that class first).' : 'The worst images per class appear once the test pass has written them.';
    return [
      el('h2', '', 'Test results'), el('p', 'test-summary', view.summary),
      el('h3', '', 'Per-class IoU'), el('p', 'note', `IoU = TP / (TP + FP + FN) over the test set's pixels; — for a class with no pixels at all. ${hint}`), table,
      el('h3', '', 'Pixel confusion matrix'), el('p', 'note', 'Rows: true class · columns: predicted class · counts are pixels · colour: share of the true class.'), confusion,
    ];
  }
}
