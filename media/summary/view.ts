/** Renders the Model Summary page: header, architecture drawing, table with totals, memory, problems. */
import { createBadge, createTable, type TableColumn } from '../components';
import { formatCount } from '../../src/model/layers/arithmetic';
import { formatBytes, formatCompact, shapeLabel } from '../../src/language/format';
import type { SummaryBlock, SummaryRow, SummaryViewModel } from '../../src/protocol/webview-summary';
import { formatMemory } from '../../src/model/memory/estimate';
import { layoutArchitecture } from './architectureLayout';
import { renderArchitecture } from './architectureSvg';
import type { SummaryView } from './controller';
import { el } from '../components/el';
import { visibleItems } from './summaryRows';

export interface SummaryViewCallbacks {
  onSelectRow(index: number): void;
  onSelectProblem(index: number): void;
  onToggleBlock(path: string): void;
}

const COLUMNS: TableColumn[] = [
  { title: '#', width: '4em', numeric: true },
  { title: 'Layer', width: 'minmax(14em, 3fr)', wrap: true },
  { title: 'Output shape', width: 'minmax(7em, 1fr)' },
  { title: 'Params', width: 'minmax(6em, 1fr)', numeric: true },
  { title: 'MACs', width: 'minmax(5em, 1fr)', numeric: true },
  { title: 'Receptive field', width: 'minmax(7em, 1fr)', numeric: true },
];

/** One em space per level of nesting (the table's cells are text). */
const indent = (depth: number) => '\u2003'.repeat(depth);

export class DomSummaryView implements SummaryView {
  /** The block row toggled last, focused again after the redraw so keyboard users stay on it. */
  private toggled: string | undefined;

  constructor(private readonly root: HTMLElement, private readonly callbacks: SummaryViewCallbacks) {}

  showEmpty(message: string): void {
    this.root.replaceChildren(el('p', 'empty', message));
  }

  showModel(model: SummaryViewModel, selected: number | undefined, expanded: ReadonlySet<string>): void {
    const t = model.totals;
    const header = el('header', 'header');
    header.append(el('h1', '', model.name), el('span', 'subtitle', `${model.fileName} · ${shapeLabel(model.input)} → ${shapeLabel(model.outputShape)}`));
    const drawing = el('section', 'architecture');
    drawing.append(renderArchitecture(layoutArchitecture(model.input, model.rows, model.graph), selected, (i) => this.callbacks.onSelectRow(i)));
    const items = visibleItems(model, expanded);
    const table = createTable({
      label: 'Layers',
      columns: COLUMNS,
      rows: items.map((item) => (item.kind === 'block' ? blockCells(model, item.block, item.depth, item.expanded) : layerCells(model.rows[item.row], item.depth, item.name))),
      tree: items.map((item) => (item.kind === 'block' ? { level: item.depth + 1, expanded: item.expanded, id: item.block.path } : { level: item.depth + 1 })),
      footer: [['', 'Total', '', formatCount(t.params), formatCompact(t.macs), '']],
      selected: items.findIndex((item) => item.kind === 'layer' && item.row === selected),
      onRowClick: (i) => {
        const item = items[i];
        if (item?.kind === 'block') {
          this.toggled = item.block.path;
          this.callbacks.onToggleBlock(item.block.path);
        } else if (item) this.callbacks.onSelectRow(item.row);
      },
    });
    this.root.replaceChildren(header, this.problems(model), drawing, table, this.totals(model), this.trainingMemory(model));
    this.refocus(table);
  }

  /** Puts the focus back on the block row just toggled (the table was rebuilt under it). */
  private refocus(table: HTMLElement): void {
    const path = this.toggled;
    this.toggled = undefined;
    if (path === undefined) return;
    const row = [...table.querySelectorAll<HTMLElement>('[data-id]')].find((r) => r.dataset.id === path);
    const cell = row?.firstElementChild as HTMLElement | null | undefined;
    (cell ?? row)?.focus();
  }

  /** The trainer's estimate per engine: the verdict line, then its parts, largest first. */
  private trainingMemory(model: SummaryViewModel): HTMLElement {
    const section = el('section', 'training-memory');
    if (!model.trainingMemory?.length) return section;
    section.append(el('h2', '', 'Training memory'));
    for (const m of model.trainingMemory) {
      const block = el('div', `memory ${m.fits ? 'fits' : 'too-big'}`);
      block.append(el('p', 'memory-line', `${m.backend === 'wasm' ? 'wasm engine' : 'Native TensorFlow'}: ${m.line}`));
      const dl = el('dl', 'totals');
      for (const p of [...m.parts].sort((a, b) => b.bytes - a.bytes)) dl.append(el('dt', '', p.name), el('dd', '', formatMemory(p.bytes)));
      block.append(dl);
      if (m.advice) block.append(el('p', 'memory-advice', m.advice));
      section.append(block);
    }
    return section;
  }

  private totals(model: SummaryViewModel): HTMLElement {
    const t = model.totals;
    const entries: Array<[string, string]> = [
      ['Total params', formatCount(t.params)],
      ['Trainable params', formatCount(t.trainableParams)],
      ['Non-trainable (buffers)', formatCount(t.buffers)],
      ['Mult-adds per sample', formatCount(t.macs)],
      [`Input size (batch ${t.batchSize})`, formatBytes(t.inputBytes)],
      ['Forward/backward pass size', formatBytes(t.forwardBackwardBytes)],
      ['Params size', formatBytes(t.paramBytes)],
      ['Estimated total size', formatBytes(t.totalBytes)],
    ];
    const dl = el('dl', 'totals');
    for (const [k, v] of entries) dl.append(el('dt', '', k), el('dd', '', v));
    return dl;
  }

  private problems(model: SummaryViewModel): HTMLElement {
    const section = el('section', 'problems');
    if (!model.problems.length) return section;
    const title = el('h2', '', 'Problems ');
    title.append(createBadge(String(model.problems.length)));
    const list = el('ul', '');
    model.problems.forEach((p, i) => {
      const item = el('li', `problem ${p.severity}`);
      const link = el('button', 'link', `Line ${p.line + 1}`);
      link.addEventListener('click', () => this.callbacks.onSelectProblem(i));
      item.append(el('span', 'severity', p.severity), link, el('span', 'message', p.message));
      list.append(item);
    });
    section.append(title, list);
    return section;
  }
}

function layerCells(r: SummaryRow, depth: number, name: string | undefined): string[] {
  return [
    String(r.index),
    `${indent(depth)}${name ? `${name}: ` : ''}${r.text}`,
    shapeLabel(r.outputShape),
    formatCount(r.params) + (r.params && !r.trainable ? ' *' : ''),
    formatCompact(r.macs),
    `${r.receptiveField}×${r.receptiveField} (jump ${r.jump})`,
  ];
}

/** A block's row: its name and size, what it outputs, and its parameters split into trainable and frozen. */
function blockCells(model: SummaryViewModel, b: SummaryBlock, depth: number, expanded: boolean): string[] {
  const first = model.rows[b.first];
  const last = model.rows[b.last];
  const frozen = b.params - b.trainableParams;
  const params = frozen === 0 ? formatCount(b.params) : b.trainableParams === 0 ? `${formatCount(b.params)} frozen` : `${formatCount(b.params)} (${formatCount(frozen)} frozen)`;
  return [
    `${first.index}–${last.index}`,
    `${indent(depth)}${expanded ? '▾' : '▸'} ${b.path} (${b.last - b.first + 1} layers)`,
    shapeLabel(b.outputShape),
    params,
    formatCompact(b.macs),
    `${last.receptiveField}×${last.receptiveField} (jump ${last.jump})`,
  ];
}
