/**
 * Grad-CAM: where a layer's evidence for a class lies, the map laid over the input with an opacity slider (the two
 * pictures are stacked, so the slider needs no new request). Any layer with a spatial output; default the last
 * Conv2d. Reconstruction runs explain their output's error instead of a class.
 */
import type { Tab, TabContext } from './context';
import { ClassChoice, defaultVisualLayer, hasClasses, layerOptions } from './context';
import { el, field, formatValue, select, setPicture, statusLine } from './dom';

export class GradCamTab implements Tab {
  readonly title = 'Grad-CAM';
  readonly needsInput = true;
  readonly element: HTMLElement;
  private readonly classChoice: ClassChoice;
  private layer: number;
  private readonly base = el('img', 'stack-base');
  private readonly heat = el('img', 'stack-top');
  private readonly caption = el('div', 'caption');
  private readonly status = statusLine();
  private readonly opacity = el('input', 'slider');

  constructor(private readonly ctx: TabContext) {
    this.layer = defaultVisualLayer(ctx.info);
    this.classChoice = new ClassChoice(ctx.info, () => this.refresh());
    const layerSelect = select(layerOptions(ctx.info, true), String(this.layer), (v) => {
      this.layer = Number(v);
      this.refresh();
    });
    this.opacity.type = 'range';
    this.opacity.min = '0';
    this.opacity.max = '100';
    this.opacity.value = '60';
    this.opacity.setAttribute('aria-label', 'Opacity of the map');
    this.opacity.addEventListener('input', () => this.applyOpacity());
    this.applyOpacity();
    const controls = el('div', 'row', ...(hasClasses(ctx.info) ? [field('Class', this.classChoice.select)] : []), field('Layer', layerSelect), field('Opacity', this.opacity));
    this.element = el('section', 'tab', controls, this.status.element, el('div', 'stack', this.base, this.heat), this.caption);
  }

  refresh(): void {
    this.classChoice.follow(this.ctx.input());
    this.status.set('Computing…');
    this.ctx.controller.request({ kind: 'gradCam', classIndex: this.classChoice.index, layer: this.layer }).result.then(
      (cam) => {
        this.status.set('');
        setPicture(this.base, cam.image);
        setPicture(this.heat, cam.heatmap);
        const strongest = Array.from(cam.weights).map((w, k) => [w, k]).sort((a, b) => b[0] - a[0]).slice(0, 3).map(([w, k]) => `${k} (${formatValue(w)})`);
        this.caption.textContent = `Grad-CAM of the ${cam.target} on layer ${cam.layer}: ReLU(Σ α_k A_k) at ${cam.camHeight}×${cam.camWidth}, resized to the input; largest ${formatValue(cam.max)}; heaviest channels α: ${strongest.join(', ')}`;
      },
      (e: Error) => this.status.set(e.message, true),
    );
  }

  private applyOpacity(): void {
    this.heat.style.opacity = String(Number(this.opacity.value) / 100);
  }
}
