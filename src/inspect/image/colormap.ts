/**
 * Colormaps as 256-entry RGB lookup tables: viridis for activations (perceptually uniform, readable in grey),
 * a blue–white–red diverging map for signed values such as filter weights (white is zero), grey for images,
 * and 'hot' for saliency and occlusion overlays.
 */

export type ColormapName = 'viridis' | 'diverging' | 'gray' | 'hot';

/** Control points [position, r, g, b]; the tables interpolate linearly between them. */
const CONTROL_POINTS: Record<ColormapName, Array<[number, number, number, number]>> = {
  viridis: [
    [0.0, 68, 1, 84], [0.1, 72, 36, 117], [0.2, 65, 68, 135], [0.3, 53, 95, 141], [0.4, 42, 120, 142],
    [0.5, 33, 145, 140], [0.6, 34, 168, 132], [0.7, 68, 191, 112], [0.8, 122, 209, 81], [0.9, 189, 223, 38], [1.0, 253, 231, 37],
  ],
  diverging: [[0.0, 33, 102, 172], [0.25, 103, 169, 207], [0.5, 247, 247, 247], [0.75, 239, 138, 98], [1.0, 178, 24, 43]],
  gray: [[0, 0, 0, 0], [1, 255, 255, 255]],
  hot: [[0, 0, 0, 0], [0.4, 230, 0, 0], [0.8, 255, 210, 0], [1, 255, 255, 255]],
};

const tables = new Map<ColormapName, Uint8Array>();

/** The 256×3 RGB table of a colormap (built once). */
export function colormapTable(name: ColormapName): Uint8Array {
  const cached = tables.get(name);
  if (cached) return cached;
  const points = CONTROL_POINTS[name];
  const table = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    let k = 0;
    while (k < points.length - 2 && t > points[k + 1][0]) k++;
    const [t0, ...c0] = points[k];
    const [t1, ...c1] = points[k + 1];
    const f = t1 > t0 ? Math.min(1, Math.max(0, (t - t0) / (t1 - t0))) : 0;
    for (let c = 0; c < 3; c++) table[i * 3 + c] = Math.round(c0[c] + (c1[c] - c0[c]) * f);
  }
  tables.set(name, table);
  return table;
}

/** Minimum and maximum of the finite values (0, 0 when there are none). */
export interface ValueRange {
  min: number;
  max: number;
}

/** The finite range of `values`. */
export function valueRange(values: ArrayLike<number>): ValueRange {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return Number.isFinite(min) && Number.isFinite(max) ? { min, max } : { min: 0, max: 0 };
}

/** A range symmetric around zero, so that the diverging map shows zero as white. */
export function symmetricRange(range: ValueRange): ValueRange {
  const m = Math.max(Math.abs(range.min), Math.abs(range.max));
  return { min: -m, max: m };
}

/** Palette index of the background between grid tiles; map values use indices 0…254. */
export const BACKGROUND_INDEX = 255;
const BACKGROUND_GREY = 40;

const palettes = new Map<ColormapName, Uint8Array>();

/** A 256-colour palette: the colormap sampled at 255 levels (indices 0…254), then the grid background. */
export function colormapPalette(name: ColormapName): Uint8Array {
  const cached = palettes.get(name);
  if (cached) return cached;
  const table = colormapTable(name);
  const palette = new Uint8Array(256 * 3);
  for (let k = 0; k < BACKGROUND_INDEX; k++) {
    const t = Math.round((k * 255) / (BACKGROUND_INDEX - 1)) * 3;
    palette.set(table.subarray(t, t + 3), k * 3);
  }
  palette.fill(BACKGROUND_GREY, BACKGROUND_INDEX * 3);
  palettes.set(name, palette);
  return palette;
}

/**
 * Writes `values` (a width×height map, row-major) as palette indices 0…254 into `out` at `outOffset`, rows
 * `outStride` bytes apart, mapping `range` linearly; a flat range maps to the middle index, NaN (no value) to
 * the background.
 */
export function quantizeInto(values: ArrayLike<number>, width: number, height: number, range: ValueRange, out: Uint8Array, outOffset: number, outStride: number): void {
  const top = BACKGROUND_INDEX - 1;
  const span = range.max - range.min;
  const scale = span > 0 ? top / span : 0;
  const min = range.min;
  for (let y = 0; y < height; y++) {
    let o = outOffset + y * outStride;
    for (let i = y * width, end = i + width; i < end; i++) {
      const v = values[i];
      let k = span > 0 ? ((v - min) * scale + 0.5) | 0 : top >> 1;
      if (v !== v) k = BACKGROUND_INDEX;
      else if (!(k >= 0)) k = 0;
      else if (k > top) k = top;
      out[o++] = k;
    }
  }
}
