/**
 * DetectionHead(in_channels, num_classes) (task detection, docs/detection.md): a single-level FCOS head, one 3×3
 * convolution (padding 1) from the backbone's feature map to num_classes + 5 maps at the same size: a logit per class,
 * the distances (l, t, r, b) to the box's sides in strides, and a centre-ness logit. Its class biases start at
 * −log((1 − π)/π), π = 0.01 (RetinaNet's and FCOS's prior), so the first steps' focal loss is not swamped by the
 * background. The stride is the input's size over the map's (the layer's jump). Its other arguments (score_thresh,
 * nms_thresh, topk_candidates, detections_per_img) say how its output is decoded, not what it computes.
 */
import { DECODE_DEFAULTS, type DecodeOptions } from '../detection/postprocess';
import type { Conv2dArgs, DetectionHeadArgs, ModelAnalysis, ResolvedLayer } from '../types';
import { formatCount, formatShape } from './arithmetic';
import { inferredCount, requireRank } from './checks';
import { growReceptive, type LayerContext, type LayerHandler, type LayerOutcome } from './handler';

/** Channels per location after the class logits: l, t, r, b, centre-ness. */
export const BOX_CHANNELS = 5;
/** The prior probability of an object the class biases start at. */
export const CLASS_PRIOR = 0.01;

function inferDetectionHead(ctx: LayerContext): LayerOutcome | undefined {
  if (!requireRank(ctx, [3], 'a [C, H, W] feature map')) return undefined;
  const [c, h, w] = ctx.input;
  const args: DetectionHeadArgs = {
    in_channels: inferredCount(ctx, 'in_channels', c), num_classes: ctx.bound.num('num_classes'),
    score_thresh: ctx.bound.num('score_thresh', DECODE_DEFAULTS.scoreThreshold), nms_thresh: ctx.bound.num('nms_thresh', DECODE_DEFAULTS.iouThreshold),
    topk_candidates: ctx.bound.num('topk_candidates', DECODE_DEFAULTS.preNmsTopK), detections_per_img: ctx.bound.num('detections_per_img', DECODE_DEFAULTS.maxDetections),
  };
  const out = args.num_classes + BOX_CHANNELS;
  const params = out * (args.in_channels * 9 + 1);
  return {
    args, output: [out, h, w], params, trainableParams: params, buffers: 0,
    macs: out * h * w * args.in_channels * 9,
    receptive: growReceptive(ctx.receptive, [3, 3], [1, 1]),
  };
}

export const detectionHead: LayerHandler = {
  infer: inferDetectionHead,
  shapeFormulas: (layer: ResolvedLayer) => {
    const a = layer.args as DetectionHeadArgs;
    const [, h, w] = layer.outputShape;
    return [
      `${formatShape(layer.outputShape)}: per location of the ${h}×${w} map, ${a.num_classes} class logits, 4 box distances (l, t, r, b in strides), 1 centre-ness logit`,
      `stride ${layer.jump}: location (x, y) stands for pixel ((x + ½)·${layer.jump}, (y + ½)·${layer.jump})`,
    ];
  },
  paramsFormula: (layer: ResolvedLayer) => {
    const a = layer.args as DetectionHeadArgs;
    return `(${a.num_classes} + 5)·(${a.in_channels}·3² + 1) = ${formatCount(layer.params)}`;
  },
  stateEntries: (layer) => {
    const a = layer.args as DetectionHeadArgs;
    const out = a.num_classes + BOX_CHANNELS;
    return [{ name: 'weight', shape: [out, a.in_channels, 3, 3], buffer: false }, { name: 'bias', shape: [out], buffer: false }];
  },
};

/** The head's convolution as Conv2d arguments (what the engine builds and the exports write). */
export function detectionHeadConv(a: DetectionHeadArgs): Conv2dArgs {
  return {
    in_channels: a.in_channels, out_channels: a.num_classes + BOX_CHANNELS, kernel_size: [3, 3], stride: [1, 1], padding: [1, 1],
    paddingExtra: [0, 0], dilation: [1, 1], groups: 1, bias: true, padding_mode: 'zeros',
  };
}

/** The starting value of the class biases: the logit of CLASS_PRIOR. */
export function classPriorBias(): number {
  return -Math.log((1 - CLASS_PRIOR) / CLASS_PRIOR);
}

/** How a head's detections are decoded (its score_thresh, nms_thresh, topk_candidates, detections_per_img). */
export function headDecodeOptions(a: DetectionHeadArgs): DecodeOptions {
  return { scoreThreshold: a.score_thresh, iouThreshold: a.nms_thresh, preNmsTopK: a.topk_candidates, maxDetections: a.detections_per_img };
}

/** The decoding a detection model asks for: its last DetectionHead's; the defaults when it has none. */
export function modelDecodeOptions(analysis: Pick<ModelAnalysis, 'layers'>): DecodeOptions {
  const head = [...analysis.layers].reverse().find((l) => l.type === 'DetectionHead');
  return head ? headDecodeOptions(head.args as DetectionHeadArgs) : { ...DECODE_DEFAULTS };
}
