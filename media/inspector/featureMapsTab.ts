/**
 * Feature maps: one layer at a time as a grid of small heatmaps (paged), with shape and value range; click a
 * map to enlarge it and read its values on hover. "Show in model file" reveals the layer's line.
 */
import type { InspectResult, LayerInfo } from '../../src/protocol/inspect';
import type { Tab, TabContext } from './context';
import { button, el, field, formatValue, select, setPicture, statusLine, tileAt } from './dom';

const PAGE = 32;
type Maps = Extract<InspectResult, { kind: 'featureMaps' }>;
type OneMap = Extract<InspectResult, { kind: 'featureMap' }>;

export class FeatureMapsTab implements Tab {
  readonly title = 'Feature maps';
  readonly needsInput = true;
  readonly element: HTMLElement;
  private layer: number;
  private first = 0;
  private maps: Maps | undefined;
  private enlarged: OneMap | undefined;
  private readonly layerSelect: HTMLSelectElement;
  private readonly info = el('div', 'caption');
  private readonly grid = el('img', 'grid-image clickable');
  private readonly big = el('img', 'big-image');
  private readonly bigCaption = el('div', 'caption');
  private readonly readout = el('div', 'readout');
  private readonly status = statusLine();
  private readonly pageLabel = el('span', 'page-label');

  constructor(private readonly ctx: TabContext) {
    const layers = ctx.info.layers;
    this.layer = layers[0]?.index ?? 1;
    this.layerSelect = select(layers.map((l) => [String(l.index), layerLabel(l)]), String(this.layer), (v) => this.setLayer(Number(v)));
    const paging = el('span', 'row', button('◀', () => this.page(-1), 'Previous channels'), this.pageLabel, button('▶', () => this.page(1), 'Next channels'));
    const controls = el('div', 'row', field('Layer', this.layerSelect), paging, button('Show in model file', () => ctx.controller.revealLayer(this.layer)));
    this.grid.addEventListener('click', (e) => this.enlarge(e));
    this.big.addEventListener('mousemove', (e) => this.readValue(e));
    this.element = el('section', 'tab', controls, this.status.element, this.info, el('div', 'split', el('div', 'grid-box', this.grid), el('div', 'big-box', this.big, this.bigCaption, this.readout)));
  }

  /** Selects a layer (from the layer list or the editor) and redraws, unless `redraw` is false. */
  setLayer(layer: number, redraw = true): void {
    this.layer = layer;
    this.layerSelect.value = String(layer);
    this.first = 0;
    if (redraw) this.refresh();
  }

  refresh(): void {
    this.status.set('Computing…');
    this.ctx.controller.request({ kind: 'featureMaps', layer: this.layer, first: this.first, count: PAGE }).result.then(
      (maps) => {
        this.maps = maps;
        this.status.set('');
        setPicture(this.grid, maps.picture);
        const last = Math.min(maps.channels, this.first + PAGE);
        this.pageLabel.textContent = `channels ${this.first}–${last - 1} of ${maps.channels}`;
        this.info.textContent = `output [${maps.shape.join(', ')}], values ${formatValue(maps.range.min)} … ${formatValue(maps.range.max)} · each map scaled to its own range · click one to enlarge`;
      },
      (e: Error) => this.status.set(e.message, true),
    );
  }

  private page(step: number): void {
    const channels = this.maps?.channels ?? 0;
    const next = this.first + step * PAGE;
    if (next < 0 || next >= channels) return;
    this.first = next;
    this.refresh();
  }

  private enlarge(event: MouseEvent): void {
    if (!this.maps) return;
    const hit = tileAt(event, this.grid, this.maps.layout);
    if (!hit) return;
    const channel = this.maps.layout.first + hit.tile;
    if (channel >= this.maps.channels) return;
    this.ctx.controller.request({ kind: 'featureMap', layer: this.layer, channel }).result.then(
      (one) => {
        this.enlarged = one;
        setPicture(this.big, one.picture);
        const range = this.maps?.layout.ranges[hit.tile];
        this.bigCaption.textContent = `layer ${one.layer}, channel ${one.channel}: ${one.height}×${one.width}${range ? `, ${formatValue(range.min)} … ${formatValue(range.max)}` : ''}`;
      },
      (e: Error) => this.status.set(e.message, true),
    );
  }

  private readValue(event: MouseEvent): void {
    const one = this.enlarged;
    if (!one) return;
    const rect = this.big.getBoundingClientRect();
    const x = Math.floor(((event.clientX - rect.left) / Math.max(1, rect.width)) * one.width);
    const y = Math.floor(((event.clientY - rect.top) / Math.max(1, rect.height)) * one.height);
    if (x < 0 || y < 0 || x >= one.width || y >= one.height) return;
    this.readout.textContent = `(${y}, ${x}) = ${formatValue(one.values[y * one.width + x])}`;
  }
}

function layerLabel(l: LayerInfo): string {
  return `${l.index}. ${l.text} → [${l.outputShape.join(', ')}]`;
}
