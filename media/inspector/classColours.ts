/** Class colours of the scatter plots (embeddings, latent plane) and their legend. */
import { el } from './dom';

/** Category colours (Tableau 10), distinguishable on light and dark themes. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** One swatch and name per class. */
export function classLegend(classes: readonly string[]): HTMLElement[] {
  return classes.map((name, c) => {
    const swatch = el('span', 'swatch');
    swatch.style.background = PALETTE[c % PALETTE.length];
    return el('span', 'legend-item', swatch, name);
  });
}
