/**
 * Inputs for inspection: an image file (PNG/JPEG, decoded and fitted to the model's input by the datasets'
 * own decoder) or one image of a dataset split, as float32 HWC normalised like the training batches.
 */
import { imageToFloat, type Normalization } from '../../trainer/datasets/batches';
import { loadImageFile } from '../../trainer/datasets/decode';
import { resolveMaxImagePixels } from '../../trainer/datasets/imageLimits';
import type { ImageSet } from '../../trainer/datasets/types';

/** One image ready for the model, with its raw pixels for display. */
export interface InspectInput {
  /** float32 HWC, normalised. */
  x: Float32Array;
  /** uint8 HWC, as the model sees it before normalisation (for drawing the image and overlays). */
  pixels: Uint8Array;
  height: number;
  width: number;
  channels: number;
  /** The true class, when the image comes from a labelled set. */
  label?: number;
  /** Where it came from, for people: a path or "test #12". */
  source: string;
}

/**
 * Reads and decodes an image file fitted to input [C, H, W]; throws an error naming the file when it is not a
 * readable image or has more than `maxImagePixels` pixels (default: see trainer/datasets/imageLimits).
 */
export async function inputFromFile(file: string, input: [number, number, number], normalize: Normalization | undefined, maxImagePixels?: number): Promise<InspectInput> {
  const [channels, height, width] = input;
  const pixels = loadImageFile(file, height, width, channels, resolveMaxImagePixels(maxImagePixels));
  return fromPixels(pixels, height, width, channels, normalize, file);
}

/** Image `index` of a set (already fitted to the model's input by the dataset loader). */
export function inputFromSet(set: ImageSet, index: number, normalize: Normalization | undefined, source: string): InspectInput {
  if (!Number.isInteger(index) || index < 0 || index >= set.count) throw new RangeError(`image index ${index} is outside 0…${set.count - 1}`);
  const size = set.height * set.width * set.channels;
  return {
    x: imageToFloat(set, index, normalize),
    pixels: set.images.slice(index * size, (index + 1) * size),
    height: set.height,
    width: set.width,
    channels: set.channels,
    label: set.labels[index],
    source,
  };
}

/** Wraps raw uint8 HWC pixels as an input (normalised with the training statistics). */
export function fromPixels(pixels: Uint8Array, height: number, width: number, channels: number, normalize: Normalization | undefined, source: string): InspectInput {
  const set: ImageSet = { images: pixels, labels: new Uint8Array(1), count: 1, height, width, channels };
  return { x: imageToFloat(set, 0, normalize), pixels, height, width, channels, source };
}

/** The normalised value of a mid-grey pixel per channel: the occluding patch. */
export function greyValues(channels: number, normalize: Normalization | undefined): number[] {
  return Array.from({ length: channels }, (_, c) =>
    normalize ? (0.5 - normalize.mean[c % normalize.mean.length]) / normalize.std[c % normalize.std.length] : 0.5,
  );
}
