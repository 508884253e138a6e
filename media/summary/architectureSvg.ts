/** Draws the architecture layout as SVG: pseudo-3-D boxes coloured by theme variables (see summary.css). */
import type { ArchBlock, ArchEdgeLayout, ArchLayout } from './architectureLayout';
import { shapeLabel } from '../../src/language/format';

const SVG = 'http://www.w3.org/2000/svg';

/** Merge symbols, as papers draw them. */
const MERGE_SYMBOL = { concat: '‖', add: '+', multiply: '×' } as const;

/** The drawing; clicking or pressing Enter on a block calls `onSelect` with its row (not for the input or merges). */
export function renderArchitecture(layout: ArchLayout, selectedRow: number | undefined, onSelect: (row: number) => void): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${layout.width} ${layout.height}`);
  svg.setAttribute('width', String(layout.width));
  svg.setAttribute('height', String(layout.height));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'Architecture: ' + layout.blocks.map((b) => `${b.types.join(' + ')} ${shapeLabel(b.shape)}`).join(', then ') + (layout.lanes > 1 ? ` (${layout.lanes} parallel branches)` : ''));
  for (const edge of layout.edges) svg.append(edgeGroup(edge));
  for (const block of layout.blocks) svg.append(block.kind === 'merge' ? mergeGroup(block) : blockGroup(block, block.row >= 0 && block.row === selectedRow, onSelect));
  return svg;
}

/** The wire between two stages; a merge input carries its name and shape. */
function edgeGroup(e: ArchEdgeLayout): SVGGElement {
  const g = document.createElementNS(SVG, 'g');
  g.setAttribute('class', `arch-edge${e.arc ? ' arch-skip' : ''}`);
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', e.path);
  g.append(path);
  if (e.name) {
    const label = text('label-edge', e.labelX, e.labelY, `${e.name} ${shapeLabel(e.shape)}`);
    label.setAttribute('text-anchor', 'start');
    g.append(label, title(`${e.name}: ${shapeLabel(e.shape)}`));
  }
  return g;
}

/** A merge: a small circle with its symbol, the op above and the output shape below. */
function mergeGroup(b: ArchBlock): SVGGElement {
  const g = document.createElementNS(SVG, 'g');
  g.setAttribute('class', 'arch-block arch-merge');
  const op = b.types[0] as keyof typeof MERGE_SYMBOL;
  const r = b.width / 2;
  const circle = document.createElementNS(SVG, 'circle');
  circle.setAttribute('class', 'face');
  circle.setAttribute('cx', (b.x + r).toFixed(1));
  circle.setAttribute('cy', (b.y + r).toFixed(1));
  circle.setAttribute('r', r.toFixed(1));
  g.append(circle, text('merge-symbol', b.x + r, b.y + r + 4, MERGE_SYMBOL[op] ?? op));
  g.append(text('label-type', b.x + r, b.y - 6, op + (b.names.length ? ` → ${b.names.join(', ')}` : '')));
  g.append(text('label-shape', b.x + r, b.y + b.height + 16, shapeLabel(b.shape)));
  g.append(title(`${op}: ${shapeLabel(b.shape)}`));
  return g;
}

function blockGroup(b: ArchBlock, selected: boolean, onSelect: (row: number) => void): SVGGElement {
  const g = document.createElementNS(SVG, 'g');
  g.setAttribute('class', `arch-block arch-${b.kind}${selected ? ' selected' : ''}${b.row < 0 ? ' arch-input' : ''}`);
  const { x, y, width: w, height: h, depth: d } = b;
  const dx = d;
  const dy = -d;
  if (d > 0) {
    g.append(polygon('face top', [[x, y], [x + dx, y + dy], [x + w + dx, y + dy], [x + w, y]]));
    g.append(polygon('face side', [[x + w, y], [x + w + dx, y + dy], [x + w + dx, y + h + dy], [x + w, y + h]]));
  }
  g.append(polygon('face front', [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]));
  const centre = x + (w + d) / 2;
  g.append(text('label-type', centre, y + dy - 6, blockLabel(b.types) + (b.names.length ? ` → ${b.names.join(', ')}` : '')));
  g.append(text('label-shape', centre, y + h + 16, shapeLabel(b.shape)));
  g.append(title(`${b.types.join(' → ')}: ${shapeLabel(b.shape)}`));
  if (b.row >= 0) {
    g.setAttribute('tabindex', '0');
    g.setAttribute('role', 'button');
    g.addEventListener('click', () => onSelect(b.row));
    g.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') onSelect(b.row);
    });
  }
  return g;
}

/** `Conv2d`, `Conv2d+ReLU`, or `Linear +2` when more layers share the block (the tooltip lists them all). */
function blockLabel(types: string[]): string {
  if (types.length <= 2) return types.join('+');
  return `${types[0]} +${types.length - 1}`;
}

function title(content: string): SVGTitleElement {
  const t = document.createElementNS(SVG, 'title');
  t.textContent = content;
  return t;
}

function polygon(cls: string, points: number[][]): SVGPolygonElement {
  const p = document.createElementNS(SVG, 'polygon');
  p.setAttribute('class', cls);
  p.setAttribute('points', points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' '));
  return p;
}

function text(cls: string, x: number, y: number, content: string): SVGTextElement {
  const t = document.createElementNS(SVG, 'text');
  t.setAttribute('class', cls);
  t.setAttribute('x', x.toFixed(1));
  t.setAttribute('y', y.toFixed(1));
  t.setAttribute('text-anchor', 'middle');
  t.textContent = content;
  return t;
}
