/** Element-wise activations and (Log)Softmax: shape unchanged, no parameters. */
import type { ActivationArgs } from '../types';
import { formatShape } from './arithmetic';
import { passThrough, type LayerContext, type LayerHandler, type LayerOutcome } from './handler';

function inferActivation(ctx: LayerContext): LayerOutcome | undefined {
  const b = ctx.bound;
  const args: ActivationArgs = {};
  if (b.signature.args.some((a) => a.name === 'inplace')) args.inplace = b.bool('inplace');
  if (ctx.type === 'LeakyReLU') args.negative_slope = b.num('negative_slope', 0.01);
  if (ctx.type === 'ELU') args.alpha = b.num('alpha', 1.0);
  if (ctx.type === 'Softmax' || ctx.type === 'LogSoftmax') {
    // With the batch dimension counted, valid dims are −(rank+1) … rank.
    const rank = ctx.input.length + 1;
    const dim = b.has('dim') ? b.num('dim') : 1;
    if (dim < -rank || dim >= rank || dim === 0 || dim === -rank) {
      const why = dim === 0 || dim === -rank ? 'dim 0 is the batch: probabilities would be spread across samples' : `the tensor has ${rank} dimensions with the batch`;
      ctx.sink.error('bad-dim', `${ctx.type}: dim=${dim} is invalid here (${why})`, b.range('dim'));
      return undefined;
    }
    args.dim = dim;
  }
  return passThrough(ctx, args);
}

export const activation: LayerHandler = {
  infer: inferActivation,
  shapeFormulas: (layer) => [`unchanged: ${formatShape(layer.outputShape)}`],
  paramsFormula: () => '0 (no weights)',
};
