/** A scatter plot as a picture (the embedding written by `cnnlab inspect`): points coloured by class, with a legend. */
import { CLASS_PALETTE, classRgb } from '../../protocol/classPalette';
import { encodePng } from './png';
import type { Picture } from './pictures';

const BACKGROUND = 255;
const LEGEND_ROW = 12;

/** `points` holds x, y pairs; the plot is `size` pixels square plus one legend swatch row per class (names are in index.html). */
export function scatterPicture(points: Float32Array, labels: Uint8Array, classes: number, size = 480): Picture {
  const n = labels.length;
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, points[2 * i]);
    maxX = Math.max(maxX, points[2 * i]);
    minY = Math.min(minY, points[2 * i + 1]);
    maxY = Math.max(maxY, points[2 * i + 1]);
  }
  const legend = Math.min(classes, CLASS_PALETTE.length);
  const width = size;
  const height = size + LEGEND_ROW;
  const data = new Uint8Array(width * height * 3).fill(BACKGROUND);
  const rgb = classRgb;
  const dot = (cx: number, cy: number, colour: number[], r: number): void => {
    for (let y = cy - r; y <= cy + r; y++)
      for (let x = cx - r; x <= cx + r; x++)
        if (x >= 0 && y >= 0 && x < width && y < height && (x - cx) ** 2 + (y - cy) ** 2 <= r * r) data.set(colour, (y * width + x) * 3);
  };
  const margin = 8;
  const span = (lo: number, hi: number): number => (hi > lo ? hi - lo : 1);
  for (let i = 0; i < n; i++) {
    const x = margin + Math.round(((points[2 * i] - minX) / span(minX, maxX)) * (size - 2 * margin));
    const y = margin + Math.round(((maxY - points[2 * i + 1]) / span(minY, maxY)) * (size - 2 * margin));
    dot(x, y, rgb(labels[i]), 2);
  }
  // Legend: one swatch per class, in class order, along the bottom.
  for (let c = 0; c < legend; c++) dot(margin + c * 16, size + LEGEND_ROW / 2, rgb(c), 4);
  return { png: encodePng({ width, height, channels: 3, data }), width, height };
}
