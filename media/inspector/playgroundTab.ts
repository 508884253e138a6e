/**
 * Convolution playground: hand-written kernels (presets or typed) on the current input with a padding mode and
 * stride, the output size by the formula, then an optional max- or average-pooling step.
 */
import { isKernelPreset, KERNEL_PRESETS, parseKernel } from '../../src/inspect/playground/kernels';
import type { PaddingModeName } from '../../src/protocol/inspect';
import type { Tab, TabContext } from './context';
import { button, el, field, formatValue, numberInput, select, setPicture, statusLine } from './dom';

const MODES: PaddingModeName[] = ['zeros', 'reflect', 'replicate', 'circular'];

export class PlaygroundTab implements Tab {
  readonly title = 'Convolution playground';
  readonly needsInput = true;
  readonly element: HTMLElement;
  private padding = 1;
  private mode: PaddingModeName = 'zeros';
  private stride = 1;
  private pool: 'none' | 'max' | 'avg' = 'max';
  private poolSize = 2;
  private channel: number | undefined;
  private readonly kernelText = el('textarea', 'kernel');
  private readonly inputImg = el('img', 'play-image');
  private readonly outputImg = el('img', 'play-image');
  private readonly pooledImg = el('img', 'play-image');
  private readonly outputCaption = el('div', 'caption');
  private readonly pooledCaption = el('div', 'caption');
  private readonly status = statusLine();

  constructor(private readonly ctx: TabContext) {
    this.kernelText.rows = 4;
    this.kernelText.spellcheck = false;
    this.setPreset('sobel-vertical');
    const presets = Object.entries(KERNEL_PRESETS).map(([k, v]): [string, string] => [k, v.label]);
    const channels = ctx.info.input[0] ?? 1;
    const channelOptions: Array<[string, string]> = [['mean', channels > 1 ? 'mean of channels' : 'the image'], ...(channels > 1 ? Array.from({ length: channels }, (_, c): [string, string] => [String(c), `channel ${c}`]) : [])];
    const controls = el('div', 'play-controls',
      el('div', 'row', field('Preset', select(presets, 'sobel-vertical', (v) => isKernelPreset(v) && this.setPreset(v))), field('Input', select(channelOptions, 'mean', (v) => (this.channel = v === 'mean' ? undefined : Number(v))))),
      field('Kernel (rows separated by ; or new lines)', this.kernelText),
      el('div', 'row',
        field('Padding', numberInput(this.padding, 0, 16, (v) => (this.padding = v))),
        field('Mode', select(MODES.map((m) => [m, m]), this.mode, (v) => (this.mode = v as PaddingModeName))),
        field('Stride', numberInput(this.stride, 1, 8, (v) => (this.stride = v)))),
      el('div', 'row',
        field('Pooling', select([['none', 'none'], ['max', 'max'], ['avg', 'average']], this.pool, (v) => (this.pool = v as 'none' | 'max' | 'avg'))),
        field('Window (= stride)', numberInput(this.poolSize, 1, 8, (v) => (this.poolSize = v))),
        button('Apply', () => this.refresh())));
    this.element = el('section', 'tab', controls, this.status.element,
      el('div', 'pair',
        el('div', 'panel-box', el('h3', '', 'Input'), this.inputImg),
        el('div', 'panel-box', el('h3', '', 'Convolved'), this.outputImg, this.outputCaption),
        el('div', 'panel-box', el('h3', '', 'Pooled'), this.pooledImg, this.pooledCaption)));
  }

  refresh(): void {
    const parsed = parseKernel(this.kernelText.value);
    if ('error' in parsed) {
      this.status.set(`Kernel: ${parsed.error}`, true);
      return;
    }
    const pool = this.pool === 'none' ? undefined : { kind: this.pool, size: this.poolSize, stride: this.poolSize };
    this.ctx.controller.request({ kind: 'playground', kernel: parsed.kernel, padding: this.padding, paddingMode: this.mode, stride: this.stride, pool, channel: this.channel }).result.then(
      (r) => {
        this.status.set('');
        setPicture(this.inputImg, r.input);
        setPicture(this.outputImg, r.output);
        this.outputCaption.textContent = `${r.outputSize[0]}×${r.outputSize[1]}: ${r.formula} · values ${formatValue(r.outputRange.min)} … ${formatValue(r.outputRange.max)}`;
        this.pooledImg.classList.toggle('hidden', !r.pooled);
        if (r.pooled && r.pooledSize) setPicture(this.pooledImg, r.pooled);
        this.pooledCaption.textContent = r.pooledSize ? `${r.pooledSize[0]}×${r.pooledSize[1]}: ${r.poolFormula}` : 'No pooling.';
      },
      (e: Error) => this.status.set(e.message, true),
    );
  }

  private setPreset(name: keyof typeof KERNEL_PRESETS): void {
    this.kernelText.value = KERNEL_PRESETS[name].kernel.map((row) => row.map(kernelValue).join(' ')).join('\n');
  }
}

/** Ninths (the box blur) as fractions, so that the typed kernel is exact. */
function kernelValue(v: number): string {
  const ninths = v * 9;
  return Number.isInteger(v) || Math.abs(ninths - Math.round(ninths)) > 1e-9 ? formatValue(v) : `${Math.round(ninths)}/9`;
}
