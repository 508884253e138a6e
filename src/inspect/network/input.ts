/**
 * Inputs for inspection: an image file (PNG/JPEG) or one image of the test split, as float32 HWC prepared as the
 * test pass prepares images (the test pipeline's geometry and normalisation; see trainer/datasets/testImage).
 */
import { imageToFloat, type Normalization } from '../../trainer/datasets/batches';
import { resolveMaxImagePixels } from '../../trainer/datasets/imageLimits';
import { testImageFromFile, testPassPixels, type TestPreprocessing } from '../../trainer/datasets/testImage';
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
 * Reads and decodes an image file and prepares it as the test pass prepares test images; throws an error naming the
 * file when it is not a readable image, has more than `maxImagePixels` pixels (default: see
 * trainer/datasets/imageLimits) or does not come out of the test pipeline at the model's input size.
 */
export async function inputFromFile(file: string, prep: TestPreprocessing, maxImagePixels?: number): Promise<InspectInput> {
  return { ...testImageFromFile(file, prep, resolveMaxImagePixels(maxImagePixels)), source: file };
}

/** Image `index` of a test set (stored by the dataset loader), through the rest of the test pipeline. */
export function inputFromSet(set: ImageSet, index: number, prep: TestPreprocessing, source: string): InspectInput {
  if (!Number.isInteger(index) || index < 0 || index >= set.count) throw new RangeError(`image index ${index} is outside 0…${set.count - 1}`);
  const size = set.height * set.width * set.channels;
  const pixels = set.images.slice(index * size, (index + 1) * size);
  return { x: testPassPixels(pixels, set, prep), pixels, height: set.height, width: set.width, channels: set.channels, label: set.labels[index], source };
}

/** Wraps raw uint8 HWC pixels as an input (normalised with the training statistics). */
export function fromPixels(pixels: Uint8Array, height: number, width: number, channels: number, normalize: Normalization | undefined, source: string): InspectInput {
  const set: ImageSet = { images: pixels, labels: new Uint8Array(1), count: 1, height, width, channels };
  return { x: imageToFloat(set, 0, normalize), pixels, height, width, channels, source };
}

/** The normalised value of a mid-grey pixel per channel: the occluding patch. */
export function greyValues(channels: number, normalize: Normalization | undefined): number[] {
  return pixelLevelValues(0.5, channels, normalize);
}

/** The normalised value of a pixel at `level` (0 black … 1 white) per channel. */
export function pixelLevelValues(level: number, channels: number, normalize: Normalization | undefined): number[] {
  return Array.from({ length: channels }, (_, c) =>
    normalize ? (level - normalize.mean[c % normalize.mean.length]) / normalize.std[c % normalize.std.length] : level,
  );
}
