/**
 * The confusion-matrix heatmap's view model: cells with counts, the fraction of their true class, a colour
 * intensity, and per-class accuracy; plus raw test-image pixels → RGBA for thumbnails. Pure: tested in Node.
 */
import type { TestMetrics } from '../../src/protocol/runTypes';

export interface ConfusionCell {
  truth: number;
  predicted: number;
  count: number;
  /** count / samples of the true class (0 when the class has none). */
  rowFraction: number;
  /** Heat in [0, 1]: the row fraction, so rare and common classes read alike. */
  intensity: number;
  diagonal: boolean;
}

export interface ConfusionRow {
  className: string;
  total: number;
  accuracy: number | null;
  cells: ConfusionCell[];
}

export interface ConfusionView {
  classes: string[];
  rows: ConfusionRow[];
  samples: number;
  accuracy: number | null;
  loss: number;
}

/** Class names for k classes: the run's names, completed with `class i` if the list is short. */
export function classNames(classes: readonly string[], k: number): string[] {
  return Array.from({ length: k }, (_, i) => classes[i] ?? `class ${i}`);
}

/** Builds the heatmap from the test metrics of summary.json. */
export function confusionView(test: TestMetrics, classes: readonly string[]): ConfusionView {
  const k = test.confusion.length;
  const names = classNames(classes, k);
  const rows = test.confusion.map((row, truth) => {
    const total = row.reduce((a, b) => a + b, 0);
    const cells = row.map((count, predicted) => {
      const rowFraction = total > 0 ? count / total : 0;
      return { truth, predicted, count, rowFraction, intensity: rowFraction, diagonal: truth === predicted };
    });
    return { className: names[truth], total, accuracy: test.perClassAccuracy[truth] ?? null, cells };
  });
  return { classes: names, rows, samples: test.samples, accuracy: test.accuracy, loss: test.loss };
}

/** HWC uint8 pixels (1, 3 or 4 channels) → RGBA for ImageData. */
export function toRgba(pixels: Uint8Array, channels: number): Uint8ClampedArray<ArrayBuffer> {
  const n = Math.floor(pixels.length / Math.max(channels, 1));
  const out = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    const src = i * channels;
    const gray = channels < 3;
    out[i * 4] = pixels[src];
    out[i * 4 + 1] = gray ? pixels[src] : pixels[src + 1];
    out[i * 4 + 2] = gray ? pixels[src] : pixels[src + 2];
    out[i * 4 + 3] = channels === 4 ? pixels[src + 3] : 255;
  }
  return out;
}

/** Base64 → bytes (atob exists in browsers and in Node ≥ 16). */
export function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
