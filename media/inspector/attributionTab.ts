/**
 * Which pixels matter: the saliency map (gradient of a class score w.r.t. the input) and the occlusion map
 * (drop of the class probability under a sliding grey patch, with progress and Cancel), side by side.
 */
import type { Tab, TabContext } from './context';
import { classOptions, predictedClass } from './context';
import { button, el, field, formatValue, numberInput, progressBar, select, setPicture, statusLine } from './dom';

export class AttributionTab implements Tab {
  readonly title = 'Saliency & occlusion';
  readonly needsInput = true;
  readonly element: HTMLElement;
  private classIndex = 0;
  private classChosen = false;
  private patch: number;
  private stride: number;
  private running: number | undefined;
  private readonly classSelect: HTMLSelectElement;
  private readonly saliencyImg = el('img', 'overlay-image');
  private readonly saliencyCaption = el('div', 'caption');
  private readonly occlusionImg = el('img', 'overlay-image');
  private readonly occlusionCaption = el('div', 'caption');
  private readonly progress = progressBar();
  private readonly status = statusLine();
  private readonly runButton: HTMLButtonElement;

  constructor(private readonly ctx: TabContext) {
    const side = Math.min(ctx.info.input[1] ?? 28, ctx.info.input[2] ?? 28);
    this.patch = Math.max(1, Math.ceil(side / 7));
    this.stride = Math.max(1, Math.floor(this.patch / 2));
    this.classSelect = select(classOptions(ctx.info), '0', (v) => {
      this.classIndex = Number(v);
      this.classChosen = true;
      this.refresh();
    });
    this.runButton = button('Run occlusion', () => this.toggleOcclusion());
    const occlusionControls = el('div', 'row', field('Patch', numberInput(this.patch, 1, side, (v) => (this.patch = v))), field('Stride', numberInput(this.stride, 1, side, (v) => (this.stride = v))), this.runButton);
    this.element = el('section', 'tab',
      el('div', 'row', field('Class', this.classSelect)), this.status.element,
      el('div', 'pair',
        el('div', 'panel-box', el('h3', '', 'Saliency'), this.saliencyImg, this.saliencyCaption),
        el('div', 'panel-box', el('h3', '', 'Occlusion'), occlusionControls, this.progress.element, this.occlusionImg, this.occlusionCaption)));
  }

  refresh(): void {
    if (!this.classChosen) {
      this.classIndex = predictedClass(this.ctx.input());
      this.classSelect.value = String(this.classIndex);
    }
    this.occlusionImg.removeAttribute('src');
    this.occlusionCaption.textContent = 'Run occlusion to see which regions the class depends on.';
    this.ctx.controller.request({ kind: 'saliency', classIndex: this.classIndex }).result.then(
      (s) => {
        setPicture(this.saliencyImg, s.picture);
        this.saliencyCaption.textContent = `|∂ score(${this.ctx.info.classes[s.classIndex]}) / ∂ pixel|, max over channels (largest ${formatValue(s.max)})`;
      },
      (e: Error) => this.status.set(e.message, true),
    );
  }

  private toggleOcclusion(): void {
    if (this.running !== undefined) {
      this.ctx.controller.cancel(this.running);
      return;
    }
    const { id, result } = this.ctx.controller.request(
      { kind: 'occlusion', classIndex: this.classIndex, patch: this.patch, stride: this.stride },
      (done, total) => this.progress.set(done / Math.max(1, total), `${done} / ${total} patches`),
    );
    this.running = id;
    this.runButton.textContent = 'Cancel';
    this.progress.set(0, 'Starting…');
    result.then(
      (o) => {
        setPicture(this.occlusionImg, o.picture);
        const name = this.ctx.info.classes[o.classIndex];
        this.occlusionCaption.textContent = `${o.complete ? '' : '(stopped) '}p(${name}) = ${formatValue(o.baseline)} unoccluded; largest drop ${formatValue(o.maxDrop)} over ${o.rows}×${o.cols} patch positions`;
      },
      (e: Error) => this.status.set(e.message, true),
    ).finally(() => {
      this.running = undefined;
      this.runButton.textContent = 'Run occlusion';
      this.progress.set(undefined);
    });
  }
}
