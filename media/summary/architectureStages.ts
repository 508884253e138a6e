/**
 * What the architecture drawing shows before any geometry: one stage per feature-map step (a layer plus the
 * element-wise layers that follow it, as courses draw "conv + ReLU" as one block), one stage per merge, and the
 * edges between them. It replays the model's wiring as the engine runs it (src/trainer/engine/graphForward.ts):
 * a current tensor, named outputs in slots, `from` switching the current tensor, merges joining slots; a residual
 * block is a branch and an `add`. Pure data, no DOM.
 */
import type { SummaryGraphNode, SummaryRow } from '../../src/protocol/webview-summary';

export type MergeOp = 'concat' | 'add' | 'multiply';

export interface ArchStage {
  id: number;
  /** Row index (0-based into rows) of the layer that made this shape; -1 for the input and for merges. */
  row: number;
  kind: 'input' | 'layer' | 'merge';
  /** Layer types drawn by this stage, e.g. ['Conv2d', 'ReLU'], or the merge's op. */
  types: string[];
  shape: number[];
  /** Names this stage's output was given (`x = …`). */
  names: string[];
  /** Merges: 0-based line and column of the merge item, for "reveal in editor". */
  line?: number;
  character?: number;
}

export interface ArchEdge {
  from: number;
  to: number;
  /** The name the tensor travels under (the merge input as written), '' for the plain sequence. */
  name: string;
  shape: number[];
}

export interface ArchStages {
  stages: ArchStage[];
  edges: ArchEdge[];
}

/** Element-wise layers: drawn inside the block of the layer they follow. */
const JOINS_PREVIOUS = new Set([
  'ReLU', 'LeakyReLU', 'ELU', 'ReLU6', 'GELU', 'SiLU', 'Mish', 'Hardswish', 'Hardsigmoid', 'PReLU', 'Sigmoid', 'Tanh', 'Softmax', 'LogSoftmax',
  'BatchNorm2d', 'BatchNorm1d', 'Dropout', 'Dropout2d',
]);

/** Stages and edges of a model; without `graph` (older saved state) the rows are one sequence. */
export function stagesOf(input: number[], rows: SummaryRow[], graph?: SummaryGraphNode[]): ArchStages {
  const nodes: SummaryGraphNode[] = graph ?? rows.map((_, row) => ({ kind: 'layer', row }));
  const out: ArchStages = { stages: [], edges: [] };
  const consumers = new Map<number, number>();
  const add = (stage: Omit<ArchStage, 'id' | 'names'>, inputs: Array<{ from: number; name: string; shape: number[] }>): number => {
    const id = out.stages.length;
    out.stages.push({ ...stage, id, names: [] });
    for (const i of inputs) {
      out.edges.push({ from: i.from, to: id, name: i.name, shape: i.shape });
      consumers.set(i.from, (consumers.get(i.from) ?? 0) + 1);
    }
    return id;
  };
  const slots = new Map<number, number>();
  let current = input.length ? add({ row: -1, kind: 'input', types: ['input'], shape: input }, []) : -1;
  slots.set(0, current);

  const walk = (list: SummaryGraphNode[]): void => {
    for (const node of list) {
      switch (node.kind) {
        case 'layer': {
          const r = rows[node.row];
          if (!r?.outputShape.length) break;
          const last = out.stages[current];
          // Join only a stage nobody else reads yet, or the drawing would show the activation on a branch that skips it.
          if (last && last.kind === 'layer' && !last.names.length && !consumers.get(current) && JOINS_PREVIOUS.has(r.type) && sameShape(last.shape, r.outputShape)) {
            last.types.push(r.type);
          } else {
            current = add({ row: node.row, kind: 'layer', types: [r.type], shape: r.outputShape }, current >= 0 ? [{ from: current, name: '', shape: out.stages[current].shape }] : []);
          }
          break;
        }
        case 'residual': {
          const start = current;
          // The shortcut reads `start`: nothing in the body may join its block.
          consumers.set(start, (consumers.get(start) ?? 0) + 1);
          walk(node.body);
          const body = current;
          current = start;
          walk(node.projection);
          const shortcut = current;
          if (!node.outputShape.length || body < 0 || shortcut < 0) break;
          current = add({ row: -1, kind: 'merge', types: ['add'], shape: node.outputShape }, [
            { from: body, name: '', shape: out.stages[body].shape },
            { from: shortcut, name: shortcut === start ? 'shortcut' : 'projection', shape: out.stages[shortcut].shape },
          ]);
          break;
        }
        case 'store':
          slots.set(node.slot, current);
          out.stages[current]?.names.push(node.name);
          break;
        case 'load':
          current = slots.get(node.slot) ?? current;
          break;
        case 'merge': {
          if (!node.outputShape.length) break;
          const inputs = node.slots.map((slot, i) => ({ from: slots.get(slot) ?? -1, name: node.inputs[i]?.name ?? '', shape: node.inputs[i]?.shape ?? [] })).filter((i) => i.from >= 0);
          current = add({ row: -1, kind: 'merge', types: [node.op], shape: node.outputShape, line: node.line, character: node.character }, inputs);
          break;
        }
      }
    }
  };
  walk(nodes);
  return out;
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
