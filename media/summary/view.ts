/** Renders the Model Summary page: header, architecture drawing, table with totals, memory, problems. */
import { createBadge, createTable, type TableColumn } from '../components';
import { formatCount } from '../../src/model/layers/arithmetic';
import { formatBytes, formatCompact, shapeLabel } from '../../src/language/format';
import type { SummaryViewModel } from '../../src/protocol/webview-summary';
import { formatMemory } from '../../src/model/memory/estimate';
import { layoutArchitecture } from './architectureLayout';
import { renderArchitecture } from './architectureSvg';
import type { SummaryView } from './controller';
import { el } from '../components/el';

export interface SummaryViewCallbacks {
  onSelectRow(index: number): void;
  onSelectProblem(index: number): void;
}

const COLUMNS: TableColumn[] = [
  { title: '#', width: '4em', numeric: true },
  { title: 'Layer', width: 'minmax(14em, 3fr)', wrap: true },
  { title: 'Output shape', width: 'minmax(7em, 1fr)' },
  { title: 'Params', width: 'minmax(6em, 1fr)', numeric: true },
  { title: 'MACs', width: 'minmax(5em, 1fr)', numeric: true },
  { title: 'Receptive field', width: 'minmax(7em, 1fr)', numeric: true },
];

export class DomSummaryView implements SummaryView {
  constructor(private readonly root: HTMLElement, private readonly callbacks: SummaryViewCallbacks) {}

  showEmpty(message: string): void {
    this.root.replaceChildren(el('p', 'empty', message));
  }

  showModel(model: SummaryViewModel, selected: number | undefined): void {
    const t = model.totals;
    const header = el('header', 'header');
    header.append(el('h1', '', model.name), el('span', 'subtitle', `${model.fileName} · ${shapeLabel(model.input)} → ${shapeLabel(model.outputShape)}`));
    const drawing = el('section', 'architecture');
    drawing.append(renderArchitecture(layoutArchitecture(model.input, model.rows, model.graph), selected, (i) => this.callbacks.onSelectRow(i)));
    const table = createTable({
      label: 'Layers',
      columns: COLUMNS,
      rows: model.rows.map((r) => [
        String(r.index),
        r.text,
        shapeLabel(r.outputShape),
        formatCount(r.params) + (r.params && !r.trainable ? ' *' : ''),
        formatCompact(r.macs),
        `${r.receptiveField}×${r.receptiveField} (jump ${r.jump})`,
      ]),
      footer: [['', 'Total', '', formatCount(t.params), formatCompact(t.macs), '']],
      selected,
      onRowClick: (i) => this.callbacks.onSelectRow(i),
    });
    this.root.replaceChildren(header, this.problems(model), drawing, table, this.totals(model), this.trainingMemory(model));
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
