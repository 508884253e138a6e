/**
 * Embeddings: the feature vectors the classifier head sees (or any layer's output; an autoencoder's bottleneck by
 * default) for up to a few thousand test images, reduced to 2-D with PCA or t-SNE, drawn as a scatter coloured by
 * class; hovering a point shows its image.
 */
import type { InspectResult } from '../../src/protocol/inspect';
import { embeddingLayerOptions, embeddingSource } from './embeddingLayers';
import { classLegend, PALETTE } from './classColours';
import type { Tab, TabContext } from './context';
import { button, el, field, formatValue, numberInput, progressBar, select, setPicture, statusLine } from './dom';

type Embedding = Extract<InspectResult, { kind: 'embeddings' }>;

const SIZE = 480;
const MARGIN = 12;

export class EmbeddingsTab implements Tab {
  readonly title = 'Embeddings';
  readonly needsInput = false;
  readonly element: HTMLElement;
  private count = 1000;
  private method: 'pca' | 'tsne' = 'pca';
  private perplexity = 30;
  /** '' for the input of the last Linear layer, else a layer index. */
  private layer: string;
  private embedding: Embedding | undefined;
  private screen: Float32Array = new Float32Array(0);
  private readonly canvas = el('canvas', 'scatter');
  private readonly legend = el('div', 'legend');
  private readonly caption = el('div', 'caption');
  private readonly tooltip = el('div', 'tooltip hidden');
  private readonly tooltipImg = el('img', '');
  private readonly tooltipText = el('div', '');
  private readonly thumbnails = new Map<number, Extract<InspectResult, { kind: 'thumbnail' }>>();
  private readonly progress = progressBar();
  private readonly status = statusLine();
  private hovered = -1;
  private running: number | undefined;
  private readonly computeButton: HTMLButtonElement;

  constructor(private readonly ctx: TabContext) {
    this.canvas.width = SIZE;
    this.canvas.height = SIZE;
    this.tooltip.append(this.tooltipImg, this.tooltipText);
    this.computeButton = button('Compute', () => this.compute());
    const max = Math.min(3000, ctx.info.testCount);
    this.count = Math.min(this.count, max);
    const layers = embeddingLayerOptions(ctx.info);
    this.layer = layers.value;
    const controls = el('div', 'row',
      field(`Test images (≤ ${max})`, numberInput(this.count, 1, Math.max(1, max), (v) => (this.count = v))),
      field('Features', select(layers.options, this.layer, (v) => (this.layer = v))),
      field('Method', select([['pca', 'PCA'], ['tsne', 't-SNE']], this.method, (v) => (this.method = v === 'tsne' ? 'tsne' : 'pca'))),
      field('Perplexity', numberInput(this.perplexity, 2, 100, (v) => (this.perplexity = v))),
      this.computeButton);
    this.canvas.addEventListener('mousemove', (e) => this.hover(e));
    this.canvas.addEventListener('mouseleave', () => this.tooltip.classList.add('hidden'));
    const body = ctx.info.testCount > 0 ? [controls, this.progress.element, this.status.element, el('div', 'scatter-box', this.canvas, this.tooltip), this.legend, this.caption] : [el('div', 'note', 'The test set is not available, so there is nothing to embed.')];
    this.element = el('section', 'tab', ...body);
  }

  refresh(): void {
    if (!this.embedding && this.ctx.info.testCount > 0) this.compute();
  }

  /** Starts a computation, or cancels the one running. */
  private compute(): void {
    if (this.running !== undefined) {
      this.ctx.controller.cancel(this.running);
      return;
    }
    this.progress.set(0, 'Computing feature vectors…');
    const request = { kind: 'embeddings' as const, count: this.count, method: this.method, perplexity: this.perplexity, seed: 0, ...(this.layer ? { layer: Number(this.layer) } : {}) };
    const { id, result } = this.ctx.controller.request(request, (done, total, message) => this.progress.set(done / Math.max(1, total), `${message} ${done}/${total}`));
    this.running = id;
    this.computeButton.textContent = 'Cancel';
    result.then(
      (e) => {
        this.embedding = e;
        this.status.set('');
        this.draw(e);
      },
      (err: Error) => this.status.set(err.message, true),
    ).finally(() => {
      this.running = undefined;
      this.computeButton.textContent = 'Compute';
      this.progress.set(undefined);
    });
  }

  private draw(e: Embedding): void {
    const n = e.labels.length;
    let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      minX = Math.min(minX, e.points[2 * i]);
      maxX = Math.max(maxX, e.points[2 * i]);
      minY = Math.min(minY, e.points[2 * i + 1]);
      maxY = Math.max(maxY, e.points[2 * i + 1]);
    }
    const span = Math.max(maxX - minX, maxY - minY, 1e-9);
    const scale = (SIZE - 2 * MARGIN) / span;
    this.screen = new Float32Array(2 * n);
    const g = this.canvas.getContext('2d');
    if (!g) return;
    g.clearRect(0, 0, SIZE, SIZE);
    for (let i = 0; i < n; i++) {
      const x = MARGIN + (e.points[2 * i] - minX) * scale;
      const y = SIZE - MARGIN - (e.points[2 * i + 1] - minY) * scale;
      this.screen[2 * i] = x;
      this.screen[2 * i + 1] = y;
      g.fillStyle = PALETTE[e.labels[i] % PALETTE.length];
      g.globalAlpha = 0.8;
      g.fillRect(x - 2, y - 2, 4, 4);
    }
    this.legend.replaceChildren(...classLegend(this.ctx.info.classes));
    const variance = e.explainedRatio ? ` · explained variance ${e.explainedRatio.map((r) => `${formatValue(100 * r)}%`).join(', ')}` : '';
    this.caption.textContent = `${n} test images, ${e.featureSize}-dimensional features (${embeddingSource(this.ctx.info, e.layer)}), ${e.method === 'pca' ? 'PCA' : 't-SNE'}${variance}`;
  }

  private hover(event: MouseEvent): void {
    const rect = this.canvas.getBoundingClientRect();
    const x = ((event.clientX - rect.left) * SIZE) / Math.max(1, rect.width);
    const y = ((event.clientY - rect.top) * SIZE) / Math.max(1, rect.height);
    let best = -1;
    let bestD = 36;
    for (let i = 0; i < this.screen.length / 2; i++) {
      const d = (this.screen[2 * i] - x) ** 2 + (this.screen[2 * i + 1] - y) ** 2;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    if (best < 0 || !this.embedding) {
      this.tooltip.classList.add('hidden');
      return;
    }
    this.tooltip.style.left = `${event.clientX - rect.left + 12}px`;
    this.tooltip.style.top = `${event.clientY - rect.top + 12}px`;
    this.tooltip.classList.remove('hidden');
    if (best === this.hovered) return;
    this.hovered = best;
    const index = this.embedding.indices[best];
    this.tooltipText.textContent = `test #${index}: ${this.ctx.info.classes[this.embedding.labels[best]] ?? ''}`;
    const cached = this.thumbnails.get(index);
    if (cached) setPicture(this.tooltipImg, cached.picture);
    else this.ctx.controller.request({ kind: 'thumbnail', index }).result.then((t) => {
      this.thumbnails.set(index, t);
      if (this.hovered === best) setPicture(this.tooltipImg, t.picture);
    }, () => undefined);
  }
}
