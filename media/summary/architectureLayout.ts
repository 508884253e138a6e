/**
 * Geometry of the architecture drawing, as CNN courses draw it: one box per feature-map stage (its height
 * follows H, its depth W, its thickness the channel count), thin bars for vectors. Activations, dropout and
 * normalisation join the box of the layer before them, as courses draw "conv + ReLU" as one block. Pure numbers, no DOM.
 */
import type { SummaryRow } from '../../src/protocol/webview-summary';

export interface ArchBlock {
  /** Row index (0-based into rows) of the layer that made this shape; -1 for the input. */
  row: number;
  /** Layer types drawn by this block, e.g. ['Conv2d', 'ReLU']. */
  types: string[];
  shape: number[];
  kind: 'map' | 'vector';
  /** Front face: top-left corner, thickness (x extent) and height. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Oblique depth for W (0 for vectors). */
  depth: number;
}

export interface ArchLayout {
  blocks: ArchBlock[];
  width: number;
  height: number;
}

const GAP = 28;
const MAX_EXTENT = 120;
const MIN_EXTENT = 14;
/** Space above the boxes for the type label and below for the shape label. */
const LABEL_TOP = 22;
const LABEL_BOTTOM = 24;
const MARGIN = 12;

/** Lays out the blocks left to right, vertically centred. */
export function layoutArchitecture(input: number[], rows: SummaryRow[]): ArchLayout {
  const stages = stagesOf(input, rows);
  const maps = stages.filter((s) => s.shape.length === 3);
  const maxSide = Math.max(1, ...maps.map((s) => Math.max(s.shape[1], s.shape[2])));
  const maxFeatures = Math.max(2, ...stages.filter((s) => s.shape.length === 1).map((s) => s.shape[0]));
  const sized = stages.map((s) => ({ ...s, ...size(s.shape, maxSide, maxFeatures) }));
  const tallest = Math.max(MIN_EXTENT, ...sized.map((s) => s.height + s.depth));
  let x = MARGIN;
  const blocks: ArchBlock[] = sized.map((s) => {
    const block: ArchBlock = {
      row: s.row,
      types: s.types,
      shape: s.shape,
      kind: s.shape.length === 3 ? 'map' : 'vector',
      x,
      y: LABEL_TOP + s.depth + (tallest - s.height - s.depth) / 2,
      width: s.width,
      height: s.height,
      depth: s.depth,
    };
    x += s.width + s.depth + GAP;
    return block;
  });
  return { blocks, width: Math.max(x - GAP + MARGIN, 2 * MARGIN), height: LABEL_TOP + tallest + LABEL_BOTTOM };
}

/** Element-wise layers: drawn inside the block of the layer they follow. */
const JOINS_PREVIOUS = new Set([
  'ReLU', 'LeakyReLU', 'ELU', 'ReLU6', 'GELU', 'SiLU', 'Mish', 'Hardswish', 'Hardsigmoid', 'PReLU', 'Sigmoid', 'Tanh', 'Softmax', 'LogSoftmax',
  'BatchNorm2d', 'BatchNorm1d', 'Dropout', 'Dropout2d',
]);

interface Stage {
  row: number;
  types: string[];
  shape: number[];
}

function stagesOf(input: number[], rows: SummaryRow[]): Stage[] {
  const stages: Stage[] = input.length ? [{ row: -1, types: ['input'], shape: input }] : [];
  rows.forEach((r, i) => {
    if (!r.outputShape.length) return;
    const last = stages[stages.length - 1];
    if (last && last.row >= 0 && JOINS_PREVIOUS.has(r.type) && sameShape(last.shape, r.outputShape)) last.types.push(r.type);
    else stages.push({ row: i, types: [r.type], shape: r.outputShape });
  });
  return stages;
}

/** Square roots keep a 224-pixel map and a 7-pixel map both visible; log2 does the same for channels. */
function size(shape: number[], maxSide: number, maxFeatures: number): { width: number; height: number; depth: number } {
  if (shape.length === 3) {
    const [c, h, w] = shape;
    const extent = (n: number) => MIN_EXTENT + (MAX_EXTENT - MIN_EXTENT) * Math.sqrt(Math.max(n, 1) / maxSide);
    return { width: Math.min(48, 3 + 4 * Math.log2(Math.max(c, 1) + 1)), height: extent(h), depth: extent(w) * 0.35 };
  }
  const f = shape.reduce((a, b) => a * b, 1);
  const height = MIN_EXTENT + (MAX_EXTENT - MIN_EXTENT) * (Math.log2(Math.max(f, 1) + 1) / Math.log2(maxFeatures + 1));
  return { width: 8, height, depth: 0 };
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
