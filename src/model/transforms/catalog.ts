/**
 * TRANSFORM_CATALOG: every supported torchvision transform with torchvision 0.14's signature (argument order,
 * defaults, types) and a short explanation. The pipeline reader, hovers, completion and the docs read it; the
 * trainer implements each entry (src/trainer/transforms/).
 */
import type { PyValue, TransformType } from '../types';
import type { ArgSignature, CallSignature } from '../layers/argDocs';

export interface TransformSignature extends CallSignature {
  type: TransformType;
  /** Whether it draws random parameters (random transforms are left out of a derived test pipeline). */
  random: boolean;
  doc: string;
}

const sizeArg = (doc: string): ArgSignature => ({ name: 'size', kind: 'pair', pyType: 'int | tuple[int, int]', required: true, min: 1, doc });
const probability = (def: number, what: string): ArgSignature => ({ name: 'p', kind: 'float', pyType: 'float', default: def, min: 0, max: 1, doc: `Probability that the image is ${what}.` });
const interpolation = (def: 'bilinear' | 'nearest'): ArgSignature => ({
  name: 'interpolation', kind: 'enum', pyType: 'InterpolationMode (as a string)', default: def, values: ['bilinear', 'nearest'],
  doc: "How new pixel values are computed: 'bilinear' blends the four nearest source pixels, 'nearest' copies the closest one.",
});
const antialias: ArgSignature = {
  name: 'antialias', kind: 'bool', pyType: 'bool | None', default: null,
  doc: 'Smooth before shrinking, as PIL does. None (the default) antialiases; False resamples without it, except in the leading Resize / CenterCrop steps, which run on the 8-bit images as torchvision runs them on the PIL images of its datasets: PIL always antialiases there (torchvision ignores the flag for PIL images).',
};
const fill = (def: PyValue): ArgSignature => ({
  name: 'fill', kind: 'numbers', pyType: 'float | sequence[float]' + (def === null ? ' | None' : ''), default: def, lengths: [1, 3],
  doc: 'Value of the pixels that come from outside the image (0 = black), one per channel or one for all.',
});
const magnitudeBins: ArgSignature = { name: 'num_magnitude_bins', kind: 'int', pyType: 'int', default: 31, min: 2, doc: 'Number of steps the strength of each operation is divided into.' };
const augmentOps =
  'identity, shear, translation, rotation, brightness, colour saturation, contrast, sharpness, posterize, solarize, autocontrast and equalize';

const t = (type: TransformType, random: boolean, doc: string, args: ArgSignature[]): TransformSignature => ({ type, random, doc, args });

export const TRANSFORM_CATALOG: Record<TransformType, TransformSignature> = {
  Resize: t('Resize', false,
    'Resizes the image. An int resizes the shorter side to it and keeps the aspect ratio (Resize(256) turns 500×375 into 341×256); (h, w) gives that exact size, stretching if needed.',
    [sizeArg('An int: the new length of the shorter side, aspect ratio kept. (h, w): the exact output size.'), interpolation('bilinear'),
      { name: 'max_size', kind: 'optionalInt', pyType: 'int | None', default: null, min: 1, doc: 'With an int size: the longer side is capped at this, shrinking both sides if needed.' },
      antialias]),
  CenterCrop: t('CenterCrop', false,
    'Cuts the central size×size (or h×w) window out of the image; an image smaller than the window is padded with zeros first. Typical at test time after Resize.',
    [sizeArg('Height and width of the window (an int gives a square).')]),
  RandomCrop: t('RandomCrop', true,
    'Pads the image (optional), then cuts a window of the given size at a random position: small random shifts. RandomCrop(32, padding=4) is the classic CIFAR augmentation.',
    [sizeArg('Height and width of the window (an int gives a square).'),
      { name: 'padding', kind: 'numbers', pyType: 'int | sequence[int] | None', default: null, min: 0, integer: true, lengths: [1, 2, 4],
        doc: 'Pixels added before cropping: one int for every side, (left/right, top/bottom), or (left, top, right, bottom).' },
      { name: 'pad_if_needed', kind: 'bool', pyType: 'bool', default: false, doc: 'Pad an image smaller than the window up to its size instead of failing.' },
      fill(0),
      { name: 'padding_mode', kind: 'enum', pyType: 'str', default: 'constant', values: ['constant', 'edge', 'reflect', 'symmetric'],
        doc: "What the padding holds: the fill value ('constant'), copies of the edge pixel ('edge'), a mirror without ('reflect') or with ('symmetric') the edge pixel." }]),
  RandomResizedCrop: t('RandomResizedCrop', true,
    'Cuts a random window (covering a random share `scale` of the image, with a random aspect ratio `ratio`) and resizes it to size: the standard ImageNet training augmentation.',
    [sizeArg('Output height and width (an int gives a square).'),
      { name: 'scale', kind: 'range', pyType: 'tuple[float, float]', default: [0.08, 1.0], min: 0, doc: 'Range of the window\'s area, as a fraction of the image\'s.' },
      { name: 'ratio', kind: 'range', pyType: 'tuple[float, float]', default: [0.75, 4 / 3], exclusiveMin: 0, doc: 'Range of the window\'s aspect ratio (width / height), drawn log-uniformly.' },
      interpolation('bilinear'), antialias]),
  RandomHorizontalFlip: t('RandomHorizontalFlip', true,
    'Mirrors the image left-right with probability p: right for clothes, animals and objects, wrong for digits and text.',
    [probability(0.5, 'flipped')]),
  RandomVerticalFlip: t('RandomVerticalFlip', true,
    'Mirrors the image top-bottom with probability p: for images without an "up" (satellite, microscopy).',
    [probability(0.5, 'flipped')]),
  RandomRotation: t('RandomRotation', true,
    'Rotates the image by a random angle about its centre; the corners that come from outside are filled.',
    [{ name: 'degrees', kind: 'range', pyType: 'float | tuple[float, float]', required: true, min: -360, max: 360,
      doc: 'A number d: angles in (−d, +d). (min, max): angles in that range, counter-clockwise.' },
    interpolation('nearest'),
    { name: 'expand', kind: 'bool', pyType: 'bool', default: false, onlySupported: false, doc: 'Enlarge the output to hold the whole rotated image. Not supported in CNN Lab (the size would vary).' },
    { name: 'center', kind: 'numbers', pyType: 'sequence[int] | None', default: null, onlySupported: null, doc: 'Centre of rotation; None is the image centre (the only choice in CNN Lab).' },
    fill(0)]),
  RandomAffine: t('RandomAffine', true,
    'A random rotation, shift, zoom and shear in one resampling, keeping the image centre in place.',
    [{ name: 'degrees', kind: 'range', pyType: 'float | tuple[float, float]', required: true, min: -180, max: 180,
      doc: 'A number d: rotation angles in (−d, +d); (min, max): that range; 0 turns rotation off.' },
    { name: 'translate', kind: 'numbers', pyType: 'tuple[float, float] | None', default: null, min: 0, max: 1, lengths: [2], noScalar: true,
      doc: 'Maximum shift as fractions (a, b) of the width and the height.' },
    { name: 'scale', kind: 'range', pyType: 'tuple[float, float] | None', default: null, exclusiveMin: 0, doc: 'Range of zoom factors, e.g. (0.9, 1.1).' },
    { name: 'shear', kind: 'numbers', pyType: 'float | sequence[float] | None', default: null, min: -89, max: 89, lengths: [2, 4],
      doc: 'Shear angles in degrees: s gives x-shear in (−s, s); (a, b) an x-range; (a, b, c, d) x- and y-ranges.' },
    interpolation('nearest'), fill(0),
    { name: 'center', kind: 'numbers', pyType: 'sequence[int] | None', default: null, onlySupported: null, doc: 'Centre of the transformation; None is the image centre (the only choice in CNN Lab).' }]),
  ColorJitter: t('ColorJitter', true,
    'Random changes of brightness, contrast, saturation and hue, applied in a random order. A number b means a factor in [max(0, 1 − b), 1 + b]; hue h shifts the hue by up to ±h of a turn. Saturation and hue need RGB images.',
    [{ name: 'brightness', kind: 'range', pyType: 'float | tuple[float, float]', default: 0, min: 0, doc: 'How much brighter or darker: factor in [max(0, 1 − b), 1 + b].' },
      { name: 'contrast', kind: 'range', pyType: 'float | tuple[float, float]', default: 0, min: 0, doc: 'How much more or less contrast: factor in [max(0, 1 − c), 1 + c].' },
      { name: 'saturation', kind: 'range', pyType: 'float | tuple[float, float]', default: 0, min: 0, doc: 'How much more or less colourful (RGB only): factor in [max(0, 1 − s), 1 + s].' },
      { name: 'hue', kind: 'range', pyType: 'float | tuple[float, float]', default: 0, min: -0.5, max: 0.5, doc: 'Hue shift as a fraction of the colour wheel, in [−h, h] (0 ≤ h ≤ 0.5; RGB only).' }]),
  RandomGrayscale: t('RandomGrayscale', true,
    'Turns the image grey (keeping its number of channels) with probability p, so the network cannot rely on colour alone.',
    [probability(0.1, 'turned grey')]),
  GaussianBlur: t('GaussianBlur', true,
    'Blurs with a Gaussian kernel whose standard deviation is drawn from sigma for each image (edges reflected).',
    [{ name: 'kernel_size', kind: 'pair', pyType: 'int | tuple[int, int]', required: true, min: 1, doc: 'Width and height of the kernel: odd, positive.' },
      { name: 'sigma', kind: 'range', pyType: 'float | tuple[float, float]', default: [0.1, 2.0], exclusiveMin: 0, doc: 'Standard deviation of the kernel, or the (min, max) range it is drawn from.' }]),
  RandomErasing: t('RandomErasing', true,
    'With probability p, blanks out a random rectangle (Cutout-style), so the network learns from every part of the object. torchvision applies it to tensors: after Normalize.',
    [probability(0.5, 'erased'),
      { name: 'scale', kind: 'range', pyType: 'tuple[float, float]', default: [0.02, 0.33], min: 0, max: 1, doc: 'Range of the erased area as a fraction of the image.' },
      { name: 'ratio', kind: 'range', pyType: 'tuple[float, float]', default: [0.3, 3.3], exclusiveMin: 0, doc: 'Range of the rectangle\'s aspect ratio (drawn log-uniformly).' },
      { name: 'value', kind: 'numbers', pyType: "float | sequence[float] | 'random'", default: 0, lengths: [1, 3], values: ['random'], doc: "What the rectangle holds: a value, one per channel, or 'random' (normal noise)." },
      { name: 'inplace', kind: 'bool', pyType: 'bool', default: false, doc: 'Overwrite the input tensor. No effect on results.' }]),
  RandAugment: t('RandAugment', true,
    `Applies num_ops operations picked at random from ${augmentOps}, all at the same strength magnitude (Cubuk et al., 2019). The image stays 8-bit between operations, as with torchvision's uint8 images.`,
    [{ name: 'num_ops', kind: 'int', pyType: 'int', default: 2, min: 0, doc: 'How many operations are applied in a row.' },
      { name: 'magnitude', kind: 'int', pyType: 'int', default: 9, min: 0, doc: 'Strength of every operation, in 0 … num_magnitude_bins − 1.' },
      magnitudeBins, interpolation('nearest'), fill(null)]),
  TrivialAugmentWide: t('TrivialAugmentWide', true,
    `Applies one operation picked at random from ${augmentOps}, at a random strength (Müller & Hutter, 2021): no settings to tune.`,
    [magnitudeBins, interpolation('nearest'), fill(null)]),
  Normalize: t('Normalize', false,
    'Per-channel (x − mean) / std on pixels in [0, 1], so inputs are centred and scaled. Put it after the transforms that work on pixel colours.',
    [{ name: 'mean', kind: 'numbers', pyType: 'sequence[float]', required: true, lengths: [1, 3], doc: 'One mean per channel, e.g. (0.5,) or (0.485, 0.456, 0.406).' },
      { name: 'std', kind: 'numbers', pyType: 'sequence[float]', required: true, exclusiveMin: 0, lengths: [1, 3], doc: 'One standard deviation per channel, e.g. (0.5,) or (0.229, 0.224, 0.225).' },
      { name: 'inplace', kind: 'bool', pyType: 'bool', default: false, doc: 'Overwrite the input tensor. No effect on results.' }]),
  ToTensor: t('ToTensor', false,
    'Turns 8-bit pixels into floats in [0, 1]. CNN Lab always does this; it is accepted so pipelines can be pasted as they are.', []),
};

export const TRANSFORM_TYPES = Object.keys(TRANSFORM_CATALOG) as TransformType[];

const byLowerName = new Map(TRANSFORM_TYPES.map((type) => [type.toLowerCase(), type]));

/** Transform names are case-insensitive and may carry torchvision's module prefix (`transforms.Resize`, `T.Resize`). */
export function lookupTransformType(name: string): TransformType | undefined {
  return byLowerName.get(name.replace(/^(?:torchvision\.)?(?:transforms|T)\./, '').toLowerCase());
}
