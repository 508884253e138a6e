/**
 * Geometry of the architecture drawing, as CNN courses draw it: one box per feature-map stage (its height
 * follows H, its depth W, its thickness the channel count), thin bars for vectors, small circles for merges.
 * Stages sit in columns by depth (longest path from the input) and in lanes: a branch keeps its lane, parallel
 * branches (an Inception block) get lanes below, and a skip that would cross its own lane's blocks (a U-Net's)
 * arcs above them. Pure numbers, no DOM.
 */
import type { SummaryGraphNode, SummaryRow } from '../../src/protocol/webview-summary';
import { stagesOf, type ArchStage } from './architectureStages';

export interface ArchBlock {
  /** Index into the layout's blocks (edges refer to it). */
  id: number;
  /** Row index (0-based into rows) of the layer that made this shape; -1 for the input and merges. */
  row: number;
  /** Layer types drawn by this block, e.g. ['Conv2d', 'ReLU'], or a merge's op. */
  types: string[];
  shape: number[];
  kind: 'map' | 'vector' | 'merge';
  /** Names given to this block's output. */
  names: string[];
  column: number;
  lane: number;
  /** Front face: top-left corner, thickness (x extent) and height. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Oblique depth for W (0 for vectors and merges). */
  depth: number;
  /** Merges: where the merge is written (0-based). */
  line?: number;
  character?: number;
}

export interface ArchEdgeLayout {
  from: number;
  to: number;
  /** Merge inputs: "b2 12×16×16"-style label parts; '' on plain sequence edges. */
  name: string;
  shape: number[];
  /** SVG path data. */
  path: string;
  /** Drawn as an arc above its lane (a skip over the lane's own blocks). */
  arc: boolean;
  /** Where the label starts (text-anchor start). */
  labelX: number;
  labelY: number;
}

export interface ArchLayout {
  blocks: ArchBlock[];
  edges: ArchEdgeLayout[];
  lanes: number;
  width: number;
  height: number;
}

const GAP = 28;
/** Graph models leave room for the names on the edges into merges. */
const GRAPH_GAP = 56;
const MAX_EXTENT = 120;
const MIN_EXTENT = 14;
const MERGE_SIZE = 20;
/** Space above the boxes for the type label and below for the shape label. */
const LABEL_TOP = 22;
const LABEL_BOTTOM = 24;
const MARGIN = 12;
/** Height of each nested arc above a lane. */
const ARC_STEP = 12;

/** Lays out the stages left to right by column, lanes top to bottom. */
export function layoutArchitecture(input: number[], rows: SummaryRow[], graph?: SummaryGraphNode[]): ArchLayout {
  const { stages, edges } = stagesOf(input, rows, graph);
  const maps = stages.filter((s) => s.kind !== 'merge' && s.shape.length === 3);
  const maxSide = Math.max(1, ...maps.map((s) => Math.max(s.shape[1], s.shape[2])));
  const maxFeatures = Math.max(2, ...stages.filter((s) => s.kind !== 'merge' && s.shape.length === 1).map((s) => s.shape[0]));
  const sizes = stages.map((s) => (s.kind === 'merge' ? { width: MERGE_SIZE, height: MERGE_SIZE, depth: 0 } : size(s.shape, maxSide, maxFeatures)));

  const inputsOf = stages.map((s) => edges.filter((e) => e.to === s.id));
  const column: number[] = [];
  for (const s of stages) column[s.id] = inputsOf[s.id].reduce((c, e) => Math.max(c, column[e.from] + 1), 0);
  const lane = assignLanes(stages, inputsOf, column);

  // Same-lane edges that would pass through a block of their lane become arcs; count them per lane for the room above.
  const occupied = new Set(stages.map((s) => `${lane[s.id]}:${column[s.id]}`));
  const isArc = edges.map((e) => lane[e.from] === lane[e.to] && range(column[e.from] + 1, column[e.to]).some((c) => occupied.has(`${lane[e.to]}:${c}`)));
  const laneCount = Math.max(1, ...lane.map((l) => l + 1));
  const arcsPerLane = Array.from({ length: laneCount }, (_, l) => edges.filter((e, i) => isArc[i] && lane[e.to] === l).length);

  const tallest = Array.from({ length: laneCount }, (_, l) => Math.max(MIN_EXTENT, ...stages.filter((s) => lane[s.id] === l).map((s) => sizes[s.id].height + sizes[s.id].depth)));
  const laneTop: number[] = [];
  let y = 0;
  for (let l = 0; l < laneCount; l++) {
    laneTop[l] = y;
    y += arcsPerLane[l] * ARC_STEP + LABEL_TOP + tallest[l] + LABEL_BOTTOM;
  }
  const height = y;

  const columns = Math.max(0, ...column) + 1;
  const gap = stages.some((s) => s.kind === 'merge') ? GRAPH_GAP : GAP;
  const columnX: number[] = [];
  let x = MARGIN;
  for (let c = 0; c < columns; c++) {
    columnX[c] = x;
    x += Math.max(0, ...stages.filter((s) => column[s.id] === c).map((s) => sizes[s.id].width + sizes[s.id].depth)) + gap;
  }
  const width = Math.max(x - gap + MARGIN, 2 * MARGIN);

  const blocks: ArchBlock[] = stages.map((s) => {
    const { width: w, height: h, depth: d } = sizes[s.id];
    const l = lane[s.id];
    return {
      id: s.id, row: s.row, types: s.types, shape: s.shape, names: s.names,
      kind: s.kind === 'merge' ? 'merge' : s.shape.length === 3 ? 'map' : 'vector',
      column: column[s.id], lane: l,
      x: columnX[column[s.id]],
      y: laneTop[l] + arcsPerLane[l] * ARC_STEP + LABEL_TOP + d + (tallest[l] - h - d) / 2,
      width: w, height: h, depth: d,
      ...(s.line !== undefined ? { line: s.line, character: s.character } : {}),
    };
  });

  const arcIndex = new Array<number>(laneCount).fill(0);
  const edgeLayouts = edges.map((e, i): ArchEdgeLayout => {
    const a = blocks[e.from];
    const b = blocks[e.to];
    const x1 = a.x + a.width + a.depth / 2;
    const y1 = a.y + a.height / 2 - a.depth / 2;
    const x2 = b.x;
    const y2 = b.y + b.height / 2;
    if (isArc[i]) {
      // Outer arcs for the longer skips would be nicer; file order is close enough for U-Nets (inner skips come last).
      const ya = laneTop[b.lane] + 4 + (arcsPerLane[b.lane] - 1 - arcIndex[b.lane]++) * ARC_STEP;
      const path = `M${f(x1)},${f(y1)} C${f(x1 + 10)},${f(y1)} ${f(x1 + 10)},${f(ya)} ${f(x1 + 20)},${f(ya)} L${f(x2 - 20)},${f(ya)} C${f(x2 - 10)},${f(ya)} ${f(x2 - 10)},${f(y2)} ${f(x2)},${f(y2)}`;
      return { ...e, path, arc: true, labelX: x1 + 22, labelY: ya - 3 };
    }
    const dx = (x2 - x1) / 2;
    const path = `M${f(x1)},${f(y1)} C${f(x1 + dx)},${f(y1)} ${f(x2 - dx)},${f(y2)} ${f(x2)},${f(y2)}`;
    return { ...e, path, arc: false, labelX: x1 + 3, labelY: y1 - 4 };
  });
  return { blocks, edges: edgeLayouts, lanes: laneCount, width, height };
}

/**
 * A stage continues the lane of its first input when that lane is free from the input's column to its own; else it
 * takes the first lane that is (parallel branches stack below the trunk).
 */
function assignLanes(stages: ArchStage[], inputsOf: Array<Array<{ from: number }>>, column: number[]): number[] {
  const taken = new Set<string>();
  const lane: number[] = [];
  for (const s of stages) {
    const first = inputsOf[s.id][0];
    const cols = first ? range(column[first.from] + 1, column[s.id] + 1) : [column[s.id]];
    const free = (l: number) => cols.every((c) => !taken.has(`${l}:${c}`));
    let l = first && free(lane[first.from]) ? lane[first.from] : 0;
    while (!free(l)) l++;
    lane[s.id] = l;
    for (const c of cols) taken.add(`${l}:${c}`);
  }
  return lane;
}

/** Square roots keep a 224-pixel map and a 7-pixel map both visible; log2 does the same for channels. */
function size(shape: number[], maxSide: number, maxFeatures: number): { width: number; height: number; depth: number } {
  if (shape.length === 3) {
    const [c, h, w] = shape;
    const extent = (n: number) => MIN_EXTENT + (MAX_EXTENT - MIN_EXTENT) * Math.sqrt(Math.max(n, 1) / maxSide);
    return { width: Math.min(48, 3 + 4 * Math.log2(Math.max(c, 1) + 1)), height: extent(h), depth: extent(w) * 0.35 };
  }
  const n = shape.reduce((a, b) => a * b, 1);
  const height = MIN_EXTENT + (MAX_EXTENT - MIN_EXTENT) * (Math.log2(Math.max(n, 1) + 1) / Math.log2(maxFeatures + 1));
  return { width: 8, height, depth: 0 };
}

/** [from, to) */
function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

const f = (v: number) => v.toFixed(1);
