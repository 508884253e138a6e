/**
 * Argument definitions shared by several layers (kernel_size, stride, padding, …), written for learners.
 * The catalog (catalog.ts) assembles layer signatures from these.
 */
import type { PyValue } from '../types';

/** How an argument's value is checked and normalised. */
export type ArgKind =
  | 'int'
  | 'pair' // int or (int, int)
  | 'padding' // int, (int, int), 'same' or 'valid'
  | 'float'
  | 'bool'
  | 'enum'
  | 'outputSize' // int or (int|None, int|None)
  | 'optionalPair' // None, int or (int, int)
  | 'scale' // None, float or (float, float)
  | 'optionalInt'
  | 'sizes' // a tuple of positive ints, e.g. (32, 7, 7)
  | 'range' // a number, or (min, max) of them (torchvision's jitter and degree ranges)
  | 'numbers'; // a number or a sequence of them, of one of `lengths` (torchvision's padding, shear, fill, mean)

/** What every call-syntax signature (layers, transforms) provides to the argument binder. */
export interface CallSignature {
  /** The name as shown in messages, e.g. "Conv2d", "RandomCrop". */
  type: string;
  /** Arguments in positional order. */
  args: ArgSignature[];
}

export interface ArgSignature {
  name: string;
  kind: ArgKind;
  /** Python type as torch documents it, for hovers. */
  pyType: string;
  /** Default value; absent for required arguments. */
  default?: PyValue;
  required?: boolean;
  /** May be omitted: CNN Lab infers it from the incoming tensor (in_channels, in_features, num_features). */
  inferred?: boolean;
  min?: number;
  /** Values must be greater than this (a strict lower bound, e.g. 0 for scale_factor). */
  exclusiveMin?: number;
  max?: number;
  values?: string[];
  /** 'numbers': the sequence lengths accepted (a single number is accepted unless `noScalar`). */
  lengths?: number[];
  noScalar?: boolean;
  /** 'numbers': the values must be integers. */
  integer?: boolean;
  /** Accepted for compatibility, but only this value is supported by CNN Lab. */
  onlySupported?: PyValue;
  doc: string;
}

/** Whether a number is within the argument's bounds (min, exclusiveMin, max). */
export function inBounds(s: ArgSignature, n: number): boolean {
  return (s.min === undefined || n >= s.min) && (s.exclusiveMin === undefined || n > s.exclusiveMin) && (s.max === undefined || n <= s.max);
}

/** The argument's bounds for messages and docs: "≥ 1", "> 0", "between 0 and 1", "≤ 5"; '' when unbounded. */
export function boundsText(s: ArgSignature): string {
  const low = s.exclusiveMin !== undefined ? `> ${s.exclusiveMin}` : s.min !== undefined ? `≥ ${s.min}` : undefined;
  if (s.max === undefined) return low ?? '';
  if (s.min !== undefined && s.exclusiveMin === undefined) return `between ${s.min} and ${s.max}`;
  return low ? `${low} and ≤ ${s.max}` : `≤ ${s.max}`;
}

const pairDoc = ' A single int applies to height and width; a tuple (h, w) sets them separately.';

export const arg = {
  inChannels: (): ArgSignature => ({
    name: 'in_channels', kind: 'int', pyType: 'int', required: true, inferred: true, min: 1,
    doc: 'Number of channels of the incoming feature map (1 for grey images, 3 for RGB). May be omitted: it is inferred from the previous layer.',
  }),
  outChannels: (): ArgSignature => ({
    name: 'out_channels', kind: 'int', pyType: 'int', required: true, min: 1,
    doc: 'Number of filters, i.e. of output channels. Each filter learns one feature detector.',
  }),
  kernelSize: (required = true): ArgSignature => ({
    name: 'kernel_size', kind: 'pair', pyType: 'int | tuple[int, int]', required, min: 1,
    doc: `Size of the sliding window (the filter), e.g. 3 for a 3×3 window.${pairDoc}`,
  }),
  stride: (def: PyValue = 1, doc = 'Step between two window positions. Stride 2 halves the height and width.'): ArgSignature => ({
    name: 'stride', kind: def === null ? 'optionalPair' : 'pair', pyType: def === null ? 'int | tuple[int, int] | None' : 'int | tuple[int, int]', default: def, min: 1, doc: doc + pairDoc,
  }),
  padding: (allowSame: boolean): ArgSignature => ({
    name: 'padding', kind: allowSame ? 'padding' : 'pair', pyType: allowSame ? "int | tuple[int, int] | 'same' | 'valid'" : 'int | tuple[int, int]',
    default: 0, min: 0,
    doc:
      'Rows/columns of zeros added on each side before sliding the window, so border pixels are seen as often as the centre.' +
      (allowSame ? " 'same' keeps the size (stride 1 only), 'valid' means no padding." : '') + pairDoc,
  }),
  dilation: (): ArgSignature => ({
    name: 'dilation', kind: 'pair', pyType: 'int | tuple[int, int]', default: 1, min: 1,
    doc: `Spacing between the window's taps ("atrous" convolution): a 3×3 kernel with dilation 2 covers 5×5 pixels with 9 weights.${pairDoc}`,
  }),
  groups: (): ArgSignature => ({
    name: 'groups', kind: 'int', pyType: 'int', default: 1, min: 1,
    doc: 'Splits channels into groups convolved separately; groups = in_channels gives a depthwise convolution. Both channel counts must be divisible by it.',
  }),
  bias: (): ArgSignature => ({
    name: 'bias', kind: 'bool', pyType: 'bool', default: true,
    doc: 'Adds a learnable offset per output. Usually False when a BatchNorm follows, since its β does the same job.',
  }),
  ceilMode: (): ArgSignature => ({
    name: 'ceil_mode', kind: 'bool', pyType: 'bool', default: false,
    doc: 'Round the output size up instead of down, so a last, partial window at the border still produces an output.',
  }),
  inplace: (): ArgSignature => ({
    name: 'inplace', kind: 'bool', pyType: 'bool', default: false,
    doc: 'Overwrite the input tensor to save memory. No effect on shapes or results.',
  }),
  dim: (): ArgSignature => ({
    name: 'dim', kind: 'optionalInt', pyType: 'int | None', default: null,
    doc: 'Dimension along which the values sum to 1 (with the batch dimension counted as 0, so 1 means the classes).',
  }),
  outputSize: (): ArgSignature => ({
    name: 'output_size', kind: 'outputSize', pyType: 'int | tuple[int | None, int | None]', required: true, min: 1,
    doc: 'The height and width wanted at the output, whatever the input size: the window size and stride are chosen for you. None keeps the input size in that dimension.',
  }),
  /** BatchNorm1d / BatchNorm2d share their signature; only what is normalised differs. */
  batchNorm: (what: 'channels' | 'features'): ArgSignature[] => [
    {
      name: 'num_features', kind: 'int', pyType: 'int', required: true, inferred: true, min: 1,
      doc: `Number of ${what} being normalised (C of the incoming tensor). May be omitted: it is inferred.`,
    },
    { name: 'eps', kind: 'float', pyType: 'float', default: 1e-5, min: 0, doc: 'Added to the variance to avoid dividing by zero.' },
    { name: 'momentum', kind: 'float', pyType: 'float', default: 0.1, min: 0, max: 1, doc: 'How fast the running mean/variance follow the batch statistics.' },
    { name: 'affine', kind: 'bool', pyType: 'bool', default: true, doc: 'Learn the scale γ and shift β (2·num_features parameters).' },
    { name: 'track_running_stats', kind: 'bool', pyType: 'bool', default: true, doc: 'Keep running mean/variance for evaluation (buffers, not parameters).' },
  ],
  p: (): ArgSignature => ({
    name: 'p', kind: 'float', pyType: 'float', default: 0.5, min: 0, max: 1,
    doc: 'Probability that an element is zeroed during training. At evaluation time dropout does nothing.',
  }),
};
