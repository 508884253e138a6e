/** Accumulates an ExportGraph: unique value names, constants (scalars shared), per-sample shapes of every value. */
import { ExportError } from '../format';
import type { ExportConstant, ExportGraph, ExportNode, ExportOp, ValueShape } from './types';

/** Engine weights by variable name (`layer3.weight`), in the engine's layouts (see trainer/engine/checkpoint.ts). */
export type WeightSource = (name: string) => { shape: number[]; data: Float32Array };

/** A checkpoint's variables as a WeightSource; a missing one is an error naming it. */
export function weightSource(weights: ReadonlyArray<{ name: string; shape: number[]; values: Float32Array }>): WeightSource {
  const byName = new Map(weights.map((w) => [w.name, w]));
  return (name) => {
    const w = byName.get(name);
    if (!w) throw new ExportError(`the checkpoint has no ${name}: it does not belong to this model file`);
    return { shape: w.shape, data: w.values };
  };
}

export class GraphBuilder {
  readonly nodes: ExportNode[] = [];
  readonly constants: ExportConstant[] = [];
  private readonly shapes = new Map<string, ValueShape>();
  private readonly used = new Set<string>();
  private readonly scalars = new Map<number, string>();

  constructor(readonly inputName: string, inputShape: ValueShape, readonly weight: WeightSource) {
    this.shapes.set(inputName, inputShape);
    this.used.add(inputName);
  }

  /** Per-sample shape of a value. */
  shapeOf(value: string): ValueShape {
    const shape = this.shapes.get(value);
    if (!shape) throw new Error(`export graph: unknown value ${value}`);
    return shape;
  }

  private fresh(hint: string): string {
    let name = hint;
    for (let i = 1; this.used.has(name); i++) name = `${hint}_${i}`;
    this.used.add(name);
    return name;
  }

  /** A constant value (stored as given; shape includes every axis, no batch). */
  constant(hint: string, shape: number[], data: Float32Array): string {
    const name = this.fresh(hint);
    this.constants.push({ name, shape, data });
    this.shapes.set(name, shape);
    return name;
  }

  /** A scalar constant, shared by every op that uses the same number. */
  scalar(value: number): string {
    const known = this.scalars.get(value);
    if (known) return known;
    const name = this.constant(`const_${String(value).replace(/[^0-9a-z]/gi, '_')}`, [], Float32Array.of(value));
    this.scalars.set(value, name);
    return name;
  }

  /** Appends a node; returns its output value. */
  add(op: ExportOp, inputs: string[], shape: ValueShape, hint: string): string {
    const output = this.fresh(hint);
    this.nodes.push({ ...op, name: output, inputs, output, outShape: shape } as ExportNode);
    this.shapes.set(output, shape);
    return output;
  }

  graph(outputs: ExportGraph['outputs']): ExportGraph {
    return { input: { name: this.inputName, shape: this.shapeOf(this.inputName) }, outputs, nodes: this.nodes, constants: this.constants };
  }
}
