/**
 * The input column: choose a test image (index, class, random) or a file; shows it with what the run's task says of
 * it: the top-k predictions as bars, an autoencoder's reconstruction and its error, or a detector's boxes.
 */
import type { RunInfo } from '../../src/protocol/inspect';
import type { InspectorController } from './controller';
import type { InputResult } from './context';
import { classOptions } from './context';
import { button, el, field, numberInput, select, setPicture, statusLine } from './dom';

const TOP_K = 5;

export class InputPane {
  readonly element: HTMLElement;
  private readonly img = el('img', 'input-image');
  private readonly caption = el('div', 'caption');
  private readonly bars = el('div', 'bars');
  private readonly answerTitle = el('h3', '', 'Predictions');
  private readonly status = statusLine();
  private index = 0;
  private classIndex = 0;
  private nth = 0;
  private seed = 1;

  constructor(private readonly controller: InspectorController, private readonly info: RunInfo, private readonly onInput: (input: InputResult) => void) {
    const hasData = info.testCount > 0;
    const byIndex = el('div', 'row',
      field(`Test image (0–${Math.max(0, info.testCount - 1)})`, numberInput(0, 0, Math.max(0, info.testCount - 1), (v) => (this.index = v))),
      button('Show', () => this.choose({ kind: 'test', index: this.index })));
    const byClass = el('div', 'row',
      field('Class', select(classOptions(info), '0', (v) => (this.classIndex = Number(v)))),
      field('#', numberInput(0, 0, 9999, (v) => (this.nth = v))),
      button('Show', () => this.choose({ kind: 'class', classIndex: this.classIndex, nth: this.nth })));
    const other = el('div', 'row',
      button('Random', () => this.choose({ kind: 'random', seed: this.seed++ }), 'A random test image'),
      button('Image file…', () => this.pickFile(), 'A PNG or JPEG file from the workspace'));
    const data = hasData ? [byIndex, byClass] : [el('div', 'note', `Dataset unavailable: ${info.datasetProblem ?? 'no test images'}. Inspect an image file instead.`)];
    this.element = el('section', 'input-pane', el('h2', '', 'Input'), ...data, other, this.status.element, el('div', 'input-view', this.img, this.caption), this.answerTitle, this.bars);
    if (!hasData) other.firstElementChild?.setAttribute('disabled', '');
  }

  /** Shows the first test image (or waits for a file when there is no dataset). */
  start(): void {
    if (this.info.testCount > 0) this.choose({ kind: 'test', index: 0 });
  }

  private choose(input: { kind: 'test'; index: number } | { kind: 'class'; classIndex: number; nth: number } | { kind: 'random'; seed: number }): void {
    this.status.set('Loading…');
    this.controller.request({ kind: 'input', input, topK: TOP_K }).result.then((r) => this.show(r), (e: Error) => this.status.set(e.message, true));
  }

  private pickFile(): void {
    this.controller.pickFile(TOP_K).then((r) => this.show(r), (e: Error) => this.status.set(e.message, true));
  }

  private show(result: InputResult): void {
    this.status.set('');
    setPicture(this.img, result.picture);
    const truth = result.label === null ? '' : ` · true class: ${this.info.classes[result.label] ?? result.label}`;
    this.caption.textContent = `${result.source} · ${result.channels}×${result.height}×${result.width}${truth}`;
    const detections = result.detections;
    if (detections) {
      this.answerTitle.textContent = 'Detections';
      const out = el('img', 'input-image detections-image');
      setPicture(out, detections.picture);
      const rows = detections.boxes.map((b) => el('div', 'caption box-row', `${b.class} ${(100 * b.score).toFixed(1)}% · (${b.x1}, ${b.y1}) – (${b.x2}, ${b.y2})`));
      this.bars.replaceChildren(out, ...(rows.length ? rows : [el('div', 'caption', 'No object found.')]));
      this.onInput(result);
      return;
    }
    const reconstruction = result.reconstruction;
    if (reconstruction) {
      this.answerTitle.textContent = 'Reconstruction';
      const out = el('img', 'input-image');
      setPicture(out, reconstruction.picture);
      this.bars.replaceChildren(out, el('div', 'caption', `error (MSE per pixel, [0, 1] units): ${reconstruction.error.toFixed(6)}`));
      this.onInput(result);
      return;
    }
    this.answerTitle.textContent = 'Predictions';
    this.bars.replaceChildren(...result.predictions.map((p) => {
      const fill = el('div', `bar-fill${p.classIndex === result.label ? ' correct' : ''}`);
      fill.style.width = `${(100 * p.probability).toFixed(1)}%`;
      return el('div', 'bar-row', el('span', 'bar-label', p.className), el('div', 'bar-track', fill), el('span', 'bar-value', `${(100 * p.probability).toFixed(1)}%`));
    }));
    this.onInput(result);
  }
}
