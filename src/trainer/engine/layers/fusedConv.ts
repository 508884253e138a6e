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

/** relu?(conv(x, filter) + bias) for NHWC x and an HWIO filter, with the memory-lean gradient described above. */
export function fusedConv2d(tf: TF, x: Tensor4D, filter: Tensor4D, bias: Tensor1D | undefined, geometry: ConvGeometryArgs, relu: boolean): Tensor4D {
  const run = (name: string, inputs: NamedTensorMap, attrs: object): Tensor4D => tf.engine().runKernel(name, inputs, attrs as unknown as NamedAttrMap) as Tensor4D;
  const common = { strides: geometry.strides, pad: explicitPad(geometry.pad), dataFormat: 'NHWC', dimRoundingMode: undefined };
  const forward = (xi: Tensor4D, f: Tensor4D, b: Tensor1D | undefined): Tensor4D =>
    run('FusedConv2D', b ? { x: xi, filter: f, bias: b } : { x: xi, filter: f }, { ...common, dilations: [1, 1], activation: relu ? 'relu' : 'linear' });
  const backward = (dy: Tensor4D, xi: Tensor4D, f: Tensor4D, y: Tensor4D): Tensor[] =>
    tf.tidy(() => {
      const g = relu ? tf.mul(dy, tf.step(y)) : dy;
      const dx = run('Conv2DBackpropInput', { dy: g, filter: f }, { ...common, inputShape: xi.shape });
      const dw = run('Conv2DBackpropFilter', { x: xi, dy: g }, { ...common, filterShape: f.shape });
      return bias ? [dx, dw, channelSum(tf, g)] : [dx, dw];
    });
  if (bias) {
    return tf.customGrad((xi, f, b, save) => {
      const y = forward(xi as Tensor4D, f as Tensor4D, b as Tensor1D);
      (save as (ts: Tensor[]) => void)([xi as Tensor, f as Tensor, y]);
      return { value: y, gradFunc: (dy: Tensor, saved: Tensor[]) => backward(dy as Tensor4D, saved[0] as Tensor4D, saved[1] as Tensor4D, saved[2] as Tensor4D) };
    })(x, filter, bias) as Tensor4D;
  }
  return tf.customGrad((xi, f, save) => {
    const y = forward(xi as Tensor4D, f as Tensor4D, undefined);
    (save as (ts: Tensor[]) => void)([xi as Tensor, f as Tensor, y]);
    return { value: y, gradFunc: (dy: Tensor, saved: Tensor[]) => backward(dy as Tensor4D, saved[0] as Tensor4D, saved[1] as Tensor4D, saved[2] as Tensor4D) };
  })(x, filter) as Tensor4D;
}
