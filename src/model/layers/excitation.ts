/**
 * SqueezeExcitation (torchvision.ops.SqueezeExcitation, MobileNetV3 / EfficientNet): a per-channel gate. Each
 * channel is averaged over the feature map (squeeze), two 1×1 convolutions fc1 (to squeeze_channels, then
 * `activation`) and fc2 (back to the channels, then `scale_activation`) give one weight per channel, and the input
 * is multiplied by it (excitation). Shape unchanged. StochasticDepth (torchvision.ops.StochasticDepth): drops a
 * residual branch per sample in training, identity in evaluation.
 */
import type { ExcitationArgs, ResolvedLayer, StochasticDepthArgs } from '../types';
import { formatCount, formatShape } from './arithmetic';
import { inferredCount, requireRank } from './checks';
import { passThrough, type LayerContext, type LayerHandler, type LayerOutcome } from './handler';

function inferExcitation(ctx: LayerContext): LayerOutcome | undefined {
  if (!requireRank(ctx, [3], 'a [C, H, W] feature map')) return undefined;
  const b = ctx.bound;
  const c = inferredCount(ctx, 'input_channels', ctx.input[0]);
  const args: ExcitationArgs = {
    input_channels: c,
    squeeze_channels: b.num('squeeze_channels'),
    activation: b.str('activation', 'ReLU') as ExcitationArgs['activation'],
    scale_activation: b.str('scale_activation', 'Sigmoid') as ExcitationArgs['scale_activation'],
  };
  const s = args.squeeze_channels;
  const params = c * s + s + s * c + c;
  const [, h, w] = ctx.input;
  // The average, the two 1×1 convolutions and the multiplication by the gate.
  const macs = c * h * w + 2 * c * s + c * h * w;
  return { args, output: ctx.input, params, trainableParams: params, buffers: 0, macs, receptive: ctx.receptive };
}

export const squeezeExcitation: LayerHandler = {
  infer: inferExcitation,
  shapeFormulas: (layer) => [`unchanged: ${formatShape(layer.outputShape)} (each channel multiplied by its gate)`],
  paramsFormula: (layer: ResolvedLayer) => {
    const a = layer.args as ExcitationArgs;
    return `fc1 ${a.squeeze_channels}·(${a.input_channels} + 1) + fc2 ${a.input_channels}·(${a.squeeze_channels} + 1) = ${formatCount(layer.params)}`;
  },
  stateEntries: (layer) => {
    const a = layer.args as ExcitationArgs;
    const [c, s] = [a.input_channels, a.squeeze_channels];
    return [
      { name: 'fc1.weight', shape: [s, c, 1, 1], buffer: false }, { name: 'fc1.bias', shape: [s], buffer: false },
      { name: 'fc2.weight', shape: [c, s, 1, 1], buffer: false }, { name: 'fc2.bias', shape: [c], buffer: false },
    ];
  },
};

function inferStochasticDepth(ctx: LayerContext): LayerOutcome | undefined {
  const args: StochasticDepthArgs = { p: ctx.bound.num('p'), mode: ctx.bound.str('mode', 'row') === 'batch' ? 'batch' : 'row' };
  return passThrough(ctx, args);
}

export const stochasticDepth: LayerHandler = {
  infer: inferStochasticDepth,
  shapeFormulas: (layer) => [`unchanged: ${formatShape(layer.outputShape)}`],
  paramsFormula: () => '0 (no weights)',
};
