/**
 * Conv2d and ConvTranspose2d over NHWC tensors with PyTorch's arguments: padding modes, asymmetric 'same'
 * padding, dilation, groups (depthwise when each group is one channel, else split/concat).
 * tfjs has no gradient for dilated convolutions, so a dilated kernel is built explicitly (zeros between the taps,
 * from differentiable reshape/pad/slice) and convolved without dilation.
 */
import type { Conv2dArgs, ConvTranspose2dArgs } from '../../../model/types';
import { defaultInitBound, uniformVariable } from '../init';
import type { TF, Tensor, Tensor1D, Tensor4D } from '../tf';
import { isFusableConv } from '../../../model/memory/convRelu';
import { addChannelBias } from './channels';
import { fusedConv2d } from './fusedConv';
import { explicitPad, padSpatial, type Sides } from './padding';
import type { BuildContext, EngineLayer, NamedVariable } from './types';

/** Conv2d: weight [kh, kw, in/groups, out] (tfjs's HWIO), bias [out]; init U(±1/√(in/groups·kh·kw)). */
export function buildConv2d(ctx: BuildContext, name: string, a: Conv2dArgs): EngineLayer {
  const { tf } = ctx;
  const [kh, kw] = a.kernel_size;
  const inPerGroup = a.in_channels / a.groups;
  const bound = defaultInitBound(inPerGroup * kh * kw);
  const weight = uniformVariable(tf, ctx.seeds, `${name}.weight`, [kh, kw, inPerGroup, a.out_channels], bound);
  const bias = a.bias ? uniformVariable(tf, ctx.seeds, `${name}.bias`, [a.out_channels], bound) : undefined;
  const sides: Sides = [a.padding[0], a.padding[0] + a.paddingExtra[0], a.padding[1], a.padding[1] + a.paddingExtra[1]];
  const simplePad = a.padding_mode === 'zeros' && a.padding[0] === a.padding[1] && a.paddingExtra.every((e) => e === 0);
  const dilated = a.dilation.some((d) => d > 1);
  const strides = a.stride;
  const depthwise = a.groups > 1 && a.groups === a.in_channels;

  const convolve = (x: Tensor4D, filter: Tensor4D, b: Tensor1D | undefined, pad: number | 'valid', relu: boolean, inputGrad: boolean): Tensor4D => {
    if (isFusableConv(a)) return fusedConv2d(tf, x, filter, b, { strides, pad }, relu, inputGrad);
    if (depthwise) {
      const f = tf.reshape(filter, [filter.shape[0], filter.shape[1], a.in_channels, a.out_channels / a.in_channels]) as Tensor4D;
      const y = tf.depthwiseConv2d(x, f, strides, explicitPad(pad), 'NHWC');
      return b ? tf.add(y, b) : y;
    }
    const xs = tf.split(x, a.groups, 3) as Tensor4D[];
    const fs = tf.split(filter, a.groups, 3) as Tensor4D[];
    const y = tf.concat(xs.map((xi, g) => tf.conv2d(xi, fs[g], strides, explicitPad(pad), 'NHWC') as Tensor4D), 3);
    return b ? tf.add(y, b) : y;
  };

  const forward = (x: Tensor4D, relu: boolean, inputGrad = true): Tensor4D => {
    const padded = simplePad ? x : padSpatial(tf, x, sides, a.padding_mode);
    const filter = dilated ? dilateKernel(tf, weight.variable as Tensor4D, a.dilation) : (weight.variable as Tensor4D);
    return convolve(padded, filter, bias?.variable as Tensor1D | undefined, simplePad ? a.padding[0] : 'valid', relu, inputGrad);
  };

  return {
    name,
    params: bias ? [weight, bias] : [weight],
    buffers: [],
    apply: (input, _training, inputGrad) => forward(input as Tensor4D, false, inputGrad),
    applyWithRelu: isFusableConv(a) ? (input, _training, inputGrad) => forward(input as Tensor4D, true, inputGrad) : undefined,
  };
}

/** [kh, kw, i, o] → [(kh−1)·dh+1, (kw−1)·dw+1, i, o] with zeros between the taps. */
function dilateKernel(tf: TF, w: Tensor4D, [dh, dw]: [number, number]): Tensor4D {
  const [kh, kw, i, o] = w.shape;
  const spread = tf.pad(tf.reshape(w, [kh, 1, kw, 1, i, o]), [[0, 0], [0, dh - 1], [0, 0], [0, dw - 1], [0, 0], [0, 0]]);
  return tf.slice(tf.reshape(spread, [kh * dh, kw * dw, i, o]) as Tensor4D, [0, 0, 0, 0], [(kh - 1) * dh + 1, (kw - 1) * dw + 1, i, o]);
}

/**
 * ConvTranspose2d: weight [kh, kw, out/groups, in] (tfjs's conv2dTranspose layout), init as torch does from
 * fan_in = out/groups·kh·kw. Computed as a 'valid' transposed convolution with the (dilated) kernel, of size
 * (H−1)·s + (k−1)·d + 1; output_padding adds rows and columns that no input reaches (zeros before the bias);
 * then `padding` is cropped from each side: torch's definition of the output size.
 */
export function buildConvTranspose2d(ctx: BuildContext, name: string, a: ConvTranspose2dArgs): EngineLayer {
  const { tf } = ctx;
  const [kh, kw] = a.kernel_size;
  const outPerGroup = a.out_channels / a.groups;
  const bound = defaultInitBound(outPerGroup * kh * kw);
  const weight = uniformVariable(tf, ctx.seeds, `${name}.weight`, [kh, kw, outPerGroup, a.in_channels], bound);
  const bias = a.bias ? uniformVariable(tf, ctx.seeds, `${name}.bias`, [a.out_channels], bound) : undefined;
  const params: NamedVariable[] = bias ? [weight, bias] : [weight];
  const dilated = a.dilation.some((d) => d > 1);

  return {
    name,
    params,
    buffers: [],
    apply(input: Tensor): Tensor {
      const x = input as Tensor4D;
      const [n, h, w] = x.shape;
      const filter = dilated ? dilateKernel(tf, weight.variable as Tensor4D, a.dilation) : (weight.variable as Tensor4D);
      const fullH = (h - 1) * a.stride[0] + filter.shape[0];
      const fullW = (w - 1) * a.stride[1] + filter.shape[1];
      const transpose = (xi: Tensor4D, fi: Tensor4D): Tensor4D =>
        tf.conv2dTranspose(xi, fi, [n, fullH, fullW, outPerGroup], a.stride, 'valid');
      let y: Tensor4D;
      if (a.groups === 1) {
        y = transpose(x, filter);
      } else {
        const xs = tf.split(x, a.groups, 3) as Tensor4D[];
        const fs = tf.split(filter, a.groups, 3) as Tensor4D[];
        y = tf.concat(xs.map((xi, g) => transpose(xi, fs[g])), 3);
      }
      const [oh, ow] = a.output_padding;
      if (oh > 0 || ow > 0) y = tf.pad(y, [[0, 0], [0, oh], [0, ow], [0, 0]]);
      const [ph, pw] = a.padding;
      if (ph > 0 || pw > 0) y = tf.slice(y, [0, ph, pw, 0], [n, fullH + oh - 2 * ph, fullW + ow - 2 * pw, a.out_channels]);
      return bias ? addChannelBias(tf, y, bias.variable) : y;
    },
  };
}
