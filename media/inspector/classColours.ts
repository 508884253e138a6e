/** Class colours of the scatter plots (embeddings, latent plane) and their legend. */
import { CLASS_PALETTE } from '../../src/protocol/classPalette';
import { el } from './dom';

/** Category colours (Tableau 10), distinguishable on light and dark themes (shared with `cnnlab inspect`'s plots). */
export const PALETTE = CLASS_PALETTE;

/** One swatch and name per class. */
export function classLegend(classes: readonly string[]): HTMLElement[] {
  return classes.map((name, c) => {
    const swatch = el('span', 'swatch');
    swatch.style.background = PALETTE[c % PALETTE.length];
    return el('span', 'legend-item', swatch, name);
  });
}
