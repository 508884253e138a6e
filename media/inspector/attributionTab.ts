/**
 * Which pixels matter: the saliency map (gradient of a class score w.r.t. the input; or SmoothGrad, or Integrated
 * Gradients) and the occlusion map (drop of the class probability under a sliding grey patch, with progress and
 * Cancel), side by side.
 */
import type { SaliencyMethodName } from '../../src/protocol/inspect';
import type { Tab, TabContext } from './context';
import { ClassChoice } from './context';
import { button, el, field, formatValue, numberInput, progressBar, select, setPicture, statusLine } from './dom';

export class AttributionTab implements Tab {
  readonly title = 'Saliency & occlusion';
  readonly needsInput = true;
  readonly element: HTMLElement;
  private readonly classChoice: ClassChoice;
  private patch: number;
  private stride: number;
  private running: number | undefined;
  private method: SaliencyMethodName = 'gradient';
  private readonly saliencyProgress = progressBar();
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
    this.classChoice = new ClassChoice(ctx.info, () => this.refresh());
    this.runButton = button('Run occlusion', () => this.toggleOcclusion());
    const methodSelect = select(METHODS, this.method, (v) => {
      this.method = v as SaliencyMethodName;
      this.refreshSaliency();
    });
    const occlusionControls = el('div', 'row', field('Patch', numberInput(this.patch, 1, side, (v) => (this.patch = v))), field('Stride', numberInput(this.stride, 1, side, (v) => (this.stride = v))), this.runButton);
    this.element = el('section', 'tab',
      el('div', 'row', field('Class', this.classChoice.select)), this.status.element,
      el('div', 'pair',
        el('div', 'panel-box', el('h3', '', 'Saliency'), el('div', 'row', field('Method', methodSelect)), this.saliencyProgress.element, this.saliencyImg, this.saliencyCaption),
        el('div', 'panel-box', el('h3', '', 'Occlusion'), occlusionControls, this.progress.element, this.occlusionImg, this.occlusionCaption)));
  }

  refresh(): void {
    this.classChoice.follow(this.ctx.input());
    this.occlusionImg.removeAttribute('src');
    this.occlusionCaption.textContent = 'Run occlusion to see which regions the class depends on.';
    this.refreshSaliency();
  }

  private refreshSaliency(): void {
    const { result } = this.ctx.controller.request({ kind: 'saliency', classIndex: this.classChoice.index, method: this.method }, (done, total) => this.saliencyProgress.set(done / Math.max(1, total), `${done} / ${total} copies`));
    result.then(
      (s) => {
        setPicture(this.saliencyImg, s.picture);
        this.saliencyCaption.textContent = `${METHOD_WORDS[s.method ?? 'gradient']} of the ${s.target ?? `score(${this.ctx.info.classes[s.classIndex]})`}, max over channels (largest ${formatValue(s.max)})`;
      },
      (e: Error) => this.status.set(e.message, true),
    ).finally(() => this.saliencyProgress.set(undefined));
  }

  private toggleOcclusion(): void {
    if (this.running !== undefined) {
      this.ctx.controller.cancel(this.running);
      return;
    }
    const { id, result } = this.ctx.controller.request(
      { kind: 'occlusion', classIndex: this.classChoice.index, patch: this.patch, stride: this.stride },
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

const METHODS: Array<[SaliencyMethodName, string]> = [['gradient', 'Gradient'], ['smoothgrad', 'SmoothGrad'], ['integrated', 'Integrated Gradients']];
const METHOD_WORDS: Record<SaliencyMethodName, string> = {
  gradient: '|∂/∂pixel|',
  smoothgrad: 'SmoothGrad: |gradient| averaged over 25 noisy copies',
  integrated: 'Integrated Gradients: |attribution| along 32 steps from black',
};
