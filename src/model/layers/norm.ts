/** BatchNorm2d / BatchNorm1d: γ and β are parameters; running mean, variance and the batch counter are buffers. */
import type { BatchNormArgs, ResolvedLayer } from '../types';
import { formatCount, formatShape } from './arithmetic';
import { inferredCount, requireRank } from './checks';
import type { LayerContext, LayerHandler, LayerOutcome, StateEntry } from './handler';

function inferBatchNorm(ctx: LayerContext): LayerOutcome | undefined {
  const ok = ctx.type === 'BatchNorm2d' ? requireRank(ctx, [3], 'a [C, H, W] feature map') : requireRank(ctx, [1, 2], 'a [C] or [C, L] tensor');
  if (!ok) return undefined;
  const b = ctx.bound;
  const n = inferredCount(ctx, 'num_features', ctx.input[0]);
  const args: BatchNormArgs = {
    num_features: n,
    eps: b.num('eps', 1e-5),
    momentum: b.num('momentum', 0.1),
    affine: b.bool('affine', true),
    track_running_stats: b.bool('track_running_stats', true),
  };
  const params = args.affine ? 2 * n : 0;
  // torch registers running_mean, running_var (n each) and num_batches_tracked (1).
  const buffers = args.track_running_stats ? 2 * n + 1 : 0;
  return { args, output: ctx.input, params, trainableParams: params, buffers, macs: 0, receptive: ctx.receptive };
}

function bnParamsFormula(layer: ResolvedLayer): string {
  const a = layer.args as BatchNormArgs;
  const params = a.affine ? `2·${a.num_features} = ${formatCount(layer.params)} (γ and β per ${layer.type === 'BatchNorm2d' ? 'channel' : 'feature'})` : '0 (affine=False)';
  const buffers = a.track_running_stats ? `; buffers (not trained): 2·${a.num_features} + 1 = ${formatCount(layer.buffers)} (running mean, variance, batch count)` : '';
  return params + buffers;
}

function bnStateEntries(layer: ResolvedLayer): StateEntry[] {
  const a = layer.args as BatchNormArgs;
  const c = [a.num_features];
  const affine = a.affine ? [{ name: 'weight', shape: c, buffer: false }, { name: 'bias', shape: c, buffer: false }] : [];
  const stats = a.track_running_stats ? [
    { name: 'running_mean', shape: c, buffer: true }, { name: 'running_var', shape: c, buffer: true }, { name: 'num_batches_tracked', shape: [], buffer: true },
  ] : [];
  return [...affine, ...stats];
}

export const batchNorm: LayerHandler = {
  stateEntries: bnStateEntries,
  infer: inferBatchNorm,
  shapeFormulas: (layer) => [`unchanged: ${formatShape(layer.outputShape)}`],
  paramsFormula: bnParamsFormula,
};
