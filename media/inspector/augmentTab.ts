/**
 * Augmentation preview: one training image through the model file's augmentation pipeline (the first tile is the
 * original); for a denoising model (data.noise), noisy | clean pairs: the model's input and its target.
 */
import type { Tab, TabContext } from './context';
import { button, el, field, numberInput, setPicture, statusLine } from './dom';

export class AugmentTab implements Tab {
  readonly title = 'Augmentation';
  readonly needsInput = false;
  readonly element: HTMLElement;
  private index = 0;
  private seed = 1;
  private readonly img = el('img', 'grid-image');
  private readonly status = statusLine();

  constructor(private readonly ctx: TabContext) {
    const max = Math.max(0, ctx.info.trainCount - 1);
    const controls = el('div', 'row', field(`Training image (0–${max})`, numberInput(0, 0, max, (v) => (this.index = v))), button('Show', () => this.refresh()), button('Reshuffle', () => {
      this.seed++;
      this.refresh();
    }));
    const note = !this.available() ? 'The model file has no data.augment section nor data.noise: training uses the images as they are.' : ctx.info.trainCount === 0 ? 'The training set is not available.' : '';
    const caption = ctx.info.inputNoise
      ? `Pairs: noisy | clean. The model sees the noisy image (${ctx.info.inputNoise}) and learns to output the clean one.`
      : 'First tile: the original; the others: what training batches see.';
    const body = note ? [el('div', 'note', note)] : [controls, this.status.element, this.img, el('div', 'caption', caption)];
    this.element = el('section', 'tab', ...body);
  }

  refresh(): void {
    if (!this.available() || this.ctx.info.trainCount === 0) return;
    this.ctx.controller.request({ kind: 'augment', count: 16, seed: this.seed, trainIndex: this.index }).result.then(
      (a) => {
        this.status.set('');
        setPicture(this.img, a.picture);
      },
      (e: Error) => this.status.set(e.message, true),
    );
  }

  private available(): boolean {
    return this.ctx.info.hasAugment || this.ctx.info.inputNoise !== null;
  }
}
