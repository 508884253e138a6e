/** Filters: the learned kernels of a Conv2d layer as images (RGB in colour for the first layer), values on hover. */
import type { InspectResult } from '../../src/protocol/inspect';
import type { Tab, TabContext } from './context';
import { button, el, field, formatValue, select, setPicture, statusLine, tileAt } from './dom';

const PAGE = 32;
type Filters = Extract<InspectResult, { kind: 'filters' }>;

export class FiltersTab implements Tab {
  readonly title = 'Filters';
  readonly needsInput = false;
  readonly element: HTMLElement;
  private layer: number;
  private first = 0;
  private filters: Filters | undefined;
  private readonly img = el('img', 'grid-image');
  private readonly caption = el('div', 'caption');
  private readonly readout = el('div', 'readout');
  private readonly status = statusLine();

  constructor(private readonly ctx: TabContext) {
    const convs = ctx.info.convLayers;
    this.layer = convs[0] ?? 0;
    const names = convs.map((i): [string, string] => [String(i), `${i}. ${ctx.info.layers.find((l) => l.index === i)?.text ?? ''}`]);
    const controls = el('div', 'row', field('Layer', select(names, String(this.layer), (v) => this.setLayer(Number(v)))), button('◀', () => this.page(-1)), button('▶', () => this.page(1)));
    this.img.addEventListener('mousemove', (e) => this.readValue(e));
    this.element = el('section', 'tab', convs.length ? controls : el('div', 'note', 'This model has no Conv2d layer.'), this.status.element, this.caption, this.img, this.readout);
  }

  refresh(): void {
    if (!this.layer) return;
    this.status.set('Loading…');
    this.ctx.controller.request({ kind: 'filters', layer: this.layer, first: this.first, count: PAGE }).result.then(
      (f) => {
        this.filters = f;
        this.status.set('');
        setPicture(this.img, f.picture);
        const range = `filters ${this.first}–${Math.min(f.outChannels, this.first + PAGE) - 1} of ${f.outChannels}`;
        const shown = f.colour ? `${f.outChannels} RGB filters` : f.inChannels === 1 ? range : `${range}, one row each, one tile per input channel`;
        this.caption.textContent = `${f.kernelHeight}×${f.kernelWidth} kernels: ${shown} · blue < 0 < red (white = 0)`;
      },
      (e: Error) => this.status.set(e.message, true),
    );
  }

  private setLayer(layer: number): void {
    this.layer = layer;
    this.first = 0;
    this.refresh();
  }

  private page(step: number): void {
    const next = this.first + step * PAGE;
    if (!this.filters || this.filters.colour || next < 0 || next >= this.filters.outChannels) return;
    this.first = next;
    this.refresh();
  }

  private readValue(event: MouseEvent): void {
    const f = this.filters;
    if (!f) return;
    const hit = tileAt(event, this.img, f.layout);
    if (!hit) return;
    const ky = Math.floor((hit.y / f.layout.tileHeight) * f.kernelHeight);
    const kx = Math.floor((hit.x / f.layout.tileWidth) * f.kernelWidth);
    const k = f.kernelHeight * f.kernelWidth;
    if (f.colour) {
      const rgb = [0, 1, 2].map((c) => formatValue(f.values[(hit.tile * 3 + c) * k + ky * f.kernelWidth + kx]));
      this.readout.textContent = `filter ${hit.tile}, (${ky}, ${kx}): R ${rgb[0]}, G ${rgb[1]}, B ${rgb[2]}`;
      return;
    }
    const filter = Math.floor(hit.tile / f.inChannels);
    const channel = hit.tile % f.inChannels;
    const value = f.values[(filter * f.inChannels + channel) * k + ky * f.kernelWidth + kx];
    if (value !== undefined) this.readout.textContent = `filter ${this.first + filter}, input channel ${channel}, (${ky}, ${kx}) = ${formatValue(value)}`;
  }
}
