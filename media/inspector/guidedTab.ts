/**
 * Guided backpropagation (positive gradients through positive activations), guided Grad-CAM (the same times the
 * Grad-CAM map) and the deconvnet reconstruction of a chosen layer's strongest unit, side by side. Grey is zero;
 * lighter pixels raise the target, darker ones lower it.
 */
import type { Tab, TabContext } from './context';
import { ClassChoice, defaultVisualLayer, hasClasses, layerOptions } from './context';
import { el, field, formatValue, select, setPicture, statusLine } from './dom';

export class GuidedTab implements Tab {
  readonly title = 'Guided backprop';
  readonly needsInput = true;
  readonly element: HTMLElement;
  private readonly classChoice: ClassChoice;
  private camLayer: number;
  private deconvLayer: number;
  private readonly guided = el('img', 'overlay-image');
  private readonly guidedCam = el('img', 'overlay-image');
  private readonly deconv = el('img', 'overlay-image');
  private readonly guidedCaption = el('div', 'caption');
  private readonly deconvCaption = el('div', 'caption');
  private readonly status = statusLine();

  constructor(private readonly ctx: TabContext) {
    this.camLayer = defaultVisualLayer(ctx.info);
    this.deconvLayer = this.camLayer;
    this.classChoice = new ClassChoice(ctx.info, () => this.refreshGuided());
    const camSelect = select(layerOptions(ctx.info, true), String(this.camLayer), (v) => {
      this.camLayer = Number(v);
      this.refreshGuided();
    });
    const deconvSelect = select(layerOptions(ctx.info), String(this.deconvLayer), (v) => {
      this.deconvLayer = Number(v);
      this.refreshDeconv();
    });
    this.element = el('section', 'tab',
      el('div', 'row', ...(hasClasses(ctx.info) ? [field('Class', this.classChoice.select)] : []), field('Grad-CAM layer', camSelect)), this.status.element,
      el('div', 'pair',
        el('div', 'panel-box', el('h3', '', 'Guided backprop'), this.guided),
        el('div', 'panel-box', el('h3', '', 'Guided Grad-CAM'), this.guidedCam),
        el('div', 'panel-box', el('h3', '', 'Deconvnet'), el('div', 'row', field('Layer', deconvSelect)), this.deconv, this.deconvCaption)),
      this.guidedCaption);
  }

  refresh(): void {
    this.classChoice.follow(this.ctx.input());
    this.refreshGuided();
    this.refreshDeconv();
  }

  private refreshGuided(): void {
    this.status.set('Computing…');
    this.ctx.controller.request({ kind: 'guidedBackprop', classIndex: this.classChoice.index, layer: this.camLayer }).result.then(
      (g) => {
        this.status.set('');
        setPicture(this.guided, g.guided);
        setPicture(this.guidedCam, g.guidedGradCam);
        this.guidedCaption.textContent = `Gradients of the ${g.target}; guided Grad-CAM weights them by Grad-CAM of layer ${g.layer}. Grey = 0, lighter raises it, darker lowers it.`;
      },
      (e: Error) => this.status.set(e.message, true),
    );
  }

  private refreshDeconv(): void {
    this.ctx.controller.request({ kind: 'deconvnet', layer: this.deconvLayer }).result.then(
      (d) => {
        setPicture(this.deconv, d.picture);
        this.deconvCaption.textContent = `Strongest unit of layer ${d.layer}: channel ${d.channel} at (${d.row}, ${d.col}) = ${formatValue(d.value)}, projected back to pixels.`;
      },
      (e: Error) => this.status.set(e.message, true),
    );
  }
}
