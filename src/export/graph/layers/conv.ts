/**
 * Conv2d and ConvTranspose2d as padding + a plain Conv (OIHW, groups, no dilation: dilated kernels are spread
 * out with zeros at export time). A transposed convolution is the convolution of the input spread by the stride
 * (zeros between pixels) with the flipped kernel, in and out channels swapped per group; output_padding adds
 * rows no input reaches (bias only) and `padding` is cropped, torch's definition of the output size.
 */
import { detectionHeadConv } from '../../../model/layers/detectionHead';
import type { Conv2dArgs, ConvTranspose2dArgs, DetectionHeadArgs, ResolvedLayer } from '../../../model/types';
import type { GraphBuilder } from '../builder';
import { padSpatial, type Sides } from './padding';
import { layerName, type LayerLowering } from './types';
import { dilateKernel, flipKernel, transposeData, type HostTensor } from './weightLayout';

export const lowerConv2d: LayerLowering = (b, layer, x) => {
  const a = layer.args as Conv2dArgs;
  const name = layerName(layer);
  const sides: Sides = [a.padding[0], a.padding[0] + a.paddingExtra[0], a.padding[1], a.padding[1] + a.paddingExtra[1]];
  const padded = padSpatial(b, x, sides, a.padding_mode, `${name}_pad`);
  // Engine [kh, kw, in/groups, out] → OIHW.
  const weight = dilateKernel(transposeData(b.weight(`${name}.weight`), [3, 2, 0, 1]), a.dilation);
  return conv(b, padded, weight, a.bias ? b.weight(`${name}.bias`) : undefined, a.stride, a.groups, layer, name);
};

/** DetectionHead is its 3×3 convolution (the class-bias prior only matters at initialisation). */
export const lowerDetectionHead: LayerLowering = (b, layer, x) => lowerConv2d(b, { ...layer, args: detectionHeadConv(layer.args as DetectionHeadArgs) }, x);

export const lowerConvTranspose2d: LayerLowering = (b, layer, x) => {
  const a = layer.args as ConvTranspose2dArgs;
  const name = layerName(layer);
  const [, h, w] = b.shapeOf(x);
  const spread = spreadByStride(b, x, a.stride, name);
  const [kh, kw] = a.kernel_size;
  const [eh, ew] = [a.dilation[0] * (kh - 1), a.dilation[1] * (kw - 1)];
  const full = padSpatial(b, spread, [eh, eh + a.output_padding[0], ew, ew + a.output_padding[1]], 'zeros', `${name}_pad`);
  const weight = dilateKernel(flipKernel(transposedToConvKernel(b.weight(`${name}.weight`), a.groups)), a.dilation);
  const fullH = (h - 1) * a.stride[0] + eh + 1 + a.output_padding[0];
  const fullW = (w - 1) * a.stride[1] + ew + 1 + a.output_padding[1];
  const y = conv(b, full, weight, a.bias ? b.weight(`${name}.bias`) : undefined, [1, 1], a.groups, { ...layer, outputShape: [a.out_channels, fullH, fullW] }, `${name}_full`);
  return cropSpatial(b, y, a.padding, layer.outputShape, name);
};

function conv(b: GraphBuilder, x: string, weight: HostTensor, bias: HostTensor | undefined, strides: [number, number], group: number, layer: ResolvedLayer, name: string): string {
  const inputs = [x, b.constant(`${layerName(layer)}.weight`, weight.shape, weight.data)];
  if (bias) inputs.push(b.constant(`${layerName(layer)}.bias`, bias.shape, bias.data));
  return b.add({ op: 'Conv', strides, group }, inputs, layer.outputShape, name);
}

/**
 * Engine ConvTranspose2d weight [kh, kw, out/groups, in] → the OIHW kernel of the equivalent convolution:
 * [out, in/groups, kh, kw], output channel g·(out/groups)+o reading input channel g·(in/groups)+i.
 */
function transposedToConvKernel(w: HostTensor, groups: number): HostTensor {
  const [kh, kw, outPerGroup, inChannels] = w.shape;
  const inPerGroup = inChannels / groups;
  const out = new Float32Array(w.data.length);
  const shape = [outPerGroup * groups, inPerGroup, kh, kw];
  for (let g = 0; g < groups; g++) {
    for (let o = 0; o < outPerGroup; o++) {
      for (let i = 0; i < inPerGroup; i++) {
        for (let y = 0; y < kh; y++) {
          for (let x = 0; x < kw; x++) {
            const src = ((y * kw + x) * outPerGroup + o) * inChannels + g * inPerGroup + i;
            out[(((g * outPerGroup + o) * inPerGroup + i) * kh + y) * kw + x] = w.data[src];
          }
        }
      }
    }
  }
  return { shape, data: out };
}

/** [N, C, H, W] → [N, C, (H−1)·sh+1, (W−1)·sw+1] with sh−1 zero rows (sw−1 columns) between the pixels. */
function spreadByStride(b: GraphBuilder, x: string, [sh, sw]: [number, number], name: string): string {
  if (sh === 1 && sw === 1) return x;
  const [c, h, w] = b.shapeOf(x);
  const six = b.add({ op: 'Reshape', shape: [-1, c, h, 1, w, 1] }, [x], [c, h, 1, w, 1], `${name}_cells`);
  const pads: Array<[number, number]> = [[0, 0], [0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1]];
  const cells = b.add({ op: 'Pad', pads, mode: 'constant', value: 0 }, [six], [c, h, sh, w, sw], `${name}_zeros`);
  const grid = b.add({ op: 'Reshape', shape: [-1, c, h * sh, w * sw] }, [cells], [c, h * sh, w * sw], `${name}_spread`);
  return cropSpatial(b, grid, [0, 0], [c, (h - 1) * sh + 1, (w - 1) * sw + 1], `${name}_spread`);
}

/** Keeps rows [top, top + out H) and columns [left, left + out W). */
function cropSpatial(b: GraphBuilder, x: string, [top, left]: [number, number], out: number[], name: string): string {
  const [c, h, w] = b.shapeOf(x);
  const [, oh, ow] = out;
  let y = x;
  if (top !== 0 || oh !== h) y = b.add({ op: 'Slice', axis: 2, start: top, end: top + oh, step: 1 }, [y], [c, oh, w], `${name}_rows`);
  if (left !== 0 || ow !== w) y = b.add({ op: 'Slice', axis: 3, start: left, end: left + ow, step: 1 }, [y], [c, oh, ow], `${name}_cols`);
  return y;
}
