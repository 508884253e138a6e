/** Element-wise activations and (Log)Softmax: shape unchanged, no parameters (PReLU: its learned slopes). */
import type { ActivationArgs } from '../types';
import { formatCount, formatShape } from './arithmetic';
import { passThrough, type LayerContext, type LayerHandler, type LayerOutcome } from './handler';

function inferActivation(ctx: LayerContext): LayerOutcome | undefined {
  const b = ctx.bound;
  const args: ActivationArgs = {};
  if (b.signature.args.some((a) => a.name === 'inplace')) args.inplace = b.bool('inplace');
  if (ctx.type === 'LeakyReLU') args.negative_slope = b.num('negative_slope', 0.01);
  if (ctx.type === 'ELU') args.alpha = b.num('alpha', 1.0);
  if (ctx.type === 'GELU') args.approximate = b.str('approximate', 'none') === 'tanh' ? 'tanh' : 'none';
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

/** PReLU: torch broadcasts its slopes over dim 1, the channels (or the features of a vector). */
function inferPrelu(ctx: LayerContext): LayerOutcome | undefined {
  const n = ctx.bound.num('num_parameters', 1);
  const channels = ctx.input[0];
  if (n !== 1 && n !== channels) {
    ctx.sink.error('bad-argument', `PReLU: num_parameters must be 1 or the ${ctx.input.length === 1 ? 'features' : 'channels'} that arrive (${channels}), got ${n}`, ctx.bound.range('num_parameters'));
    return undefined;
  }
  const args: ActivationArgs = { num_parameters: n, init: ctx.bound.num('init', 0.25) };
  return { ...passThrough(ctx, args), params: n, trainableParams: n };
}

export const prelu: LayerHandler = {
  infer: inferPrelu,
  stateEntries: (layer) => [{ name: 'weight', shape: [(layer.args as ActivationArgs).num_parameters ?? 1], buffer: false }],
  shapeFormulas: (layer) => [`unchanged: ${formatShape(layer.outputShape)}`],
  paramsFormula: (layer) => `${formatCount(layer.params)} learned slope${layer.params === 1 ? '' : 's'} (num_parameters)`,
};

export const activation: LayerHandler = {
  infer: inferActivation,
  shapeFormulas: (layer) => [`unchanged: ${formatShape(layer.outputShape)}`],
  paramsFormula: () => '0 (no weights)',
};
