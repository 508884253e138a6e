/**
 * Receptive fields side by side: the theoretical field of a layer's central unit outlined on the input, and the
 * effective field (mean |∂unit/∂pixel| over test images) with the same square, so the student sees that the
 * effective one is smaller and Gaussian-like.
 */
import { VISUALISE_DEFAULTS } from '../../src/protocol/inspect';
import type { Tab, TabContext } from './context';
import { defaultVisualLayer, layerOptions } from './context';
import { el, field, numberInput, select, setPicture, statusLine } from './dom';
import { LongRequest } from './longRequest';

export class ReceptiveFieldTab implements Tab {
  readonly title = 'Receptive field';
  readonly needsInput = true;
  readonly element: HTMLElement;
  private layer: number;
  private count: number = VISUALISE_DEFAULTS.fieldImages;
  private readonly theoretical = el('img', 'overlay-image');
  private readonly effective = el('img', 'overlay-image');
  private readonly caption = el('div', 'caption');
  private readonly status = statusLine();
  private readonly task: LongRequest;

  constructor(ctx: TabContext) {
    this.layer = defaultVisualLayer(ctx.info);
    this.task = new LongRequest(ctx, 'Recompute', () => this.refresh());
    const layerSelect = select(layerOptions(ctx.info), String(this.layer), (v) => {
      this.layer = Number(v);
      this.refresh();
    });
    const images = numberInput(this.count, 1, Math.max(1, ctx.info.testCount || 1), (v) => (this.count = v));
    this.element = el('section', 'tab',
      el('div', 'row', field('Layer', layerSelect), field('Test images', images), this.task.button), this.task.progress.element, this.status.element,
      el('div', 'pair',
        el('div', 'panel-box', el('h3', '', 'Theoretical'), this.theoretical),
        el('div', 'panel-box', el('h3', '', 'Effective'), this.effective)),
      this.caption);
  }

  refresh(): void {
    if (this.task.busy) return;
    this.status.set('');
    this.task.run({ kind: 'receptiveField', layer: this.layer, count: this.count }, 'images').then(
      (rf) => {
        setPicture(this.theoretical, rf.theoreticalPicture);
        setPicture(this.effective, rf.effectivePicture);
        const side = rf.theoretical.size;
        this.caption.textContent = `Central unit (${rf.row}, ${rf.col}) of layer ${rf.layer}: theoretical field ${side}×${side} pixels; `
          + `90% of the effective field's weight lies within ${rf.side90}×${rf.side90} (mean |gradient| over ${rf.images} image${rf.images === 1 ? '' : 's'}).`;
      },
      (e: Error) => this.status.set(e.message, true),
    );
  }
}
