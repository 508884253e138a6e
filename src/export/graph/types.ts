/**
 * The export graph: a model file's forward pass (evaluation mode) lowered to a few primitive tensor ops with
 * PyTorch's NCHW layout and constant weights, the common ground of the ONNX and TensorFlow.js writers. Every
 * lowering decision that fixes the numbers (padding modes, ceil_mode, dilation, transposed convolution,
 * interpolation) is taken once here, so both formats compute the same thing as the engine.
 */

/** A constant (weights, pool divisors, interpolation matrices), float32, row-major. */
export interface ExportConstant {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Per-sample shape (no batch dimension) of every value, so writers can size reshapes. */
export type ValueShape = number[];

export type UnaryOp = 'Relu' | 'Relu6' | 'Sigmoid' | 'Tanh' | 'Exp' | 'Log' | 'Erf' | 'Softplus' | 'Sqrt' | 'Identity';
export type BinaryOp = 'Add' | 'Sub' | 'Mul' | 'Div' | 'Max' | 'Min';

/** One primitive op; `inputs` are value names (graph input, constants or other nodes' outputs), axes count the batch. */
export type ExportOp =
  | { op: 'Conv'; strides: [number, number]; group: number }
  | { op: 'MaxPool' | 'AveragePool'; kernel: [number, number]; strides: [number, number] }
  | { op: 'Pad'; pads: Array<[number, number]>; mode: 'constant' | 'reflect'; value: number }
  | { op: 'Slice'; axis: number; start: number; end: number; step: number }
  | { op: 'Concat'; axis: number }
  | { op: BinaryOp }
  | { op: UnaryOp }
  | { op: 'LeakyRelu'; alpha: number }
  | { op: 'MatMul' }
  | { op: 'Reshape'; shape: number[] }
  | { op: 'Transpose'; perm: number[] }
  | { op: 'Softmax' | 'LogSoftmax'; axis: number }
  | { op: 'ReduceMean' | 'ReduceMax'; axes: number[] };

/**
 * A node: Conv takes [x, weight OIHW, bias?] with the padding already applied (a Pad before it);
 * MaxPool/AveragePool are 'valid' windows; MatMul contracts x's last axis with a 2-D constant [K, M];
 * Reshape's shape has −1 for the batch; Reduce keeps the reduced axes (size 1).
 */
export type ExportNode = ExportOp & {
  name: string;
  inputs: string[];
  output: string;
  /** Per-sample output shape. */
  outShape: ValueShape;
};

export interface ExportGraph {
  /** Name and per-sample shape [C, H, W] (or [F]) of the input, NCHW. */
  input: { name: string; shape: ValueShape };
  /** Named outputs: `logits` (the model's output), and `probabilities` for classifiers. */
  outputs: Array<{ name: string; value: string; shape: ValueShape }>;
  nodes: ExportNode[];
  constants: ExportConstant[];
}
