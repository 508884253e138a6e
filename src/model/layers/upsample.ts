/** Upsample: a given size or ⌊input · scale_factor⌋, no weights. */
import type { ResolvedLayer, UpsampleArgs } from '../types';
import { requireRank } from './checks';
import type { LayerContext, LayerHandler, LayerOutcome } from './handler';

function inferUpsample(ctx: LayerContext): LayerOutcome | undefined {
  if (!requireRank(ctx, [3], 'a [C, H, W] feature map')) return undefined;
  const b = ctx.bound;
  const [c, h, w] = ctx.input;
  if (b.has('size') === b.has('scale_factor')) {
    ctx.sink.error('upsample-size', 'Upsample needs exactly one of size or scale_factor', b.range(b.has('size') ? 'scale_factor' : 'size'));
    return undefined;
  }
  const scale: [number, number] | null = b.has('scale_factor') ? b.pair('scale_factor') : null;
  const size: [number, number] = scale ? [Math.floor(h * scale[0]), Math.floor(w * scale[1])] : b.pair('size');
  if (size[0] < 1 || size[1] < 1) {
    ctx.sink.error('size-vanishes', `Upsample gives a ${size.join('×')} output from ${h}×${w}`, b.range('scale_factor'));
    return undefined;
  }
  const mode = b.str('mode', 'nearest') as UpsampleArgs['mode'];
  // torch's interpolate raises ValueError for align_corners=True or False with a non-interpolating mode.
  if (mode === 'nearest' && b.has('align_corners')) {
    ctx.sink.error('bad-align-corners', "Upsample: align_corners can only be set with mode='bilinear' (with 'nearest' PyTorch raises ValueError): remove it or set it to None", b.range('align_corners'));
    return undefined;
  }
  const args: UpsampleArgs = { size, scale_factor: scale, mode, align_corners: b.bool('align_corners') };
  const jump = [0, 1].map((i) => (ctx.receptive.jump[i] * [h, w][i]) / size[i]) as [number, number];
  return { args, output: [c, size[0], size[1]], params: 0, trainableParams: 0, buffers: 0, macs: 0, receptive: { rf: ctx.receptive.rf, jump } };
}

function upsampleShapeFormulas(layer: ResolvedLayer): string[] {
  const a = layer.args as UpsampleArgs;
  return ['H', 'W'].map((dim, i) =>
    a.scale_factor ? `${dim}: ⌊${layer.inputShape[i + 1]} × ${a.scale_factor[i]}⌋ = ${layer.outputShape[i + 1]}` : `${dim}: size = ${layer.outputShape[i + 1]}`,
  );
}

export const upsample: LayerHandler = { infer: inferUpsample, shapeFormulas: upsampleShapeFormulas, paramsFormula: () => '0 (no weights)' };
