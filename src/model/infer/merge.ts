/**
 * Shapes of `concat` (along channels, or features for vectors), `add` and `multiply` (elementwise, with torch's
 * broadcasting: each dimension equal, or 1 on one side), with the worked formula behind each.
 */
import { formatCount, formatShape } from '../layers/arithmetic';
import type { MergeOp } from '../spec';
import type { Shape } from '../types';

export interface MergeInput {
  name: string;
  shape: Shape;
  /** The layer that made it, e.g. "ReLU at line 5". */
  source: string;
}

/** The merged shape, or a message naming each input's shape and maker. */
export function mergeShape(op: MergeOp, inputs: MergeInput[]): { shape: Shape } | { error: string } {
  const first = inputs[0];
  const listing = () => inputs.map((i) => `${i.name} is ${formatShape(i.shape)} (${i.source})`).join(', ');
  const rank = inputs.find((i) => i.shape.length !== first.shape.length);
  if (rank) return { error: `${op} needs inputs with the same number of dimensions: ${listing()}` };
  if (op === 'concat') {
    const bad = inputs.find((i) => formatShape(i.shape.slice(1)) !== formatShape(first.shape.slice(1)));
    if (bad) {
      const what = first.shape.length === 3 ? 'height and width' : 'sizes after the first dimension';
      return { error: `concat joins along channels and needs the same ${what}: ${listing()}` };
    }
    return { shape: [inputs.reduce((c, i) => c + i.shape[0], 0), ...first.shape.slice(1)] };
  }
  const shape = first.shape.map((_, d) => Math.max(...inputs.map((i) => i.shape[d])));
  const fits = inputs.every((i) => i.shape.every((n, d) => n === shape[d] || n === 1));
  if (!fits) return { error: `${op} needs the same shape (or 1 where one side broadcasts): ${listing()}` };
  return { shape };
}

/** Multiply-accumulates for one sample: one operation per output value and extra input; concat copies only. */
export function mergeMacs(op: MergeOp, output: Shape, inputs: number): number {
  return op === 'concat' ? 0 : output.reduce((a, b) => a * b, 1) * (inputs - 1);
}

/** The worked formula of the output shape, e.g. "C: 16 + 16 = 32". */
export function mergeFormula(op: MergeOp, inputs: Array<{ name: string; shape: Shape }>, output: Shape): string {
  if (op === 'concat') return `C: ${inputs.map((i) => `${i.shape[0]} (${i.name})`).join(' + ')} = ${formatCount(output[0])}; other dimensions unchanged`;
  return `${op} elementwise: ${inputs.map((i) => `${formatShape(i.shape)} (${i.name})`).join(` ${op === 'add' ? '+' : '·'} `)} → ${formatShape(output)}`;
}
