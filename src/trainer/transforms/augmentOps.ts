/**
 * The operations of RandAugment and TrivialAugmentWide (torchvision's _apply_op) and their magnitude tables.
 * They work on 8-bit values (0…255, truncated after each step) as torchvision's do on uint8 images.
 */
import { adjustBrightness, adjustContrast, adjustSaturation } from './color';
import { newImage, type FloatImage } from './image';
import type { Interpolation } from './resample';
import { inverseAffineMatrix, warpAffine } from './warp';

export const AUGMENT_OPS = ['Identity', 'ShearX', 'ShearY', 'TranslateX', 'TranslateY', 'Rotate', 'Brightness', 'Color', 'Contrast', 'Sharpness', 'Posterize', 'Solarize', 'AutoContrast', 'Equalize'] as const;
export type AugmentOp = (typeof AUGMENT_OPS)[number];
/** The operations that move pixels rather than change their values: they move segmentation masks too. */
export const GEOMETRIC_OPS: ReadonlySet<AugmentOp> = new Set(['ShearX', 'ShearY', 'TranslateX', 'TranslateY', 'Rotate']);

export interface OpChoice {
  op: AugmentOp;
  magnitude: number;
}

const linspace = (a: number, b: number, n: number) => Array.from({ length: n }, (_, i) => (n === 1 ? a : a + ((b - a) * i) / (n - 1)));

/** Magnitudes per op (empty: the op has none) and whether they are signed: torchvision's _augmentation_space. */
export function augmentationSpace(bins: number, height: number, width: number, wide: boolean): Record<AugmentOp, { magnitudes: number[]; signed: boolean }> {
  const signed = (magnitudes: number[]) => ({ magnitudes, signed: true });
  const fixed = (magnitudes: number[]) => ({ magnitudes, signed: false });
  const strength = wide ? 0.99 : 0.9;
  return {
    Identity: fixed([]),
    ShearX: signed(linspace(0, wide ? 0.99 : 0.3, bins)),
    ShearY: signed(linspace(0, wide ? 0.99 : 0.3, bins)),
    TranslateX: signed(linspace(0, wide ? 32 : (150 / 331) * width, bins)),
    TranslateY: signed(linspace(0, wide ? 32 : (150 / 331) * height, bins)),
    Rotate: signed(linspace(0, wide ? 135 : 30, bins)),
    Brightness: signed(linspace(0, strength, bins)),
    Color: signed(linspace(0, strength, bins)),
    Contrast: signed(linspace(0, strength, bins)),
    Sharpness: signed(linspace(0, strength, bins)),
    Posterize: fixed(Array.from({ length: bins }, (_, i) => 8 - Math.round(i / ((bins - 1) / (wide ? 6 : 4))))),
    Solarize: fixed(linspace(255, 0, bins)),
    AutoContrast: fixed([]),
    Equalize: fixed([]),
  };
}

export function toBytes(image: FloatImage): FloatImage {
  return { ...image, data: image.data.map((v) => Math.round((v < 0 ? 0 : v > 1 ? 1 : v) * 255)) };
}

export function fromBytes(image: FloatImage): FloatImage {
  return { ...image, data: image.data.map((v) => v / 255) };
}

function map(image: FloatImage, f: (v: number, c: number) => number): FloatImage {
  const out = newImage(image.height, image.width, image.channels);
  for (let i = 0; i < out.data.length; i++) out.data[i] = f(image.data[i], i % image.channels);
  return out;
}

/** F.affine / F.rotate on 8-bit values: resampled in float, then rounded back as torchvision casts to uint8. */
function warpBytes(image: FloatImage, matrix: number[], mode: Interpolation, fill: number[] | null): FloatImage {
  return map(warpAffine(image, matrix, mode, fill), (v) => Math.min(255, Math.max(0, Math.round(v))));
}

/** One operation at one magnitude on an 8-bit image (torchvision's _apply_op). */
export function applyOp(image: FloatImage, op: AugmentOp, magnitude: number, mode: Interpolation, fill: number[] | null): FloatImage {
  const corner: [number, number] = [-image.width * 0.5, -image.height * 0.5];
  const shear = (Math.atan(magnitude) * 180) / Math.PI;
  switch (op) {
    case 'Identity':
      return image;
    case 'ShearX':
      return warpBytes(image, inverseAffineMatrix(corner, 0, [0, 0], 1, [shear, 0]), mode, fill);
    case 'ShearY':
      return warpBytes(image, inverseAffineMatrix(corner, 0, [0, 0], 1, [0, shear]), mode, fill);
    case 'TranslateX':
      return warpBytes(image, inverseAffineMatrix([0, 0], 0, [Math.trunc(magnitude), 0], 1, [0, 0]), mode, fill);
    case 'TranslateY':
      return warpBytes(image, inverseAffineMatrix([0, 0], 0, [0, Math.trunc(magnitude)], 1, [0, 0]), mode, fill);
    case 'Rotate':
      return warpBytes(image, inverseAffineMatrix([0, 0], -magnitude, [0, 0], 1, [0, 0]), mode, fill);
    case 'Brightness':
      return adjustBrightness(image, 1 + magnitude, true);
    case 'Color':
      return adjustSaturation(image, 1 + magnitude, true);
    case 'Contrast':
      return adjustContrast(image, 1 + magnitude, true);
    case 'Sharpness':
      return adjustSharpness(image, 1 + magnitude);
    case 'Posterize': {
      const mask = 256 - 2 ** (8 - Math.trunc(magnitude));
      return map(image, (v) => v & mask);
    }
    case 'Solarize':
      return map(image, (v) => (v >= magnitude ? 255 - v : v));
    case 'AutoContrast':
      return autocontrast(image);
    case 'Equalize':
      return equalize(image);
  }
}

/** Blend with the image smoothed by [[1, 1, 1], [1, 5, 1], [1, 1, 1]] / 13 inside its border. */
function adjustSharpness(image: FloatImage, factor: number): FloatImage {
  const { height: h, width: w, channels: ch, data } = image;
  if (h <= 2 || w <= 2) return image;
  const degenerate = Float32Array.from(data);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      for (let c = 0; c < ch; c++) {
        let acc = 0;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) acc += data[((y + dy) * w + x + dx) * ch + c] * (dx === 0 && dy === 0 ? 5 : 1);
        degenerate[(y * w + x) * ch + c] = Math.round(acc / 13);
      }
    }
  }
  return { ...image, data: data.map((v, i) => Math.trunc(Math.min(255, Math.max(0, factor * v + (1 - factor) * degenerate[i])))) };
}

function channelRange(image: FloatImage, c: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = c; i < image.data.length; i += image.channels) {
    lo = Math.min(lo, image.data[i]);
    hi = Math.max(hi, image.data[i]);
  }
  return [lo, hi];
}

function autocontrast(image: FloatImage): FloatImage {
  const ranges = Array.from({ length: image.channels }, (_, c) => {
    const [lo, hi] = channelRange(image, c);
    return lo === hi ? [0, 255] : [lo, hi];
  });
  return map(image, (v, c) => Math.trunc(Math.min(255, Math.max(0, (v - ranges[c][0]) * (255 / (ranges[c][1] - ranges[c][0]))))));
}

/** Histogram equalisation per channel (torchvision's _scale_channel). */
function equalize(image: FloatImage): FloatImage {
  const luts = Array.from({ length: image.channels }, (_, c) => {
    const hist = new Float64Array(256);
    for (let i = c; i < image.data.length; i += image.channels) hist[image.data[i]]++;
    const nonzero = [...hist].filter((v) => v !== 0);
    const step = Math.floor(nonzero.slice(0, -1).reduce((a, b) => a + b, 0) / 255);
    if (step === 0) return undefined;
    const lut = new Float64Array(256);
    let cum = 0;
    for (let v = 0; v < 256; v++) {
      // lut[v] = floor((cumsum up to v − 1 + step // 2) / step): the histogram shifted by one.
      lut[v] = Math.min(255, Math.max(0, Math.floor((cum + Math.floor(step / 2)) / step)));
      cum += hist[v];
    }
    return lut;
  });
  return map(image, (v, c) => (luts[c] ? (luts[c] as Float64Array)[v] : v));
}
