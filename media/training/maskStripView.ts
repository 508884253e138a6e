/**
 * The segmentation strip's DOM: a legend of class colours, an opacity slider, and per fixed validation image its
 * input, then its true and predicted masks over it (one row each, so truth and prediction sit one above the other
 * for every image), with the image's mIoU under them. Moving the slider redraws only the overlays.
 */
import { el } from '../components/el';
import { maskOverlays, type StripImage, type StripMasks, type StripView } from './sampleStrip';

export class MaskStripDom {
  /** Kept across epochs, so a chosen opacity stays while training goes on. */
  private opacity = 0.5;

  render(view: StripView, masks: StripMasks): HTMLElement[] {
    const legend = el('div', 'mask-legend');
    legend.setAttribute('aria-label', 'Mask classes');
    for (const c of masks.legend) {
      const swatch = el('span', `swatch${c.rgb ? '' : ' clear'}`);
      swatch.style.background = c.css;
      legend.append(el('span', 'legend-item', swatch, c.rgb ? c.name : `${c.name} (not drawn)`));
    }
    const slider = el('input', 'mask-opacity');
    Object.assign(slider, { type: 'range', min: '0', max: '100', step: '5', value: String(Math.round(this.opacity * 100)) });
    slider.setAttribute('aria-label', 'Mask opacity');
    const overlays: HTMLCanvasElement[][] = [];
    const draw = () => {
      view.items.forEach((item, i) => maskOverlays(item, masks, this.opacity).forEach((image, m) => paint(overlays[m][i], image)));
    };
    slider.addEventListener('input', () => {
      this.opacity = Number(slider.value) / 100;
      draw();
    });
    const grid = el('div', 'sample-strip');
    grid.style.setProperty('--images', String(view.items.length));
    grid.append(el('div', 'strip-label', view.columns[0] ?? 'input'), ...view.items.map((item) => canvasFor(item.images[0], `${item.caption} · ${view.columns[0] ?? 'input'}`, 'input')));
    masks.columns.forEach((name, m) => {
      overlays[m] = view.items.map((item) => canvasFor(item.images[0], `${item.caption} · ${name}`, name));
      grid.append(el('div', 'strip-label', name), ...overlays[m]);
    });
    if (view.errorName !== null) grid.append(el('div', 'strip-label', view.errorName), ...view.items.map((item) => el('div', 'strip-error', item.error)));
    draw();
    return [el('div', 'mask-controls', legend, el('label', 'opacity-label', 'Mask opacity ', slider)), grid];
  }
}

function canvasFor(image: StripImage, title: string, column: string): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.dataset.column = column;
  canvas.title = title;
  paint(canvas, image);
  return canvas;
}

function paint(canvas: HTMLCanvasElement, image: StripImage): void {
  canvas.getContext('2d')?.putImageData(new ImageData(image.rgba, image.width, image.height), 0, 0);
}
