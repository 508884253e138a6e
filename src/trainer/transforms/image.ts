/**
 * The image a pipeline works on: float32 HWC pixels in [0, 1] (then normalised), as torchvision's transforms
 * see a float tensor after ToTensor, and the contract every transform module implements.
 */
import type { PyValue } from '../../model/types';
import type { ImageObject } from '../datasets/objectBoxes';
import type { Random } from '../datasets/random';

export interface FloatImage {
  data: Float32Array;
  height: number;
  width: number;
  channels: number;
}

/** A transform's resolved arguments (torchvision's names; defaults applied by the core). */
export type TransformArgs = Record<string, PyValue>;

/**
 * One torchvision transform, split as torchvision splits it: `params` draws the random choices for one image
 * (the class's get_params), `apply` transforms with given choices (the functional call). Tests compare `apply`
 * with torchvision's functional on the same parameters.
 */
export interface TransformImpl<P = unknown> {
  params(args: TransformArgs, image: FloatImage, rng: Random): P;
  apply(image: FloatImage, args: TransformArgs, params: P): FloatImage;
  /**
   * Geometric transforms only: the same move (the same drawn params) on a segmentation mask, one channel of class
   * indices, nearest-neighbour so no class is blended into another. Photometric transforms leave masks alone.
   */
  applyMask?(mask: FloatImage, args: TransformArgs, params: P): FloatImage;
  /**
   * Geometric transforms that detection can use: the same move on the image's object boxes (pixel edges of `from`,
   * the image before the step) for the output image `to`, clipped to it (moveBoxes.ts).
   */
  /**
   * Resampling transforms: the step on an image of 8-bit values as torchvision applies it to a PIL image (PIL's
   * integer arithmetic), used where the loader stores images (the datasets' PIL stage); `apply` elsewhere.
   */
  applyPil?(image: FloatImage, args: TransformArgs, params: P): FloatImage;
  /**
   * Resampling transforms in the PIL stage: the same move on a mask as torchvision's segmentation recipes make on the
   * PIL mask, with InterpolationMode.NEAREST, which is PIL's nearest (⌊(i + ½) · scale⌋), not torch's (⌊i · scale⌋).
   */
  applyMaskPil?(mask: FloatImage, args: TransformArgs, params: P): FloatImage;
  applyBoxes?(objects: readonly ImageObject[], args: TransformArgs, params: P, from: FloatImage, to: FloatImage): ImageObject[];
}

/** What a mask's new pixels get (padding, rotated-in corners): class 0, as torchvision.transforms.v2 fills masks. */
export const MASK_FILL = 0;

/** A geometric transform: its apply() moves masks too, with nearest-neighbour sampling and MASK_FILL for new pixels. */
export function geometric<P>(impl: TransformImpl<P>): TransformImpl<P> {
  const forMask = (args: TransformArgs): TransformArgs => ({ ...args, interpolation: 'nearest', antialias: false, fill: MASK_FILL });
  const { applyPil } = impl;
  return {
    ...impl,
    applyMask: (mask, args, params) => impl.apply(mask, forMask(args), params),
    // The PIL step works on 8-bit values (k / 255): class k goes in as k / 255 and comes back as k.
    ...(applyPil ? { applyMaskPil: (mask: FloatImage, args: TransformArgs, params: P) => classes(applyPil(pixels(mask), forMask(args), params)) } : {}),
  };
}

const pixels = (mask: FloatImage): FloatImage => ({ ...mask, data: Float32Array.from(mask.data, (k) => k / 255) });
const classes = (image: FloatImage): FloatImage => ({ ...image, data: Float32Array.from(image.data, (v) => Math.round(v * 255)) });

/** A deterministic transform: no parameters to draw. */
export function deterministic(apply: (image: FloatImage, args: TransformArgs) => FloatImage): TransformImpl<undefined> {
  return { params: () => undefined, apply: (image, args) => apply(image, args) };
}

export function newImage(height: number, width: number, channels: number): FloatImage {
  return { data: new Float32Array(height * width * channels), height, width, channels };
}

/** An int or (h, w) as [h, w]. */
export function sizePair(v: PyValue): [number, number] {
  if (typeof v === 'number') return [v, v];
  const p = v as number[];
  return p.length === 1 ? [p[0], p[0]] : [p[0], p[1]];
}

/** A number d as (−d, d), or a (min, max) pair as it is. */
export function symmetricRange(v: PyValue): [number, number] {
  if (typeof v === 'number') return [-v, v];
  const p = v as number[];
  return [p[0], p[1]];
}

/** Per-channel values: one number for all channels, or a sequence. */
export function perChannel(v: PyValue, channels: number): number[] {
  const list = Array.isArray(v) ? (v as number[]) : [typeof v === 'number' ? v : 0];
  return Array.from({ length: channels }, (_, c) => list[list.length === 1 ? 0 : c] ?? 0);
}

/** Python's round(): halves go to the even neighbour (torchvision's crop offsets use it). */
export function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** torch.randint(lo, hi): an integer in [lo, hi). */
export function randint(rng: Random, lo: number, hi: number): number {
  return lo + rng.int(hi - lo);
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
