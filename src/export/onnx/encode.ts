/**
 * The export graph as an ONNX model (opset 17, IR version 8: what onnxruntime and Debian's python3-onnx 1.12
 * read), encoded by hand from onnx.proto's field numbers. The batch dimension is symbolic ("batch").
 * https://github.com/onnx/onnx/blob/main/onnx/onnx.proto
 */
import type { ExportGraph, ExportNode } from '../graph/types';
import { ProtoWriter } from './protobuf';

export const ONNX_OPSET = 17;
const IR_VERSION = 8;
const ELEM = { float: 1, int64: 7 } as const;
const ATTR = { float: 1, int: 2, string: 3, ints: 7 } as const;

type Attribute = { name: string } & ({ f: number } | { i: number } | { s: string } | { ints: number[] });

interface OnnxNode {
  op: string;
  inputs: string[];
  output: string;
  name: string;
  attributes: Attribute[];
}

interface Int64Constant {
  name: string;
  values: number[];
}

export interface OnnxModelInfo {
  /** Graph name (the model file's name). */
  name: string;
  producerVersion: string;
  docString: string;
  /** metadata_props: what a consumer needs besides the graph (classes, preprocessing…). */
  metadata: Record<string, string>;
}

/** Encodes `graph` as a serialized ModelProto. */
export function encodeOnnx(graph: ExportGraph, info: OnnxModelInfo): Uint8Array {
  const ints: Int64Constant[] = [];
  const nodes = graph.nodes.flatMap((n) => onnxNodes(n, ints));
  graph.outputs.forEach((o) => {
    if (o.value !== o.name) nodes.push({ op: 'Identity', inputs: [o.value], output: o.name, name: o.name, attributes: [] });
  });
  const model = new ProtoWriter();
  model.int(1, IR_VERSION);
  model.string(2, 'CNN Lab');
  model.string(3, info.producerVersion);
  model.string(6, info.docString);
  model.message(8, (op) => op.string(1, '').int(2, ONNX_OPSET));
  model.message(7, (g) => {
    nodes.forEach((n) => g.message(1, (w) => writeNode(w, n)));
    g.string(2, info.name);
    graph.constants.forEach((c) => g.message(5, (t) => writeTensor(t, c.name, c.shape, ELEM.float, new Uint8Array(c.data.buffer, c.data.byteOffset, c.data.byteLength))));
    ints.forEach((c) => g.message(5, (t) => writeTensor(t, c.name, [c.values.length], ELEM.int64, int64Bytes(c.values))));
    g.message(11, (v) => writeValueInfo(v, graph.input.name, graph.input.shape));
    graph.outputs.forEach((o) => g.message(12, (v) => writeValueInfo(v, o.name, o.shape)));
  });
  for (const [key, value] of Object.entries(info.metadata)) model.message(14, (e) => e.string(1, key).string(2, value));
  return model.finish();
}

/** One export op → ONNX nodes; integer operands (pads, shapes, slice bounds) become int64 initializers. */
function onnxNodes(n: ExportNode, ints: Int64Constant[]): OnnxNode[] {
  const node = (op: string, inputs: string[], attributes: Attribute[] = []): OnnxNode[] => [{ op, inputs, output: n.output, name: n.name, attributes }];
  const int64 = (suffix: string, values: number[]): string => {
    const name = `${n.name}_${suffix}`;
    ints.push({ name, values });
    return name;
  };
  switch (n.op) {
    case 'Conv':
      return node('Conv', n.inputs, [{ name: 'strides', ints: n.strides }, { name: 'group', i: n.group }]);
    case 'MaxPool':
    case 'AveragePool':
      return node(n.op, n.inputs, [{ name: 'kernel_shape', ints: n.kernel }, { name: 'strides', ints: n.strides }]);
    case 'Pad': {
      const pads = int64('pads', [...n.pads.map((p) => p[0]), ...n.pads.map((p) => p[1])]);
      if (n.mode === 'reflect') return node('Pad', [n.inputs[0], pads], [{ name: 'mode', s: 'reflect' }]);
      return [
        ...scalarNode(`${n.name}_value`, n.value),
        ...node('Pad', [n.inputs[0], pads, `${n.name}_value`], [{ name: 'mode', s: 'constant' }]),
      ];
    }
    case 'Slice':
      return node('Slice', [n.inputs[0], int64('starts', [n.start]), int64('ends', [n.end]), int64('axes', [n.axis]), int64('steps', [n.step])]);
    case 'Concat':
      return node('Concat', n.inputs, [{ name: 'axis', i: n.axis }]);
    case 'Relu6':
      return [...scalarNode(`${n.name}_min`, 0), ...scalarNode(`${n.name}_max`, 6), ...node('Clip', [n.inputs[0], `${n.name}_min`, `${n.name}_max`])];
    case 'LeakyRelu':
      return node('LeakyRelu', n.inputs, [{ name: 'alpha', f: n.alpha }]);
    case 'Reshape':
      return node('Reshape', [n.inputs[0], int64('shape', n.shape)]);
    case 'Transpose':
      return node('Transpose', n.inputs, [{ name: 'perm', ints: n.perm }]);
    case 'Softmax':
    case 'LogSoftmax':
      return node(n.op, n.inputs, [{ name: 'axis', i: n.axis }]);
    case 'ReduceMean':
    case 'ReduceMax':
      return node(n.op, n.inputs, [{ name: 'axes', ints: n.axes }, { name: 'keepdims', i: 1 }]);
    default:
      // Add, Sub, Mul, Div, Max, Min, MatMul and the unary ops have ONNX's names and no attributes.
      return node(n.op, n.inputs);
  }
}

/** A float scalar as a Constant node (its name is the output). */
function scalarNode(name: string, value: number): OnnxNode[] {
  return [{ op: 'Constant', inputs: [], output: name, name, attributes: [{ name: 'value_float', f: value }] }];
}

function writeNode(w: ProtoWriter, n: OnnxNode): void {
  n.inputs.forEach((i) => w.string(1, i));
  w.string(2, n.output);
  w.string(3, n.name);
  w.string(4, n.op);
  n.attributes.forEach((a) => w.message(5, (x) => writeAttribute(x, a)));
}

function writeAttribute(w: ProtoWriter, a: Attribute): void {
  w.string(1, a.name);
  if ('f' in a) w.float(2, a.f).int(20, ATTR.float);
  else if ('i' in a) w.int(3, a.i).int(20, ATTR.int);
  else if ('s' in a) w.string(4, a.s).int(20, ATTR.string);
  else {
    a.ints.forEach((v) => w.int(8, v));
    w.int(20, ATTR.ints);
  }
}

function writeTensor(w: ProtoWriter, name: string, dims: number[], type: number, raw: Uint8Array): void {
  dims.forEach((d) => w.int(1, d));
  w.int(2, type);
  w.string(8, name);
  w.bytes(9, raw);
}

function int64Bytes(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return out;
}

/** A float tensor [batch, …shape]. */
function writeValueInfo(w: ProtoWriter, name: string, shape: number[]): void {
  w.string(1, name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, ELEM.float);
      tensor.message(2, (s) => {
        s.message(1, (d) => d.string(2, 'batch'));
        shape.forEach((dim) => s.message(1, (d) => d.int(1, dim)));
      });
    }),
  );
}
