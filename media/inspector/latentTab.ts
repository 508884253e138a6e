/**
 * The latent plane of an autoencoder with a 2-value bottleneck: a grid of codes spanning the test images' codes, each
 * decoded into an image by the decoder half, with the test codes drawn over it coloured by class.
 */
import type { InspectResult } from '../../src/protocol/inspect';
import { classLegend, PALETTE } from './classColours';
import type { Tab, TabContext } from './context';
import { button, el, field, formatValue, numberInput, setPicture, statusLine } from './dom';
import { latentToScreen } from './latentPlane';

type LatentGrid = Extract<InspectResult, { kind: 'latentGrid' }>;
const SIZE = 480;

export class LatentTab implements Tab {
  readonly title = 'Latent Plane';
  readonly needsInput = false;
  readonly element: HTMLElement;
  private steps = 12;
  private count = 1000;
  private showCodes = true;
  private grid: LatentGrid | undefined;
  private readonly img = el('img', 'latent-image');
  private readonly overlay = el('canvas', 'latent-overlay');
  private readonly caption = el('div', 'caption');
  private readonly status = statusLine();

  constructor(private readonly ctx: TabContext) {
    const max = Math.min(3000, ctx.info.testCount);
    this.count = Math.min(this.count, Math.max(1, max));
    this.overlay.width = SIZE;
    this.overlay.height = SIZE;
    const codes = el('input', '');
    codes.type = 'checkbox';
    codes.checked = this.showCodes;
    codes.addEventListener('change', () => {
      this.showCodes = codes.checked;
      this.drawCodes();
    });
    const controls = el('div', 'row',
      field('Grid (codes per side)', numberInput(this.steps, 2, 32, (v) => (this.steps = v))),
      field(`Test images (≤ ${max})`, numberInput(this.count, 1, Math.max(1, max), (v) => (this.count = v))),
      el('label', 'field', el('span', 'field-label', 'Test codes'), codes),
      button('Decode', () => this.refresh()));
    const body = ctx.info.testCount > 0
      ? [controls, this.status.element, el('div', 'latent-box', this.img, this.overlay), el('div', 'legend', ...classLegend(ctx.info.classes)), this.caption]
      : [el('div', 'note', 'The test set is not available: its codes set the plane’s extent.')];
    this.element = el('section', 'tab', ...body);
  }

  refresh(): void {
    if (this.ctx.info.testCount === 0) return;
    this.status.set('Decoding…');
    this.ctx.controller.request({ kind: 'latentGrid', steps: this.steps, count: this.count }).result.then(
      (g) => {
        this.grid = g;
        this.status.set('');
        setPicture(this.img, g.picture);
        this.img.width = SIZE;
        this.img.height = SIZE;
        this.drawCodes();
        const f = formatValue;
        this.caption.textContent = `Layer ${g.layer} (the bottleneck): ${g.steps} × ${g.steps} codes from (${f(g.x[0])}, ${f(g.y[0])}) to (${f(g.x[1])}, ${f(g.y[1])}), ` +
          `the 1st–99th percentiles of ${g.labels.length} test codes, each decoded into an image. Dots: the test images’ codes.`;
      },
      (e: Error) => this.status.set(e.message, true),
    );
  }

  private drawCodes(): void {
    const g2 = this.overlay.getContext('2d');
    if (!g2) return;
    g2.clearRect(0, 0, SIZE, SIZE);
    const grid = this.grid;
    if (!grid || !this.showCodes) return;
    g2.globalAlpha = 0.85;
    for (let i = 0; i < grid.labels.length; i++) {
      const p = latentToScreen(grid, grid.points[2 * i], grid.points[2 * i + 1], SIZE);
      if (!p) continue;
      g2.fillStyle = PALETTE[grid.labels[i] % PALETTE.length];
      g2.fillRect(p.x - 2, p.y - 2, 4, 4);
    }
  }
}
