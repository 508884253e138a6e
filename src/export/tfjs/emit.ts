/**
 * The export graph (NCHW) as a TensorFlow graph for tfjs-converter's GraphModel, whose input is NHWC (as
 * tf.browser.fromPixels gives images). TensorFlow.js convolves and pools NHWC only, so every value may exist in
 * both layouts: a transpose is emitted the first time a layout is missing, and elementwise ops run in whichever
 * layout their input already has, so conv → ReLU → pool chains stay NHWC without round trips.
 */
import type { ExportGraph, ExportNode } from '../graph/types';
import { transposeData } from '../graph/layers/weightLayout';
import { attr, TfGraph } from './graphDef';

type Layout = 'nchw' | 'nhwc';

const TO_NHWC = [0, 2, 3, 1];
const TO_NCHW = [0, 3, 1, 2];
/** Where NCHW axis i of a 4-D value lives in NHWC. */
const NHWC_AXIS = [0, 3, 1, 2];

const BINARY: Record<string, string> = { Add: 'AddV2', Sub: 'Sub', Mul: 'Mul', Div: 'RealDiv', Max: 'Maximum', Min: 'Minimum' };
const UNARY: Record<string, string> = {
  Relu: 'Relu', Relu6: 'Relu6', Sigmoid: 'Sigmoid', Tanh: 'Tanh', Exp: 'Exp', Log: 'Log', Erf: 'Erf', Softplus: 'Softplus', Sqrt: 'Sqrt', Identity: 'Identity',
};

interface Value {
  /** Rank with the batch. */
  rank: number;
  nchw?: string;
  nhwc?: string;
  /** Constants keep their data, to be re-laid out for NHWC on demand. */
  constant?: { shape: number[]; data: Float32Array };
}

export interface TfGraphModel {
  graph: TfGraph;
  inputNode: string;
  outputNodes: Record<string, string>;
}

export function emitTfGraph(g: ExportGraph): TfGraphModel {
  const tf = new TfGraph();
  const values = new Map<string, Value>();
  const inputNode = tf.node(g.input.name, 'Placeholder', [], {
    dtype: attr.type('float32'),
    shape: attr.shape(g.input.shape.length === 3 ? [-1, g.input.shape[1], g.input.shape[2], g.input.shape[0]] : [-1, ...g.input.shape]),
  });
  values.set(g.input.name, g.input.shape.length === 3 ? { rank: 4, nhwc: inputNode } : { rank: 2, nchw: inputNode });
  g.constants.forEach((c) => values.set(c.name, { rank: c.shape.length, constant: c }));

  const get = (name: string, layout: Layout): string => {
    const v = values.get(name);
    if (!v) throw new Error(`export graph: unknown value ${name}`);
    if (v.constant && !v[layout]) v[layout] = constantIn(tf, name, v.constant, layout);
    const existing = v[layout];
    if (existing) return existing;
    const other = layout === 'nchw' ? v.nhwc : v.nchw;
    if (!other || v.rank !== 4) throw new Error(`export graph: ${name} has no ${layout} form`);
    v[layout] = tf.node(`${name}/${layout}`, 'Transpose', [other, tf.ints(`${name}/${layout}/perm`, layout === 'nhwc' ? TO_NHWC : TO_NCHW)]);
    return v[layout] as string;
  };
  const has = (name: string, layout: Layout): boolean => values.get(name)?.[layout] !== undefined;
  const set = (n: ExportNode, layout: Layout, node: string): void => {
    values.set(n.output, { rank: n.outShape.length + 1, [layout]: node });
  };

  for (const n of g.nodes) emitNode(tf, n, get, has, set, values);
  const outputNodes: Record<string, string> = {};
  for (const o of g.outputs) outputNodes[o.name] = tf.node(o.name, 'Identity', [get(o.value, 'nchw')]);
  return { graph: tf, inputNode, outputNodes };
}

/** A constant laid out for NHWC operands: padded to rank 4 with leading ones, then transposed. */
function constantIn(tf: TfGraph, name: string, c: { shape: number[]; data: Float32Array }, layout: Layout): string {
  if (layout === 'nchw' || c.shape.length === 0) return tf.constant(name, c.shape, c.data);
  const four = [...new Array<number>(4 - c.shape.length).fill(1), ...c.shape];
  const moved = transposeData({ shape: four, data: c.data }, TO_NHWC);
  return tf.constant(`${name}/nhwc`, moved.shape, moved.data);
}

type Get = (name: string, layout: Layout) => string;

function emitNode(tf: TfGraph, n: ExportNode, get: Get, has: (name: string, layout: Layout) => boolean, set: (n: ExportNode, layout: Layout, node: string) => void, values: Map<string, Value>): void {
  const rank = n.outShape.length + 1;
  // Elementwise and per-axis ops follow their input's layout when it is already NHWC.
  const follow = (input: string): Layout => (rank === 4 && has(input, 'nhwc') ? 'nhwc' : 'nchw');
  const axisIn = (axis: number, layout: Layout): number => (layout === 'nhwc' ? NHWC_AXIS[axis] : axis);
  switch (n.op) {
    case 'Conv':
      set(n, 'nhwc', emitConv(tf, n, get, values));
      return;
    case 'MaxPool':
    case 'AveragePool': {
      const op = n.op === 'MaxPool' ? 'MaxPool' : 'AvgPool';
      set(n, 'nhwc', tf.node(n.name, op, [get(n.inputs[0], 'nhwc')], {
        ksize: attr.ints([1, ...n.kernel, 1]), strides: attr.ints([1, ...n.strides, 1]), padding: attr.string('VALID'), data_format: attr.string('NHWC'), T: attr.type('float32'),
      }));
      return;
    }
    case 'Pad': {
      const layout = follow(n.inputs[0]);
      const pads = layout === 'nhwc' ? TO_NHWC.map((a) => n.pads[a]) : n.pads;
      const paddings = tf.constant(`${n.name}/paddings`, [pads.length, 2], Int32Array.from(pads.flat()));
      const x = get(n.inputs[0], layout);
      const node = n.mode === 'reflect'
        ? tf.node(n.name, 'MirrorPad', [x, paddings], { mode: attr.string('REFLECT') })
        : tf.node(n.name, 'PadV2', [x, paddings, tf.constant(`${n.name}/value`, [], Float32Array.of(n.value))]);
      set(n, layout, node);
      return;
    }
    case 'Slice': {
      const layout = follow(n.inputs[0]);
      const axis = axisIn(n.axis, layout);
      const begin = new Array<number>(rank).fill(0);
      const end = new Array<number>(rank).fill(0);
      const strides = new Array<number>(rank).fill(1);
      [begin[axis], end[axis], strides[axis]] = [n.start, n.end, n.step];
      const others = ((1 << rank) - 1) & ~(1 << axis);
      set(n, layout, tf.node(n.name, 'StridedSlice', [get(n.inputs[0], layout), tf.ints(`${n.name}/begin`, begin), tf.ints(`${n.name}/end`, end), tf.ints(`${n.name}/strides`, strides)], {
        begin_mask: attr.int(others), end_mask: attr.int(others), Index: attr.type('int32'), T: attr.type('float32'),
      }));
      return;
    }
    case 'Concat': {
      const layout: Layout = rank === 4 && n.inputs.every((i) => has(i, 'nhwc')) ? 'nhwc' : 'nchw';
      const inputs = n.inputs.map((i) => get(i, layout));
      set(n, layout, tf.node(n.name, 'ConcatV2', [...inputs, tf.ints(`${n.name}/axis`, [axisIn(n.axis, layout)], true)], { N: attr.int(inputs.length), T: attr.type('float32') }));
      return;
    }
    case 'Add': case 'Sub': case 'Mul': case 'Div': case 'Max': case 'Min': {
      const variables = n.inputs.filter((i) => !values.get(i)?.constant);
      // NHWC when an operand already is and every non-constant operand is a full 4-D value (constants re-laid out).
      const nhwc = rank === 4 && variables.some((i) => has(i, 'nhwc')) && variables.every((i) => values.get(i)?.rank === 4);
      const layout: Layout = nhwc ? 'nhwc' : 'nchw';
      set(n, layout, tf.node(n.name, BINARY[n.op], n.inputs.map((i) => get(i, layout)), { T: attr.type('float32') }));
      return;
    }
    case 'LeakyRelu': {
      const layout = follow(n.inputs[0]);
      set(n, layout, tf.node(n.name, 'LeakyRelu', [get(n.inputs[0], layout)], { alpha: attr.float(n.alpha), T: attr.type('float32') }));
      return;
    }
    case 'MatMul': {
      const [x, w] = n.inputs;
      const wShape = values.get(w)?.constant?.shape ?? [];
      const weights = get(w, 'nchw');
      if (rank === 2) {
        set(n, 'nchw', tf.node(n.name, 'MatMul', [get(x, 'nchw'), weights], { transpose_a: attr.bool(false), transpose_b: attr.bool(false), T: attr.type('float32') }));
        return;
      }
      // Contract the last axis: [-1, K] · [K, M], then back to [-1, …, M].
      const rows = tf.node(`${n.name}/rows`, 'Reshape', [get(x, 'nchw'), tf.ints(`${n.name}/rows/shape`, [-1, wShape[0]])]);
      const product = tf.node(`${n.name}/matmul`, 'MatMul', [rows, weights], { transpose_a: attr.bool(false), transpose_b: attr.bool(false), T: attr.type('float32') });
      set(n, 'nchw', tf.node(n.name, 'Reshape', [product, tf.ints(`${n.name}/shape`, [-1, ...n.outShape])]));
      return;
    }
    case 'Reshape':
      set(n, 'nchw', tf.node(n.name, 'Reshape', [get(n.inputs[0], 'nchw'), tf.ints(`${n.name}/shape`, n.shape)]));
      return;
    case 'Transpose':
      set(n, 'nchw', tf.node(n.name, 'Transpose', [get(n.inputs[0], 'nchw'), tf.ints(`${n.name}/perm`, n.perm)]));
      return;
    case 'Softmax':
    case 'LogSoftmax':
      set(n, ...emitSoftmax(tf, n, get, rank));
      return;
    case 'ReduceMean':
    case 'ReduceMax': {
      const layout = follow(n.inputs[0]);
      const axes = n.axes.map((a) => axisIn(a, layout));
      set(n, layout, tf.node(n.name, n.op === 'ReduceMean' ? 'Mean' : 'Max', [get(n.inputs[0], layout), tf.ints(`${n.name}/axes`, axes)], { keep_dims: attr.bool(true), T: attr.type('float32') }));
      return;
    }
    default: {
      const layout = follow(n.inputs[0]);
      set(n, layout, tf.node(n.name, UNARY[n.op], [get(n.inputs[0], layout)], { T: attr.type('float32') }));
    }
  }
}

/** Conv2D (HWIO filter, VALID: padding is a Pad before it), DepthwiseConv2dNative, or one Conv2D per group. */
function emitConv(tf: TfGraph, n: Extract<ExportNode, { op: 'Conv' }>, get: Get, values: Map<string, Value>): string {
  const x = get(n.inputs[0], 'nhwc');
  const [, weightName, biasName] = n.inputs;
  const oihw = values.get(weightName)?.constant;
  if (!oihw) throw new Error(`export graph: the weight of ${n.name} is not a constant`);
  const hwio = transposeData(oihw, [2, 3, 1, 0]);
  const [kh, kw, inPerGroup, out] = hwio.shape;
  const common = { strides: attr.ints([1, ...n.strides, 1]), padding: attr.string('VALID'), data_format: attr.string('NHWC'), dilations: attr.ints([1, 1, 1, 1]), T: attr.type('float32') };
  let y: string;
  if (n.group === 1) {
    y = tf.node(`${n.name}/conv`, 'Conv2D', [x, tf.constant(`${weightName}/hwio`, hwio.shape, hwio.data)], common);
  } else if (inPerGroup === 1) {
    // Depthwise: group g's outputs g·m … g·m+m−1 are the filter's [.., g, 0..m) in HWIO memory order.
    const filter = tf.constant(`${weightName}/depthwise`, [kh, kw, n.group, out / n.group], hwio.data);
    y = tf.node(`${n.name}/conv`, 'DepthwiseConv2dNative', [x, filter], common);
  } else {
    const parts = tf.node(`${n.name}/split`, 'Split', [tf.ints(`${n.name}/split/axis`, [3], true), x], { num_split: attr.int(n.group), T: attr.type('float32') });
    const per = out / n.group;
    const convs = Array.from({ length: n.group }, (_, g) => {
      const slice = sliceLastAxis(hwio, g * per, per);
      const input = g === 0 ? parts : `${parts}:${g}`;
      return tf.node(`${n.name}/conv${g}`, 'Conv2D', [input, tf.constant(`${weightName}/group${g}`, slice.shape, slice.data)], common);
    });
    y = tf.node(`${n.name}/concat`, 'ConcatV2', [...convs, tf.ints(`${n.name}/concat/axis`, [3], true)], { N: attr.int(n.group), T: attr.type('float32') });
  }
  return biasName ? tf.node(n.name, 'AddV2', [y, get(biasName, 'nchw')], { T: attr.type('float32') }) : tf.node(n.name, 'Identity', [y]);
}

function sliceLastAxis(x: { shape: number[]; data: Float32Array }, start: number, count: number): { shape: number[]; data: Float32Array } {
  const last = x.shape[x.shape.length - 1];
  const rows = x.data.length / last;
  const out = new Float32Array(rows * count);
  for (let r = 0; r < rows; r++) out.set(x.data.subarray(r * last + start, r * last + start + count), r * count);
  return { shape: [...x.shape.slice(0, -1), count], data: out };
}

/** Softmax on the last axis as is; over NCHW channels on the NHWC form; otherwise the axis is moved last and back. */
function emitSoftmax(tf: TfGraph, n: Extract<ExportNode, { op: 'Softmax' | 'LogSoftmax' }>, get: Get, rank: number): [Layout, string] {
  if (n.axis === rank - 1) return ['nchw', tf.node(n.name, n.op, [get(n.inputs[0], 'nchw')], { T: attr.type('float32') })];
  if (rank === 4 && n.axis === 1) return ['nhwc', tf.node(n.name, n.op, [get(n.inputs[0], 'nhwc')], { T: attr.type('float32') })];
  const perm = Array.from({ length: rank }, (_, i) => i).filter((i) => i !== n.axis).concat(n.axis);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  const moved = tf.node(`${n.name}/moved`, 'Transpose', [get(n.inputs[0], 'nchw'), tf.ints(`${n.name}/perm`, perm)]);
  const soft = tf.node(`${n.name}/last`, n.op, [moved], { T: attr.type('float32') });
  return ['nchw', tf.node(n.name, 'Transpose', [soft, tf.ints(`${n.name}/inverse`, inverse)])];
}
