/** Conv2d and ConvTranspose2d: shapes, parameters, multiply-accumulates and receptive field. */
import type { Conv2dArgs, ConvTranspose2dArgs, ResolvedLayer } from '../types';
import { convOutputLength, convTransposeOutputLength, discardedLength, formatCount, samePadding } from './arithmetic';
import { checkSpatial, inferredCount, requireRank, warnDiscarded } from './checks';
import { growReceptive, type LayerContext, type LayerHandler, type LayerOutcome, type StateEntry } from './handler';

const DIMS = ['H', 'W'];

function groupsDivide(ctx: LayerContext, inC: number, outC: number, groups: number): boolean {
  if (inC % groups === 0 && outC % groups === 0) return true;
  ctx.sink.error('bad-groups', `${ctx.type}: in_channels (${inC}) and out_channels (${outC}) must both be divisible by groups (${groups})`, ctx.bound.range('groups'));
  return false;
}

/** Reflect padding mirrors inside the image, so it must be smaller than the image (circular: at most its size). */
function paddingFits(ctx: LayerContext, mode: string, padding: [number, number], size: [number, number]): boolean {
  const limit = mode === 'reflect' ? (i: number) => padding[i] < size[i] : mode === 'circular' ? (i: number) => padding[i] <= size[i] : () => true;
  if (limit(0) && limit(1)) return true;
  ctx.sink.error('padding-too-large', `${ctx.type}: padding_mode='${mode}' needs padding ${mode === 'reflect' ? 'smaller than' : 'at most'} the ${size.join('×')} input`, ctx.bound.range('padding'));
  return false;
}

function inferConv2d(ctx: LayerContext): LayerOutcome | undefined {
  if (!requireRank(ctx, [3], 'a [C, H, W] feature map')) return undefined;
  const b = ctx.bound;
  const [c, h, w] = ctx.input;
  const inC = inferredCount(ctx, 'in_channels', c);
  const k = b.pair('kernel_size');
  const stride = b.pair('stride', [1, 1]);
  const dilation = b.pair('dilation', [1, 1]);
  const groups = b.num('groups', 1);
  const outC = b.num('out_channels');
  let padding: [number, number] = [0, 0];
  let paddingExtra: [number, number] = [0, 0];
  const mode = b.raw('padding');
  if (mode === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) {
      ctx.sink.error('same-needs-stride-1', "padding='same' is not supported for strided convolutions (PyTorch requires stride 1)", b.range('padding'));
      return undefined;
    }
    const [ph, pw] = [samePadding(k[0], dilation[0]), samePadding(k[1], dilation[1])];
    padding = [ph[0], pw[0]];
    paddingExtra = [ph[1] - ph[0], pw[1] - pw[0]];
  } else if (mode !== 'valid') padding = b.pair('padding');
  if (!groupsDivide(ctx, inC, outC, groups)) return undefined;
  if (!paddingFits(ctx, b.str('padding_mode', 'zeros'), [padding[0] + paddingExtra[0], padding[1] + paddingExtra[1]], [h, w])) return undefined;
  const pads = [0, 1].map((i) => 2 * padding[i] + paddingExtra[i]);
  const out = [0, 1].map((i) => convOutputLength([h, w][i], k[i], stride[i], pads[i], dilation[i]));
  if (!checkSpatial(ctx, out, [h, w], ['kernel_size', 'stride', 'padding', 'dilation'])) return undefined;
  warnDiscarded(ctx, [0, 1].map((i) => discardedLength([h, w][i], k[i], stride[i], padding[i], padding[i] + paddingExtra[i], dilation[i])) as [number, number], [h, w]);
  const bias = b.bool('bias', true);
  const weights = outC * (inC / groups) * k[0] * k[1];
  const params = weights + (bias ? outC : 0);
  const args: Conv2dArgs = {
    in_channels: inC, out_channels: outC, kernel_size: k, stride, padding, paddingExtra, dilation, groups, bias,
    padding_mode: b.str('padding_mode', 'zeros') as Conv2dArgs['padding_mode'],
  };
  return {
    args, output: [outC, out[0], out[1]], params, trainableParams: params, buffers: 0,
    macs: outC * out[0] * out[1] * (inC / groups) * k[0] * k[1],
    receptive: growReceptive(ctx.receptive, k, stride, dilation),
  };
}

function inferConvTranspose2d(ctx: LayerContext): LayerOutcome | undefined {
  if (!requireRank(ctx, [3], 'a [C, H, W] feature map')) return undefined;
  const b = ctx.bound;
  const [c, h, w] = ctx.input;
  const inC = inferredCount(ctx, 'in_channels', c);
  const outC = b.num('out_channels');
  const k = b.pair('kernel_size');
  const stride = b.pair('stride', [1, 1]);
  const padding = b.pair('padding');
  const dilation = b.pair('dilation', [1, 1]);
  const outputPadding = b.pair('output_padding');
  const groups = b.num('groups', 1);
  if ([0, 1].some((i) => outputPadding[i] >= Math.max(stride[i], dilation[i]))) {
    ctx.sink.error('bad-output-padding', 'output_padding must be smaller than either stride or dilation', b.range('output_padding'));
    return undefined;
  }
  if (!groupsDivide(ctx, inC, outC, groups)) return undefined;
  const out = [0, 1].map((i) => convTransposeOutputLength([h, w][i], k[i], stride[i], padding[i], dilation[i], outputPadding[i]));
  if (!checkSpatial(ctx, out, [h, w], ['padding', 'kernel_size'])) return undefined;
  const bias = b.bool('bias', true);
  const params = inC * (outC / groups) * k[0] * k[1] + (bias ? outC : 0);
  const args: ConvTranspose2dArgs = { in_channels: inC, out_channels: outC, kernel_size: k, stride, padding, output_padding: outputPadding, groups, bias, dilation };
  // Each output pixel gathers ⌈k/s⌉ input pixels per dimension; the jump shrinks by the stride.
  const jump = [0, 1].map((i) => ctx.receptive.jump[i] / stride[i]) as [number, number];
  const rf = [0, 1].map((i) => ctx.receptive.rf[i] + (Math.ceil((dilation[i] * (k[i] - 1) + 1) / stride[i]) - 1) * ctx.receptive.jump[i]) as [number, number];
  return {
    args, output: [outC, out[0], out[1]], params, trainableParams: params, buffers: 0,
    macs: inC * h * w * (outC / groups) * k[0] * k[1],
    receptive: { rf, jump },
  };
}

function convShapeFormulas(layer: ResolvedLayer): string[] {
  const a = layer.args as Conv2dArgs;
  return DIMS.map((dim, i) => {
    const inp = layer.inputShape[i + 1];
    const out = layer.outputShape[i + 1];
    if (a.paddingExtra[i]) return `${dim}: padding='same' keeps ${inp} (pads ${a.padding[i]} before, ${a.padding[i] + a.paddingExtra[i]} after) = ${out}`;
    const kTerm = a.dilation[i] === 1 ? `${a.kernel_size[i]}` : `${a.dilation[i]}·(${a.kernel_size[i]}−1) − 1`;
    return `${dim}: ⌊(${inp} + 2·${a.padding[i]} − ${kTerm})/${a.stride[i]}⌋ + 1 = ${out}`;
  });
}

function convTransposeShapeFormulas(layer: ResolvedLayer): string[] {
  const a = layer.args as ConvTranspose2dArgs;
  return DIMS.map((dim, i) => {
    const inp = layer.inputShape[i + 1];
    return `${dim}: (${inp} − 1)·${a.stride[i]} − 2·${a.padding[i]} + ${a.dilation[i]}·(${a.kernel_size[i]}−1) + ${a.output_padding[i]} + 1 = ${layer.outputShape[i + 1]}`;
  });
}

function kernelTerm(k: [number, number]): string {
  return k[0] === k[1] ? `${k[0]}²` : `${k[0]}·${k[1]}`;
}

function convParamsFormula(layer: ResolvedLayer): string {
  const a = layer.args as Conv2dArgs | ConvTranspose2dArgs;
  const transposed = layer.type === 'ConvTranspose2d';
  const [filters, perFilterIn] = transposed ? [a.in_channels, a.out_channels / a.groups] : [a.out_channels, a.in_channels / a.groups];
  const weights = `${perFilterIn}·${kernelTerm(a.kernel_size)}`;
  if (transposed) return `${filters}·${weights}${a.bias ? ` + ${a.out_channels}` : ''} = ${formatCount(layer.params)}`;
  return a.bias ? `${filters}·(${weights} + 1) = ${formatCount(layer.params)}` : `${filters}·${weights} = ${formatCount(layer.params)}`;
}

function convMacsFormula(layer: ResolvedLayer): string {
  const a = layer.args as Conv2dArgs;
  const [h, w] = layer.type === 'ConvTranspose2d' ? [layer.inputShape[1], layer.inputShape[2]] : [layer.outputShape[1], layer.outputShape[2]];
  const [lead, inner] = layer.type === 'ConvTranspose2d' ? [a.in_channels, a.out_channels / a.groups] : [a.out_channels, a.in_channels / a.groups];
  return `${lead}·${h}·${w}·(${inner}·${kernelTerm(a.kernel_size)}) = ${formatCount(layer.macs)}`;
}

/** torch's weight layouts: Conv2d [out, in/groups, kh, kw], ConvTranspose2d [in, out/groups, kh, kw]. */
function convStateEntries(layer: ResolvedLayer): StateEntry[] {
  const a = layer.args as Conv2dArgs;
  const [lead, inner] = layer.type === 'ConvTranspose2d' ? [a.in_channels, a.out_channels / a.groups] : [a.out_channels, a.in_channels / a.groups];
  const weight = { name: 'weight', shape: [lead, inner, ...a.kernel_size], buffer: false };
  return a.bias ? [weight, { name: 'bias', shape: [a.out_channels], buffer: false }] : [weight];
}

export const conv2d: LayerHandler = {
  infer: inferConv2d, shapeFormulas: convShapeFormulas, paramsFormula: convParamsFormula, macsFormula: convMacsFormula, stateEntries: convStateEntries,
};
export const convTranspose2d: LayerHandler = {
  infer: inferConvTranspose2d, shapeFormulas: convTransposeShapeFormulas, paramsFormula: convParamsFormula, macsFormula: convMacsFormula,
  stateEntries: convStateEntries,
};
