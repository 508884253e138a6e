/**
 * What excites a filter: inputs synthesised by gradient ascent (jitter and blur, seeded) for a page of a layer's
 * channels, with progress and Cancel; click a tile to see the test images that excite that channel most, cut to
 * the receptive field of their strongest unit.
 */
import type { InspectResult } from '../../src/protocol/inspect';
import type { Tab, TabContext } from './context';
import { defaultVisualLayer, layerOptions } from './context';
import { el, field, formatValue, numberInput, select, setPicture, statusLine, tileAt } from './dom';
import { LongRequest } from './longRequest';

type Synthesised = Extract<InspectResult, { kind: 'activationMax' }>;

export class ActivationMaxTab implements Tab {
  readonly title = 'Activation max';
  readonly needsInput = false;
  readonly element: HTMLElement;
  private layer: number;
  private first = 0;
  private count = 16;
  private steps = 64;
  private seed = 0;
  private result: Synthesised | undefined;
  private readonly grid = el('img', 'grid-image clickable');
  private readonly caption = el('div', 'caption');
  private readonly top = el('img', 'grid-image');
  private readonly topCaption = el('div', 'caption');
  private readonly status = statusLine();
  private readonly synthesis: LongRequest;
  private readonly search: LongRequest;

  constructor(ctx: TabContext) {
    this.layer = defaultVisualLayer(ctx.info);
    this.synthesis = new LongRequest(ctx, 'Synthesise', () => this.synthesise());
    this.search = new LongRequest(ctx, 'Top images', () => this.showTop(this.first));
    const layerSelect = select(layerOptions(ctx.info), String(this.layer), (v) => (this.layer = Number(v)));
    this.grid.addEventListener('click', (e) => {
      const at = this.result && tileAt(e, this.grid, this.result.layout);
      if (at && this.result && at.tile < this.result.channels.length && !this.search.busy) this.showTop(this.result.channels[at.tile]);
    });
    this.element = el('section', 'tab',
      el('div', 'row', field('Layer', layerSelect), field('First channel', numberInput(this.first, 0, 4096, (v) => (this.first = v))),
        field('Channels', numberInput(this.count, 1, 64, (v) => (this.count = v))), field('Steps', numberInput(this.steps, 1, 2000, (v) => (this.steps = v))),
        field('Seed', numberInput(this.seed, 0, 1e6, (v) => (this.seed = v))), this.synthesis.button),
      this.synthesis.progress.element, this.status.element, this.grid, this.caption,
      el('h3', '', 'Test images that excite the channel most'), this.search.progress.element, this.top, this.topCaption);
    this.caption.textContent = 'Synthesise inputs that maximise each channel’s mean activation; click a tile for its top test images.';
  }

  refresh(): void {
    // Nothing runs by itself: gradient ascent takes a while, the user starts it.
  }

  private synthesise(): void {
    this.status.set('');
    this.synthesis.run({ kind: 'activationMax', layer: this.layer, first: this.first, count: this.count, steps: this.steps, seed: this.seed }, 'steps').then(
      (r) => {
        this.result = r;
        setPicture(this.grid, r.picture);
        const rose = r.gains.filter((g) => g > 0).length;
        this.caption.textContent = `${r.complete ? '' : '(stopped) '}Layer ${r.layer}, channels ${r.channels[0]}–${r.channels.at(-1)} after ${r.stepsDone} steps: `
          + `${rose} of ${r.gains.length} channels rose (mean gain ${formatValue(r.gains.reduce((s, g) => s + g, 0) / Math.max(1, r.gains.length))}). Click a tile for its top test images.`;
      },
      (e: Error) => this.status.set(e.message, true),
    );
  }

  private showTop(channel: number): void {
    const layer = this.result?.layer ?? this.layer;
    this.search.run({ kind: 'topImages', layer, channel, k: 9 }, 'images').then(
      (t) => {
        setPicture(this.top, t.picture);
        const field = t.images[0]?.field.size ?? 0;
        this.topCaption.textContent = `Layer ${t.layer}, channel ${t.channel}: the ${t.images.length} strongest of ${t.searched} test images (#${t.images.map((i) => i.index).join(', #')}), each cut to the ${field}×${field} receptive field of its strongest unit; values ${t.images.map((i) => formatValue(i.value)).join(', ')}.`;
      },
      (e: Error) => this.status.set(e.message, true),
    );
  }
}
