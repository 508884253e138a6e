/** MaxPool2d, AvgPool2d and the adaptive pools: no weights, only shapes and receptive fields. */
import type { AdaptivePool2dArgs, Pool2dArgs, ResolvedLayer } from '../types';
import { adaptiveWindow, discardedLength, poolOutputLength } from './arithmetic';
import { checkSpatial, requireRank, warnDiscarded } from './checks';
import { growReceptive, type LayerContext, type LayerHandler, type LayerOutcome } from './handler';

const DIMS = ['H', 'W'];
const noParams = () => '0 (pooling has no weights)';

function inferPool(ctx: LayerContext): LayerOutcome | undefined {
  if (!requireRank(ctx, [3], 'a [C, H, W] feature map')) return undefined;
  const b = ctx.bound;
  const [c, h, w] = ctx.input;
  const k = b.pair('kernel_size');
  const stride = b.has('stride') ? b.pair('stride') : k;
  const padding = b.pair('padding');
  const dilation = ctx.type === 'MaxPool2d' ? b.pair('dilation', [1, 1]) : ([1, 1] as [number, number]);
  const ceil = b.bool('ceil_mode');
  // PyTorch refuses padding larger than half the (effective) window.
  if ([0, 1].some((i) => padding[i] > (dilation[i] * (k[i] - 1) + 1) / 2)) {
    ctx.sink.error('padding-too-large', `${ctx.type}: padding must be at most half of the kernel size (kernel_size ${k.join('×')}, padding ${padding.join('×')})`, b.range('padding'));
    return undefined;
  }
  const out = [0, 1].map((i) => poolOutputLength([h, w][i], k[i], stride[i], padding[i], dilation[i], ceil));
  if (!checkSpatial(ctx, out, [h, w], ['kernel_size', 'stride', 'padding'])) return undefined;
  if (!ceil) warnDiscarded(ctx, [0, 1].map((i) => discardedLength([h, w][i], k[i], stride[i], padding[i], padding[i], dilation[i])) as [number, number], [h, w]);
  const avg = ctx.type === 'AvgPool2d';
  const args: Pool2dArgs = {
    kernel_size: k, stride, padding, dilation, ceil_mode: ceil,
    count_include_pad: avg ? b.bool('count_include_pad', true) : true,
    divisor_override: avg && b.has('divisor_override') ? b.num('divisor_override') : null,
  };
  return { args, output: [c, out[0], out[1]], params: 0, trainableParams: 0, buffers: 0, macs: 0, receptive: growReceptive(ctx.receptive, k, stride, dilation) };
}

function inferAdaptive(ctx: LayerContext): LayerOutcome | undefined {
  if (!requireRank(ctx, [3], 'a [C, H, W] feature map')) return undefined;
  const [c, h, w] = ctx.input;
  const raw = ctx.bound.raw('output_size');
  const pick = (v: unknown, fallback: number) => (typeof v === 'number' ? v : fallback);
  const size: [number, number] = Array.isArray(raw) ? [pick(raw[0], h), pick(raw[1], w)] : [pick(raw, h), pick(raw, w)];
  const args: AdaptivePool2dArgs = { output_size: size };
  // Receptive field: the largest adaptive window; jump: the average step between windows.
  const k = [adaptiveWindow(h, size[0]), adaptiveWindow(w, size[1])];
  const s = [Math.max(1, Math.floor(h / size[0])), Math.max(1, Math.floor(w / size[1]))];
  return { args, output: [c, size[0], size[1]], params: 0, trainableParams: 0, buffers: 0, macs: 0, receptive: growReceptive(ctx.receptive, k, s) };
}

function poolShapeFormulas(layer: ResolvedLayer): string[] {
  const a = layer.args as Pool2dArgs;
  const [open, close] = a.ceil_mode ? ['⌈', '⌉'] : ['⌊', '⌋'];
  return DIMS.map((dim, i) => {
    const kTerm = a.dilation[i] === 1 ? `${a.kernel_size[i]}` : `${a.dilation[i]}·(${a.kernel_size[i]}−1) − 1`;
    return `${dim}: ${open}(${layer.inputShape[i + 1]} + 2·${a.padding[i]} − ${kTerm})/${a.stride[i]}${close} + 1 = ${layer.outputShape[i + 1]}`;
  });
}

function adaptiveShapeFormulas(layer: ResolvedLayer): string[] {
  return DIMS.map((dim, i) => `${dim}: ${layer.inputShape[i + 1]} → ${layer.outputShape[i + 1]} (adaptive: windows chosen to give output_size)`);
}

export const pool2d: LayerHandler = { infer: inferPool, shapeFormulas: poolShapeFormulas, paramsFormula: noParams };
export const adaptivePool2d: LayerHandler = { infer: inferAdaptive, shapeFormulas: adaptiveShapeFormulas, paramsFormula: noParams };
