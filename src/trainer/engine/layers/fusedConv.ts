/**
 * Conv2d with its bias and an optional ReLU as one differentiable op. Written as separate ops, training keeps the
 * convolution's output, the biased output and the ReLU's output, plus a gradient for each, until the backward pass
 * ends; fused, it keeps the output and its gradient: VGG-16 at 224×224 drops from ~230 to ~120 MB per sample.
 * The ReLU's gradient is read from the output (y > 0 exactly where the input was), and the backward pass's
 * temporaries (the masked gradient) are freed as soon as the op's gradients are computed. The kernels are tfjs's
 * (FusedConv2D forward, Conv2DBackpropInput / Conv2DBackpropFilter backward), so every backend runs it.
 */
import type { NamedAttrMap, NamedTensorMap } from '@tensorflow/tfjs-core';
import type { TF, Tensor, Tensor1D, Tensor4D } from '../tf';
import { channelSum } from './channels';
import { explicitPad } from './padding';

export interface ConvGeometryArgs {
  strides: [number, number];
  /** Symmetric zero padding, or 'valid' when the input was padded beforehand. */
  pad: number | 'valid';
}

/**
 * relu?(conv(x, filter) + bias) for NHWC x and an HWIO filter, with the memory-lean gradient described above.
 * `inputGrad` false: x is a constant of the op and its gradient is never computed. A custom gradient computes every
 * input's gradient when asked for any, unlike tfjs's own ops, so without this the first convolution's backward pass
 * would compute a gradient of the images (on the reference CNN, 28×28×16 → 28×28×1: a sixth of the step).
 */
export function fusedConv2d(tf: TF, x: Tensor4D, filter: Tensor4D, bias: Tensor1D | undefined, geometry: ConvGeometryArgs, relu: boolean, inputGrad = true): Tensor4D {
  const run = (name: string, inputs: NamedTensorMap, attrs: object): Tensor4D => tf.engine().runKernel(name, inputs, attrs as unknown as NamedAttrMap) as Tensor4D;
  const common = { strides: geometry.strides, pad: explicitPad(geometry.pad), dataFormat: 'NHWC', dimRoundingMode: undefined };
  const forward = (xi: Tensor4D, f: Tensor4D, b: Tensor1D | undefined): Tensor4D =>
    run('FusedConv2D', b ? { x: xi, filter: f, bias: b } : { x: xi, filter: f }, { ...common, dilations: [1, 1], activation: relu ? 'relu' : 'linear' });
  // The gradients of the op's inputs, in order: x (when it is one), filter, bias (when there is one).
  const backward = (dy: Tensor4D, xi: Tensor4D, f: Tensor4D, y: Tensor4D): Tensor[] =>
    tf.tidy(() => {
      const g = relu ? tf.mul(dy, tf.step(y)) : dy;
      const dx = inputGrad ? [run('Conv2DBackpropInput', { dy: g, filter: f }, { ...common, inputShape: xi.shape })] : [];
      const dw = run('Conv2DBackpropFilter', { x: xi, dy: g }, { ...common, filterShape: f.shape });
      return bias ? [...dx, dw, channelSum(tf, g)] : [...dx, dw];
    });
  const op = tf.customGrad((...args) => {
    // customGrad passes the op's inputs, then a function that keeps tensors alive for the backward pass.
    const save = args[args.length - 1] as (ts: Tensor[]) => void;
    const [xi, f, b] = (inputGrad ? args.slice(0, -1) : [x, ...args.slice(0, -1)]) as [Tensor4D, Tensor4D, Tensor1D | undefined];
    const y = forward(xi, f, b);
    save([xi, f, y]);
    return { value: y, gradFunc: (dy: Tensor, saved: Tensor[]) => backward(dy as Tensor4D, saved[0] as Tensor4D, saved[1] as Tensor4D, saved[2] as Tensor4D) };
  });
  const inputs = [...(inputGrad ? [x] : []), filter, ...(bias ? [bias] : [])];
  return op(...inputs) as Tensor4D;
}
