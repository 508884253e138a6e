/**
 * LAYER_CATALOG: every supported layer with torch.nn's signature (argument order, defaults, types) and a
 * short explanation in a CNN course's words. The parser, the editor's completion and hovers all read it.
 */
import { DECODE_DEFAULTS } from '../detection/postprocess';
import type { LayerType } from '../types';
import { arg, type ArgSignature, type CallSignature } from './argDocs';

export type LayerFamily = 'conv' | 'pool' | 'norm' | 'activation' | 'linear' | 'upsample';

export interface LayerSignature extends CallSignature {
  type: LayerType;
  family: LayerFamily;
  /** Arguments in torch's positional order. */
  args: ArgSignature[];
  doc: string;
}

const sig = (type: LayerType, family: LayerFamily, doc: string, args: ArgSignature[]): LayerSignature => ({ type, family, args, doc });

const poolDoc = (what: string) =>
  `Slides a window over each channel and keeps the ${what} of the values under it. It has no weights; with kernel_size 2 and the default stride (= kernel_size) it halves the height and width, making the next layers cheaper and the features more tolerant of small shifts.`;

export const LAYER_CATALOG: Record<LayerType, LayerSignature> = {
  Conv2d: sig('Conv2d', 'conv',
    'A 2-D convolution: out_channels small filters of size in_channels×k×k slide over the image; each computes a weighted sum at every position, giving one feature map per filter. Output size per dimension: ⌊(i + 2p − d(k−1) − 1)/s⌋ + 1. Parameters: out_channels·(in_channels/groups·kₕ·k_w + 1).',
    [arg.inChannels(), arg.outChannels(), arg.kernelSize(), arg.stride(1), arg.padding(true), arg.dilation(), arg.groups(), arg.bias(),
      { name: 'padding_mode', kind: 'enum', pyType: 'str', default: 'zeros', values: ['zeros', 'reflect', 'replicate', 'circular'],
        doc: "What the padding is filled with: zeros, a mirror of the border ('reflect'), copies of the edge pixel ('replicate') or the opposite side ('circular')." }]),
  ConvTranspose2d: sig('ConvTranspose2d', 'conv',
    'A transposed ("fractionally strided") convolution, the gradient of Conv2d: it spreads each input pixel over a k×k patch, so stride 2 roughly doubles the size. Used in decoders and segmentation heads. Output size: (i − 1)·s − 2p + d(k−1) + output_padding + 1.',
    [arg.inChannels(), arg.outChannels(), arg.kernelSize(), arg.stride(1), arg.padding(false),
      { name: 'output_padding', kind: 'pair', pyType: 'int | tuple[int, int]', default: 0, min: 0,
        doc: 'Extra rows/columns added on one side of the output, to pick the exact size when several input sizes map to the same output (must be smaller than stride or dilation).' },
      arg.groups(), arg.bias(), arg.dilation(),
      { name: 'padding_mode', kind: 'enum', pyType: 'str', default: 'zeros', values: ['zeros'], doc: "Only 'zeros' is allowed for transposed convolutions." }]),
  MaxPool2d: sig('MaxPool2d', 'pool', poolDoc('maximum'),
    [arg.kernelSize(), arg.stride(null, 'Step between windows; defaults to kernel_size (non-overlapping windows).'), arg.padding(false), arg.dilation(),
      { name: 'return_indices', kind: 'bool', pyType: 'bool', default: false, onlySupported: false, doc: 'Also return the positions of the maxima (for MaxUnpool2d). Not supported in CNN Lab.' },
      arg.ceilMode()]),
  AvgPool2d: sig('AvgPool2d', 'pool', poolDoc('average'),
    [arg.kernelSize(), arg.stride(null, 'Step between windows; defaults to kernel_size (non-overlapping windows).'), arg.padding(false), arg.ceilMode(),
      { name: 'count_include_pad', kind: 'bool', pyType: 'bool', default: true, doc: 'Whether padded zeros count in the average (True) or are left out (False).' },
      { name: 'divisor_override', kind: 'optionalInt', pyType: 'int | None', default: null, min: 1,
        doc: "Divide each window's sum by this number instead of the number of values in the window (None: the window size)." }]),
  AdaptiveAvgPool2d: sig('AdaptiveAvgPool2d', 'pool',
    'Averages each channel down to a fixed output_size whatever the input size (windows are chosen per output cell and may overlap). AdaptiveAvgPool2d(1) is global average pooling, common before the classifier of modern CNNs.',
    [arg.outputSize()]),
  AdaptiveMaxPool2d: sig('AdaptiveMaxPool2d', 'pool',
    'Like AdaptiveAvgPool2d but keeps the maximum of each adaptive window.',
    [arg.outputSize(), { name: 'return_indices', kind: 'bool', pyType: 'bool', default: false, onlySupported: false, doc: 'Also return the positions of the maxima. Not supported in CNN Lab.' }]),
  BatchNorm2d: sig('BatchNorm2d', 'norm',
    'Normalises each channel over the batch and the spatial positions to mean 0 and variance 1, then scales and shifts it with learnable γ and β (2 parameters per channel). The running mean and variance used at evaluation time are state (buffers), not trained parameters. It stabilises and speeds up training.',
    arg.batchNorm('channels')),
  BatchNorm1d: sig('BatchNorm1d', 'norm',
    'Batch normalisation of a feature vector (after Flatten/Linear): each feature is normalised over the batch, then scaled and shifted by learnable γ and β.',
    arg.batchNorm('features')),
  Dropout: sig('Dropout', 'linear',
    'During training, zeroes each element with probability p and scales the rest by 1/(1−p), so the network cannot rely on any single unit: a regulariser against overfitting. Does nothing at evaluation time; no parameters.',
    [arg.p(), arg.inplace()]),
  Dropout2d: sig('Dropout2d', 'linear',
    'Dropout of whole channels (feature maps) instead of single pixels, better suited to convolutional layers whose neighbouring pixels are correlated.',
    [arg.p(), arg.inplace()]),
  ReLU: sig('ReLU', 'activation', 'Rectified linear unit, max(0, x): the default non-linearity of CNNs. Without a non-linearity, stacked layers collapse into one linear map.', [arg.inplace()]),
  LeakyReLU: sig('LeakyReLU', 'activation', 'Like ReLU but lets a small slope through for negative inputs (x·negative_slope), so units never die completely.',
    [{ name: 'negative_slope', kind: 'float', pyType: 'float', default: 0.01, doc: 'Slope used for negative inputs.' }, arg.inplace()]),
  ELU: sig('ELU', 'activation', 'Exponential linear unit: x for x > 0, α(eˣ − 1) otherwise; smooth and with negative outputs that keep activations centred.',
    [{ name: 'alpha', kind: 'float', pyType: 'float', default: 1.0, doc: 'Value the output approaches for very negative inputs (−α).' }, arg.inplace()]),
  ReLU6: sig('ReLU6', 'activation', 'ReLU capped at 6, min(max(0, x), 6): bounded outputs that survive low-precision arithmetic (MobileNet).', [arg.inplace()]),
  GELU: sig('GELU', 'activation', 'Gaussian error linear unit, x·Φ(x) with Φ the standard normal CDF: a smooth ReLU used by transformers and ConvNeXt.',
    [{ name: 'approximate', kind: 'enum', pyType: 'str', default: 'none', values: ['none', 'tanh'], doc: "'none' computes Φ exactly (with erf); 'tanh' uses the faster tanh approximation." }]),
  SiLU: sig('SiLU', 'activation', 'Sigmoid linear unit (swish), x·σ(x): smooth, slightly negative for small negative inputs (EfficientNet).', [arg.inplace()]),
  Mish: sig('Mish', 'activation', 'x·tanh(softplus(x)): a smooth, non-monotonic activation similar to SiLU (YOLOv4).', [arg.inplace()]),
  Hardswish: sig('Hardswish', 'activation', 'A cheap piecewise approximation of SiLU: x·ReLU6(x + 3)/6 (MobileNetV3).', [arg.inplace()]),
  Hardsigmoid: sig('Hardsigmoid', 'activation', 'A cheap piecewise approximation of the sigmoid: ReLU6(x + 3)/6, in [0, 1].', [arg.inplace()]),
  PReLU: sig('PReLU', 'activation', 'Like LeakyReLU, but the slope for negative inputs is learned: a·x for x < 0. One shared slope, or one per channel (num_parameters = channels). Parameters: num_parameters.',
    [{ name: 'num_parameters', kind: 'int', pyType: 'int', default: 1, min: 1, doc: 'Number of learned slopes: 1 (shared by all channels) or the number of input channels.' },
      { name: 'init', kind: 'float', pyType: 'float', default: 0.25, doc: 'Initial value of the slopes.' }]),
  Sigmoid: sig('Sigmoid', 'activation', 'Squashes values to (0, 1) with 1/(1 + e⁻ˣ). Used for binary outputs; saturates, so rarely used inside deep CNNs.', []),
  Tanh: sig('Tanh', 'activation', 'Squashes values to (−1, 1); zero-centred sigmoid, used in LeNet-5 era networks.', []),
  Softmax: sig('Softmax', 'activation', 'Turns scores into probabilities that sum to 1. Do not put it before cross_entropy loss, which applies log-softmax itself.', [arg.dim()]),
  LogSoftmax: sig('LogSoftmax', 'activation', 'Logarithm of softmax; pair it with the nll loss (together they equal cross_entropy).', [arg.dim()]),
  Flatten: sig('Flatten', 'linear', 'Reshapes the C×H×W feature maps of one sample into a vector of C·H·W features, so Linear layers can follow. No parameters.',
    [{ name: 'start_dim', kind: 'int', pyType: 'int', default: 1, doc: 'First dimension to flatten (0 is the batch, so 1 keeps one vector per sample).' },
      { name: 'end_dim', kind: 'int', pyType: 'int', default: -1, doc: 'Last dimension to flatten (−1: the last one).' }]),
  Unflatten: sig('Unflatten', 'linear', 'The inverse of Flatten: splits one dimension into several, e.g. Unflatten(1, (32, 7, 7)) turns 1568 features back into 32 feature maps of 7×7, so a decoder can follow a Linear bottleneck. No parameters.',
    [{ name: 'dim', kind: 'int', pyType: 'int', required: true, doc: 'The dimension to split (0 is the batch, so 1 is the features of each sample).' },
      { name: 'unflattened_size', kind: 'sizes', pyType: 'tuple[int, ...]', required: true, min: 1, doc: 'The sizes it becomes; their product must equal the size of that dimension.' }]),
  Linear: sig('Linear', 'linear', 'A fully connected layer: every output is a weighted sum of all in_features inputs plus a bias. Parameters: out_features·(in_features + 1). It acts on the last dimension only, so feature maps need Flatten first.',
    [{ name: 'in_features', kind: 'int', pyType: 'int', required: true, inferred: true, min: 1, doc: 'Size of each input vector (after Flatten: C·H·W). May be omitted: it is inferred.' },
      { name: 'out_features', kind: 'int', pyType: 'int', required: true, min: 1, doc: 'Number of outputs (neurons); for the last layer, the number of classes.' },
      arg.bias()]),
  Upsample: sig('Upsample', 'upsample', 'Enlarges the feature maps without weights, either to a given size or by a scale_factor, by repeating pixels (nearest) or interpolating (bilinear).',
    [{ name: 'size', kind: 'optionalPair', pyType: 'int | tuple[int, int] | None', default: null, min: 1, doc: 'Output height and width. Give either size or scale_factor.' },
      { name: 'scale_factor', kind: 'scale', pyType: 'float | tuple[float, float] | None', default: null, exclusiveMin: 0, doc: 'Multiplier of height and width (output = ⌊input · scale_factor⌋).' },
      { name: 'mode', kind: 'enum', pyType: 'str', default: 'nearest', values: ['nearest', 'bilinear'], doc: "'nearest' repeats pixels, 'bilinear' interpolates between them." },
      { name: 'align_corners', kind: 'bool', pyType: 'bool | None', default: null, doc: 'Bilinear only: align the corner pixels of input and output grids.' },
      { name: 'recompute_scale_factor', kind: 'bool', pyType: 'bool | None', default: null, doc: 'Recompute the scale used by the interpolation from the output size (no effect on shapes).' }]),
  SqueezeExcitation: sig('SqueezeExcitation', 'norm',
    'torchvision.ops.SqueezeExcitation: a learned per-channel gate (MobileNetV3, EfficientNet). Each channel is averaged over the feature map, two 1×1 convolutions (fc1 to squeeze_channels, fc2 back) turn the averages into one weight per channel, and the input is multiplied by it: the network learns which channels matter for this picture. Parameters: 2·C·S + S + C.',
    [{ name: 'input_channels', kind: 'int', pyType: 'int', required: true, inferred: true, min: 1, doc: 'Channels of the input (C). May be omitted: it is inferred.' },
      { name: 'squeeze_channels', kind: 'int', pyType: 'int', required: true, min: 1, doc: 'Channels between fc1 and fc2 (S), usually C/4.' },
      { name: 'activation', kind: 'enum', pyType: 'Callable[..., nn.Module]', default: 'ReLU', values: ['ReLU', 'ReLU6', 'SiLU', 'Hardswish'], doc: "The activation after fc1, by name: 'ReLU' (torchvision's default), 'SiLU' (EfficientNet)." },
      { name: 'scale_activation', kind: 'enum', pyType: 'Callable[..., nn.Module]', default: 'Sigmoid', values: ['Sigmoid', 'Hardsigmoid'], doc: "The activation giving the gate, by name: 'Sigmoid' (default) or 'Hardsigmoid' (MobileNetV3)." }]),
  StochasticDepth: sig('StochasticDepth', 'linear',
    'torchvision.ops.StochasticDepth: in training, drops a residual branch (zeroes it) with probability p, per sample (mode "row") or for the whole batch ("batch"), scaling what is kept by 1/(1−p); the identity in evaluation. Put it at the end of a residual\'s layers (EfficientNet). No parameters.',
    [{ name: 'p', kind: 'float', pyType: 'float', required: true, min: 0, max: 1, doc: 'Probability of dropping the branch.' },
      { name: 'mode', kind: 'enum', pyType: 'str', required: true, values: ['row', 'batch'], doc: '"row": each sample on its own; "batch": all or nothing.' }]),
  DetectionHead: sig('DetectionHead', 'conv',
    'The head of a one-stage, anchor-free detector (task detection; FCOS, single level): one 3×3 convolution from the backbone\'s feature map to num_classes + 5 maps of the same size. At every location: one logit per class (is an object of this class centred near here?), the distances l, t, r, b from the location to the box\'s four sides in strides, and a centre-ness logit (how close to the object\'s centre the location is). The class biases start at −log(99), a 1% object prior, as RetinaNet and FCOS start them. Parameters: (num_classes + 5)·(in_channels·9 + 1).',
    [arg.inChannels(),
      { name: 'num_classes', kind: 'int', pyType: 'int', required: true, min: 1, doc: 'Object classes (no background class): the first num_classes output maps are their logits.' },
      // Decoding (postprocess.ts), named as torchvision's FCOS constructor names them; the convolution ignores them.
      { name: 'score_thresh', kind: 'float', pyType: 'float', default: DECODE_DEFAULTS.scoreThreshold, min: 0, max: 0.99, doc: 'Decoding: a location\'s class score √(sigmoid(class logit)·sigmoid(centre-ness)) must exceed this to become a candidate box. The validation and test mAP, the panels and `cnnlab predict` decode with it; 0.05 keeps the low-score tail mAP needs (torchvision\'s FCOS shows 0.2). The panels and predict still show only boxes from 0.3 (their slider and --score-threshold).' },
      { name: 'nms_thresh', kind: 'float', pyType: 'float', default: DECODE_DEFAULTS.iouThreshold, exclusiveMin: 0, max: 1, doc: 'Decoding: class-aware non-maximum suppression removes a box overlapping a better-scoring box of its class with an IoU above this (1 keeps every box).' },
      { name: 'topk_candidates', kind: 'int', pyType: 'int', default: DECODE_DEFAULTS.preNmsTopK, min: 1, max: 100000, doc: 'Decoding: the best-scoring candidates kept before NMS.' },
      { name: 'detections_per_img', kind: 'int', pyType: 'int', default: DECODE_DEFAULTS.maxDetections, min: 1, max: 10000, doc: 'Decoding: the detections kept per image after NMS, the best first (COCO\'s mAP counts at most 100).' }]),
};

export const LAYER_TYPES = Object.keys(LAYER_CATALOG) as LayerType[];

const byLowerName = new Map(LAYER_TYPES.map((t) => [t.toLowerCase(), t]));

/** Layer names are case-insensitive (`conv2d`, `maxpool2d`, `relu`). */
export function lookupLayerType(name: string): LayerType | undefined {
  return byLowerName.get(name.toLowerCase());
}
