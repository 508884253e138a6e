/** Small DOM helpers of the Inspector page: elements, labelled controls, PNG bytes as images, progress bars. */
import type { PictureData } from '../../src/protocol/inspect';
import { el } from '../components/el';

export { el };

export function button(label: string, onClick: () => void, title = ''): HTMLButtonElement {
  const b = el('button', 'button', label);
  b.type = 'button';
  if (title) b.title = title;
  b.addEventListener('click', onClick);
  return b;
}

/** A <select> of (value, label) pairs. */
export function select(options: Array<[string, string]>, value: string, onChange: (value: string) => void): HTMLSelectElement {
  const s = el('select', 'select');
  for (const [v, label] of options) {
    const o = el('option', '', label);
    o.value = v;
    s.append(o);
  }
  s.value = value;
  s.addEventListener('change', () => onChange(s.value));
  return s;
}

/** A number input with bounds. */
export function numberInput(value: number, min: number, max: number, onChange: (value: number) => void): HTMLInputElement {
  const i = el('input', 'number');
  i.type = 'number';
  i.min = String(min);
  i.max = String(max);
  i.value = String(value);
  i.addEventListener('change', () => {
    const v = Math.round(Number(i.value));
    if (Number.isFinite(v)) onChange(Math.min(max, Math.max(min, v)));
  });
  return i;
}

/** A label around a control. */
export function field(label: string, control: HTMLElement): HTMLLabelElement {
  return el('label', 'field', el('span', 'field-label', label), control);
}

const urls = new WeakMap<HTMLImageElement, string>();

/** Shows PNG bytes in an <img> through a blob: URL (the previous one is released). */
export function setPicture(img: HTMLImageElement, picture: PictureData): void {
  const old = urls.get(img);
  if (old) URL.revokeObjectURL(old);
  // Copy into a plain ArrayBuffer-backed array: Blob refuses views of shared buffers.
  const url = URL.createObjectURL(new Blob([new Uint8Array(picture.png)], { type: 'image/png' }));
  urls.set(img, url);
  img.src = url;
  img.width = picture.width;
  img.height = picture.height;
}

/** A progress bar with a message; `set(undefined)` hides it. */
export function progressBar(): { element: HTMLElement; set(fraction: number | undefined, message?: string): void } {
  const bar = el('div', 'progress-fill');
  const text = el('span', 'progress-text');
  const element = el('div', 'progress hidden', el('div', 'progress-track', bar), text);
  return {
    element,
    set(fraction, message = '') {
      element.classList.toggle('hidden', fraction === undefined);
      bar.style.width = `${Math.round(100 * Math.min(1, Math.max(0, fraction ?? 0)))}%`;
      text.textContent = message;
    },
  };
}

/** A line of status or error text. */
export function statusLine(): { element: HTMLElement; set(text: string, error?: boolean): void } {
  const element = el('div', 'status');
  return {
    element,
    set(text, error = false) {
      element.textContent = text;
      element.classList.toggle('error', error);
    },
  };
}

/** Formats a number for value read-outs (4 significant digits). */
export function formatValue(v: number): string {
  return Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : String(v);
}

/** Maps a mouse position over a grid picture to the tile index and the pixel inside the tile (or undefined on a gap). */
export function tileAt(event: MouseEvent, img: HTMLImageElement, layout: { columns: number; rows: number; tileWidth: number; tileHeight: number; gap: number }): { tile: number; x: number; y: number } | undefined {
  const rect = img.getBoundingClientRect();
  const px = ((event.clientX - rect.left) * img.naturalWidth) / Math.max(1, rect.width);
  const py = ((event.clientY - rect.top) * img.naturalHeight) / Math.max(1, rect.height);
  const col = Math.floor(px / (layout.tileWidth + layout.gap));
  const row = Math.floor(py / (layout.tileHeight + layout.gap));
  const x = px - col * (layout.tileWidth + layout.gap);
  const y = py - row * (layout.tileHeight + layout.gap);
  if (col >= layout.columns || row >= layout.rows || x >= layout.tileWidth || y >= layout.tileHeight || x < 0 || y < 0) return undefined;
  return { tile: row * layout.columns + col, x, y };
}
