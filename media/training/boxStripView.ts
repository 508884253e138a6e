/**
 * The detection strip's DOM: a legend of class colours, a score slider, and per image a canvas with the image and its
 * boxes (truth dashed, detections at or above the score solid and labelled, errors in a heavier stroke) over a caption
 * counting missed and false detections. Moving the slider redraws the boxes only. Used for the live validation strip
 * and for the worst test images.
 */
import { el } from '../components/el';
import { boxCaption, boxesAt, type DrawnBox } from './boxOverlay';
import type { StripBoxes, StripImage, StripView } from './sampleStrip';

/** Canvases are drawn at about this many pixels on their longer side, so boxes and labels stay sharp. */
const DRAWN_SIDE = 192;

export class BoxStripDom {
  /** The user's threshold, kept across epochs; undefined until the slider moves (the strip's shownScore then). */
  private threshold: number | undefined;

  render(view: StripView, boxes: StripBoxes): HTMLElement[] {
    const legend = el('div', 'mask-legend box-legend');
    legend.setAttribute('aria-label', 'Box classes');
    for (const c of boxes.legend) {
      const swatch = el('span', 'swatch');
      swatch.style.borderColor = c.css;
      legend.append(el('span', 'legend-item', swatch, c.name));
    }
    const threshold = () => this.threshold ?? boxes.shownScore;
    const slider = el('input', 'box-score');
    Object.assign(slider, { type: 'range', min: '0', max: '1', step: '0.05', value: String(threshold()) });
    slider.setAttribute('aria-label', 'Score threshold');
    const value = el('span', 'box-score-value', threshold().toFixed(2));
    const figures = view.items.map((item) => {
      const image = item.images[0];
      const scale = Math.max(1, Math.round(DRAWN_SIDE / Math.max(image.width, image.height)));
      const canvas = document.createElement('canvas');
      canvas.width = image.width * scale;
      canvas.height = image.height * scale;
      canvas.dataset.column = 'boxes';
      const caption = el('figcaption', '');
      const figure = el('figure', 'box-image', canvas, caption);
      return { item, image, scale, canvas, caption, figure };
    });
    const draw = () => {
      for (const f of figures) {
        if (!f.item.boxes) continue;
        const at = boxesAt(f.item.boxes, boxes.legend, threshold(), f.scale);
        paint(f.canvas, f.image, at.boxes);
        const text = boxCaption(f.item.boxes, at);
        f.caption.textContent = text;
        f.canvas.title = `${f.item.caption} · ${text}`;
        Object.assign(f.canvas.dataset, { truth: String(f.item.boxes.truth.length), shown: String(at.shown), missed: String(at.missed), falseDetections: String(at.falseDetections) });
      }
    };
    slider.addEventListener('input', () => {
      this.threshold = Number(slider.value);
      value.textContent = this.threshold.toFixed(2);
      draw();
    });
    draw();
    const note = el('span', 'note', 'Truth dashed · detections solid, with their scores · heavier: missed or false at this score');
    return [el('div', 'mask-controls', legend, el('label', 'opacity-label', 'Score ≥ ', slider, value), note), el('div', 'box-strip', ...figures.map((f) => f.figure))];
  }
}

function paint(canvas: HTMLCanvasElement, image: StripImage, boxes: readonly DrawnBox[]): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  // The image at its own size on a scratch canvas, then enlarged without smoothing (pixels stay pixels).
  const source = document.createElement('canvas');
  source.width = image.width;
  source.height = image.height;
  source.getContext('2d')?.putImageData(new ImageData(image.rgba, image.width, image.height), 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
  ctx.font = '11px sans-serif';
  ctx.textBaseline = 'bottom';
  for (const b of boxes) {
    ctx.strokeStyle = b.css;
    ctx.lineWidth = b.error ? 3 : 1.5;
    ctx.setLineDash(b.truth ? [5, 3] : []);
    ctx.strokeRect(b.x + 0.5, b.y + 0.5, Math.max(1, b.width - 1), Math.max(1, b.height - 1));
    if (!b.label) continue;
    // A filled tag above the box (inside it when the box touches the top), readable on any image.
    const w = ctx.measureText(b.label).width + 4;
    const top = b.y >= 13 ? b.y - 13 : b.y;
    ctx.fillStyle = b.css;
    ctx.fillRect(b.x, top, w, 13);
    ctx.fillStyle = '#ffffff';
    ctx.fillText(b.label, b.x + 2, top + 12);
  }
  ctx.setLineDash([]);
}
