/** Unflatten: splits one dimension into several (the decoder's way back from a Linear bottleneck to feature maps). */
import type { UnflattenArgs } from '../types';
import { formatCount, formatShape, product } from './arithmetic';
import { passThrough, type LayerContext, type LayerHandler, type LayerOutcome } from './handler';

function inferUnflatten(ctx: LayerContext): LayerOutcome | undefined {
  const full = [0, ...ctx.input]; // with the batch dimension, as torch counts dims
  const written = ctx.bound.num('dim', 1);
  const dim = written < 0 ? written + full.length : written;
  const sizes = (ctx.bound.raw('unflattened_size') as number[] | undefined) ?? [];
  if (dim < 1 || dim >= full.length) {
    const why = dim === 0 ? 'dim=0 is the batch' : `a tensor of shape ${formatShape(ctx.input)} plus the batch has no dim ${written}`;
    ctx.sink.error('bad-unflatten', `Unflatten(dim=${written}): ${why}`, ctx.bound.range('dim'));
    return undefined;
  }
  if (product(sizes) !== full[dim]) {
    ctx.sink.error('bad-unflatten',
      `Unflatten: ${sizes.join('·')} = ${formatCount(product(sizes))} values, but dim ${written} of ${formatShape(ctx.input)} from ${ctx.source} has ${formatCount(full[dim])}`,
      ctx.bound.range('unflattened_size'));
    return undefined;
  }
  const args: UnflattenArgs = { dim: written, unflattened_size: sizes };
  return { ...passThrough(ctx, args), output: [...full.slice(1, dim), ...sizes, ...full.slice(dim + 1)] };
}

export const unflatten: LayerHandler = {
  infer: inferUnflatten,
  shapeFormulas: (layer) => [`${formatShape(layer.inputShape)} → ${formatShape(layer.outputShape)} (${(layer.args as UnflattenArgs).unflattened_size.join('·')} = ${formatCount(product(layer.outputShape))})`],
  paramsFormula: () => '0 (a reshape)',
};
