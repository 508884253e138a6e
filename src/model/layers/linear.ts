/** Linear, Flatten and Dropout: the classifier head's vocabulary. */
import type { DropoutArgs, FlattenArgs, LinearArgs, ResolvedLayer } from '../types';
import { formatCount, formatShape, product } from './arithmetic';
import { inferredCount } from './checks';
import { passThrough, type LayerContext, type LayerHandler, type LayerOutcome } from './handler';

function linearOutcome(ctx: LayerContext, inF: number, output: number[], leading: number): LayerOutcome {
  const outF = ctx.bound.num('out_features');
  const bias = ctx.bound.bool('bias', true);
  const params = inF * outF + (bias ? outF : 0);
  const args: LinearArgs = { in_features: inF, out_features: outF, bias };
  // Every output sees the whole input (the theoretical field, counting padding, may already be larger).
  const rf = [0, 1].map((i) => Math.max(ctx.imageSize[i], ctx.receptive.rf[i])) as [number, number];
  const receptive = { rf, jump: ctx.receptive.jump };
  return { args, output, params, trainableParams: params, buffers: 0, macs: leading * inF * outF, receptive };
}

function inferLinear(ctx: LayerContext): LayerOutcome | undefined {
  const outF = ctx.bound.num('out_features');
  const input = ctx.input;
  if (input.length === 1) return linearOutcome(ctx, inferredCount(ctx, 'in_features', input[0]), [outF], 1);
  const last = input[input.length - 1];
  const total = product(input);
  const flatten = ctx.insertBefore('Flatten()');
  const flattenFix = flatten ? [flatten] : [];
  const written = ctx.bound.given('in_features') ? ctx.bound.num('in_features') : undefined;
  const shape = formatShape(input);
  if (written === total) {
    ctx.sink.error('linear-needs-flatten',
      `Linear acts on the last dimension only, but receives ${shape} from ${ctx.source}: insert Flatten() so its ${formatCount(total)} values form one vector`,
      ctx.bound.layerRange, flattenFix);
    return linearOutcome(ctx, total, [outF], 1);
  }
  if (written !== undefined && written !== last) {
    const range = ctx.bound.valueRange('in_features');
    const setFix = range ? [{ title: `Set in_features to ${formatCount(total)} and insert Flatten()`, range, newText: String(total) }] : [];
    ctx.sink.error('in-features-mismatch',
      `Linear expects in_features=${written} but receives ${shape} from ${ctx.source} (${formatCount(total)} values once flattened): did you forget Flatten()?`,
      ctx.bound.range('in_features'), [...flattenFix, ...setFix]);
    return linearOutcome(ctx, written, [outF], 1);
  }
  ctx.sink.warning('linear-on-3d',
    `Linear applied to ${shape} from ${ctx.source} acts on the last dimension only (size ${last}): did you forget Flatten()?`,
    ctx.bound.layerRange, flattenFix);
  return linearOutcome(ctx, last, [...input.slice(0, -1), outF], product(input.slice(0, -1)));
}

function inferFlatten(ctx: LayerContext): LayerOutcome | undefined {
  const full = [0, ...ctx.input]; // with the batch dimension
  const norm = (d: number) => (d < 0 ? d + full.length : d);
  const start = norm(ctx.bound.num('start_dim', 1));
  const end = norm(ctx.bound.num('end_dim', -1));
  if (start < 1 || end >= full.length || start > end) {
    const why = start === 0 ? 'start_dim=0 would merge the batch dimension into the features' : `the dims do not fit a tensor of shape ${formatShape(ctx.input)} plus the batch`;
    ctx.sink.error('bad-flatten', `Flatten(start_dim=${ctx.bound.num('start_dim', 1)}, end_dim=${ctx.bound.num('end_dim', -1)}): ${why}`, ctx.bound.layerRange);
    return undefined;
  }
  const output = [...full.slice(1, start), product(full.slice(start, end + 1)), ...full.slice(end + 1)];
  const args: FlattenArgs = { start_dim: ctx.bound.num('start_dim', 1), end_dim: ctx.bound.num('end_dim', -1) };
  return { ...passThrough(ctx, args), output };
}

function inferDropout(ctx: LayerContext): LayerOutcome | undefined {
  const args: DropoutArgs = { p: ctx.bound.num('p', 0.5), inplace: ctx.bound.bool('inplace') };
  return passThrough(ctx, args);
}

function linearParamsFormula(layer: ResolvedLayer): string {
  const a = layer.args as LinearArgs;
  return a.bias ? `${a.out_features}·(${a.in_features} + 1) = ${formatCount(layer.params)}` : `${a.out_features}·${a.in_features} = ${formatCount(layer.params)}`;
}

export const linear: LayerHandler = {
  infer: inferLinear,
  /** torch's layout: weight [out, in]. */
  stateEntries: (layer) => {
    const a = layer.args as LinearArgs;
    const weight = { name: 'weight', shape: [a.out_features, a.in_features], buffer: false };
    return a.bias ? [weight, { name: 'bias', shape: [a.out_features], buffer: false }] : [weight];
  },
  shapeFormulas: (layer) => [`features: ${formatShape(layer.inputShape)} → ${formatShape(layer.outputShape)}`],
  paramsFormula: linearParamsFormula,
  macsFormula: (layer) => `${(layer.args as LinearArgs).in_features}·${(layer.args as LinearArgs).out_features} = ${formatCount(layer.macs)}`,
};

export const flatten: LayerHandler = {
  infer: inferFlatten,
  shapeFormulas: (layer) => [`features: ${layer.inputShape.join('·')} = ${formatCount(product(layer.inputShape))} → ${formatShape(layer.outputShape)}`],
  paramsFormula: () => '0 (a reshape)',
};

export const dropout: LayerHandler = {
  infer: inferDropout,
  shapeFormulas: (layer) => [`unchanged: ${formatShape(layer.outputShape)}`],
  paramsFormula: () => '0 (no weights)',
};
