/**
 * TensorFlow GraphDef nodes as TensorFlow.js's model.json spells them (tfjs-converter reads the JSON form of
 * tensorflow's NodeDef/AttrValue protos: ints as strings, strings base64), plus the constants behind them.
 */

export interface TfNode {
  name: string;
  op: string;
  input: string[];
  attr: Record<string, unknown>;
}

export type TfDtype = 'float32' | 'int32';

export interface TfConstant {
  name: string;
  shape: number[];
  dtype: TfDtype;
  data: Float32Array | Int32Array;
}

export const attr = {
  type: (dtype: TfDtype) => ({ type: dtype === 'float32' ? 'DT_FLOAT' : 'DT_INT32' }),
  ints: (values: number[]) => ({ list: { i: values.map(String) } }),
  int: (value: number) => ({ i: String(value) }),
  float: (value: number) => ({ f: value }),
  bool: (value: boolean) => ({ b: value }),
  string: (value: string) => ({ s: Buffer.from(value, 'utf8').toString('base64') }),
  shape: (dims: number[]) => ({ shape: { dim: dims.map((d) => ({ size: String(d) })) } }),
};

/** Collects nodes and constants with unique names. */
export class TfGraph {
  readonly nodes: TfNode[] = [];
  readonly constants: TfConstant[] = [];
  private readonly used = new Set<string>();

  name(hint: string): string {
    let name = hint.replace(/[^A-Za-z0-9_.\-/]/g, '_');
    for (let i = 1; this.used.has(name); i++) name = `${hint}_${i}`;
    this.used.add(name);
    return name;
  }

  node(hint: string, op: string, input: string[], attrs: Record<string, unknown> = {}): string {
    const name = this.name(hint);
    this.nodes.push({ name, op, input, attr: attrs });
    return name;
  }

  constant(hint: string, shape: number[], data: Float32Array | Int32Array): string {
    const dtype: TfDtype = data instanceof Int32Array ? 'int32' : 'float32';
    const name = this.name(hint);
    this.constants.push({ name, shape, dtype, data });
    this.nodes.push({ name, op: 'Const', input: [], attr: { dtype: attr.type(dtype), value: { tensor: { dtype: attr.type(dtype).type, tensorShape: attr.shape(shape).shape } } } });
    return name;
  }

  ints(hint: string, values: number[], scalar = false): string {
    return this.constant(hint, scalar ? [] : [values.length], Int32Array.from(values));
  }
}
