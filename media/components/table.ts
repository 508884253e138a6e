/** A data table (header, rows, optional footer) with clickable rows, over the toolkit's data grid. */
import { registerComponents, TAGS } from './toolkit';

export interface TableColumn {
  title: string;
  /** CSS grid track, e.g. '3em' or '2fr'. */
  width: string;
  /** Right-align numbers. */
  numeric?: boolean;
  /** Let long text wrap (other cells stay on one line). */
  wrap?: boolean;
}

export interface TableOptions {
  columns: TableColumn[];
  rows: string[][];
  /** Rendered after the rows, styled as totals. */
  footer?: string[][];
  selected?: number;
  onRowClick?: (rowIndex: number) => void;
  /** Accessible name of the table. */
  label: string;
  /**
   * Per row: a tree level (aria-level, from 1), whether it is an expanded/collapsed group (aria-expanded), and an
   * id (data-id) to find its row again.
   */
  tree?: Array<{ level: number; expanded?: boolean; id?: string }>;
}

/**
 * Builds the table (inside a horizontally scrolling box, so narrow panels scroll instead of squeezing
 * columns); rows are keyboard-activatable (Enter/Space) when `onRowClick` is given.
 */
export function createTable(o: TableOptions): HTMLElement {
  registerComponents();
  const box = document.createElement('div');
  box.className = 'table-scroll';
  const grid = document.createElement(TAGS.grid);
  box.append(grid);
  grid.setAttribute('aria-label', o.label);
  grid.setAttribute('grid-template-columns', o.columns.map((c) => c.width).join(' '));
  grid.setAttribute('generate-header', 'none');
  grid.append(row(o.columns.map((c) => c.title), o.columns, 'header'));
  o.rows.forEach((cells, i) => {
    const r = row(cells, o.columns, 'default');
    r.dataset.index = String(i);
    if (i === o.selected) r.classList.add('selected');
    const node = o.tree?.[i];
    if (node) {
      r.setAttribute('aria-level', String(node.level));
      if (node.id !== undefined) r.dataset.id = node.id;
      if (node.expanded !== undefined) {
        r.setAttribute('aria-expanded', String(node.expanded));
        r.classList.add('group');
      }
    }
    if (o.onRowClick) {
      r.classList.add('clickable');
      r.addEventListener('click', () => o.onRowClick?.(i));
      r.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          o.onRowClick?.(i);
        }
      });
    }
    grid.append(r);
  });
  for (const cells of o.footer ?? []) {
    const r = row(cells, o.columns, 'default');
    r.classList.add('footer');
    grid.append(r);
  }
  return box;
}

function row(cells: string[], columns: TableColumn[], type: 'header' | 'default'): HTMLElement {
  const r = document.createElement(TAGS.row);
  if (type === 'header') r.setAttribute('row-type', 'header');
  cells.forEach((text, i) => {
    const c = document.createElement(TAGS.cell);
    c.setAttribute('grid-column', String(i + 1));
    if (type === 'header') c.setAttribute('cell-type', 'columnheader');
    if (columns[i]?.numeric) c.classList.add('numeric');
    if (columns[i]?.wrap) c.classList.add('wrap');
    c.textContent = text;
    r.append(c);
  });
  return r;
}

/** A small count badge, e.g. the number of problems. */
export function createBadge(text: string): HTMLElement {
  registerComponents();
  const b = document.createElement(TAGS.badge);
  b.textContent = text;
  return b;
}
