/** Draws the architecture layout as SVG: pseudo-3-D boxes coloured by theme variables (see summary.css). */
import type { ArchBlock, ArchLayout } from './architectureLayout';
import { shapeLabel } from '../../src/language/format';

const SVG = 'http://www.w3.org/2000/svg';

/** The drawing; clicking or pressing Enter on a block calls `onSelect` with its row (not for the input). */
export function renderArchitecture(layout: ArchLayout, selectedRow: number | undefined, onSelect: (row: number) => void): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${layout.width} ${layout.height}`);
  svg.setAttribute('width', String(layout.width));
  svg.setAttribute('height', String(layout.height));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'Architecture: ' + layout.blocks.map((b) => `${b.types.join(' + ')} ${shapeLabel(b.shape)}`).join(', then '));
  for (const block of layout.blocks) svg.append(blockGroup(block, block.row >= 0 && block.row === selectedRow, onSelect));
  return svg;
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
  g.append(text('label-type', centre, y + dy - 6, blockLabel(b.types)));
  g.append(text('label-shape', centre, y + h + 16, shapeLabel(b.shape)));
  const title = document.createElementNS(SVG, 'title');
  title.textContent = `${b.types.join(' → ')}: ${shapeLabel(b.shape)}`;
  g.append(title);
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
