/**
 * One picture as the test pass sees it: decoded and stored as the dataset loader stores test images (stretched to
 * `input` without data.transforms; else the test pipeline's leading Resize / CenterCrop), then the rest of the
 * test pipeline run as a batch of one. Prediction and inspection go through here, so a picture given by file gets
 * the same geometry and normalisation as the test images.
 */
import type { DataPipeline } from '../../model/types';
import { batches } from './batches';
import { readImageBytes } from './decode';
import { DatasetError } from './errors';
import { splitPipeline, storedImage } from './storedTransforms';
import type { ImageSet } from './types';

/** What preparing an input needs from a model: its input [C, H, W], its pipelines and its seed. */
export interface TestPreprocessing {
  input: readonly [number, number, number];
  pipeline: DataPipeline;
  seed: number;
}

/** A picture ready for the model, and its stored pixels (uint8 HWC, for drawing). */
export interface TestImage {
  x: Float32Array;
  pixels: Uint8Array;
  height: number;
  width: number;
  channels: number;
}

/** Reads `file` and prepares it like a test image; errors name the file. */
export function testImageFromFile(file: string, prep: TestPreprocessing, maxPixels: number): TestImage {
  const bytes = readImageBytes(file, maxPixels);
  const stored = prep.pipeline.fitToInput ? undefined : splitPipeline(prep.pipeline).stored.test;
  const image = storedImage(bytes, file, prep.input, stored, maxPixels);
  const [, height, width] = prep.input;
  if (image.height !== height || image.width !== width) {
    const steps = stored?.length ? stored.map((s) => s.type).join(', ') : 'no resizing step';
    throw new DatasetError(`${file} is ${image.height}×${image.width} after the test pipeline's first steps (${steps}); the model takes ${height}×${width}: begin data.transforms.test with Resize((${height}, ${width})), or Resize(n) then CenterCrop(${height === width ? height : `(${height}, ${width})`}).`, file);
  }
  return { ...image, x: testPassPixels(image.pixels, image, prep) };
}

/** Stored pixels (one image) through the rest of the test pipeline, as the test pass batches them. */
export function testPassPixels(pixels: Uint8Array, g: { height: number; width: number; channels: number }, prep: TestPreprocessing): Float32Array {
  const set: ImageSet = { images: pixels, labels: new Uint8Array(1), count: 1, height: g.height, width: g.width, channels: g.channels };
  const transforms = prep.pipeline.fitToInput ? prep.pipeline.test : splitPipeline(prep.pipeline).batched.test;
  const [batch] = batches(set, { batchSize: 1, shuffle: false, seed: prep.seed, transforms });
  return batch.x;
}
