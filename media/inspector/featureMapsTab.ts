/**
 * Feature maps: one layer (or, in a graph model, one merge) at a time as a grid of small heatmaps (paged), with
 * shape and value range; click a map to enlarge it and read its values on hover. "Show in model file" reveals the
 * layer's line.
 */
import type { InspectResult, LayerInfo, MergeInfo } from '../../src/protocol/inspect';
import { layerLabel, type Tab, type TabContext } from './context';
import { button, el, field, formatValue, select, setPicture, statusLine, tileAt } from './dom';

const PAGE = 32;
type Maps = Extract<InspectResult, { kind: 'featureMaps' }>;
type OneMap = Extract<InspectResult, { kind: 'featureMap' }>;

export class FeatureMapsTab implements Tab {
  readonly title = 'Feature maps';
  readonly needsInput = true;
  readonly element: HTMLElement;
  private layer: number;
  /** The merge shown instead of a layer, if any. */
  private merge: number | undefined;
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
    this.layerSelect = select(sourceOptions(layers, ctx.info.merges), String(this.layer), (v) => this.setSource(v));
    const paging = el('span', 'row', button('◀', () => this.page(-1), 'Previous channels'), this.pageLabel, button('▶', () => this.page(1), 'Next channels'));
    const controls = el('div', 'row', field('Layer', this.layerSelect), paging, button('Show in model file', () => this.reveal()));
    this.grid.addEventListener('click', (e) => this.enlarge(e));
    this.big.addEventListener('mousemove', (e) => this.readValue(e));
    this.element = el('section', 'tab', controls, this.status.element, this.info, el('div', 'split', el('div', 'grid-box', this.grid), el('div', 'big-box', this.big, this.bigCaption, this.readout)));
  }

  /** Selects a layer (from the layer list or the editor) and redraws, unless `redraw` is false. */
  setLayer(layer: number, redraw = true): void {
    this.layer = layer;
    this.merge = undefined;
    this.layerSelect.value = String(layer);
    this.first = 0;
    if (redraw) this.refresh();
  }

  /** An option of the list: a layer index, or `merge:N`. */
  private setSource(value: string): void {
    const merge = /^merge:(\d+)$/.exec(value);
    if (!merge) return this.setLayer(Number(value));
    this.merge = Number(merge[1]);
    this.first = 0;
    this.refresh();
  }

  private reveal(): void {
    const merge = this.ctx.info.merges.find((m) => m.index === this.merge);
    // A merge has no layer index: reveal the layer that reads it, or else the last one before it.
    const layer = merge ? this.ctx.info.layers.reduce((best, l) => (l.line <= merge.line ? l.index : best), this.layer) : this.layer;
    this.ctx.controller.revealLayer(layer);
  }

  refresh(): void {
    this.status.set('Computing…');
    this.ctx.controller.request({ kind: 'featureMaps', layer: this.layer, merge: this.merge, first: this.first, count: PAGE }).result.then(
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
    this.ctx.controller.request({ kind: 'featureMap', layer: this.layer, merge: this.merge, channel }).result.then(
      (one) => {
        this.enlarged = one;
        setPicture(this.big, one.picture);
        const range = this.maps?.layout.ranges[hit.tile];
        const source = one.merge !== undefined ? (this.ctx.info.merges.find((m) => m.index === one.merge)?.text ?? `merge ${one.merge}`) : `layer ${one.layer}`;
        this.bigCaption.textContent = `${source}, channel ${one.channel}: ${one.height}×${one.width}${range ? `, ${formatValue(range.min)} … ${formatValue(range.max)}` : ''}`;
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

/** Layers in file order, each merge listed after the layers written before it. */
function sourceOptions(layers: LayerInfo[], merges: MergeInfo[]): Array<[string, string]> {
  const options: Array<{ line: number; option: [string, string] }> = [
    ...layers.map((l) => ({ line: l.line, option: [String(l.index), layerLabel(l)] as [string, string] })),
    ...merges.map((m) => ({ line: m.line + 0.5, option: [`merge:${m.index}`, mergeLabel(m)] as [string, string] })),
  ];
  return options.sort((a, b) => a.line - b.line).map((o) => o.option);
}

function mergeLabel(m: MergeInfo): string {
  const names = m.names.length ? `${m.names.join(', ')} = ` : '';
  return `${names}${m.text} → [${m.outputShape.join(', ')}]`;
}
