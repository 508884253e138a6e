/**
 * One decoded picture (RGBA) as the test pass sees it: stored as the dataset loader stores test images (stretched
 * to `input` without data.transforms; else the test pipeline's leading Resize / CenterCrop), then the rest of the
 * test pipeline run as a batch of one. No decoder or file access: `cnnlab predict` (Node, decoded files) and the
 * exported web app (browser, canvas pixels) both prepare pictures here.
 */
import type { DataPipeline } from '../../model/types';
import { batches } from './batches';
import { DatasetError } from './errors';
import { splitPipeline, storedFromRgba } from './storedSteps';
import type { ImageSet } from './types';

/** What preparing an input needs from a model: its input [C, H, W], its pipelines and its seed. */
export interface TestPreprocessing {
  input: readonly [number, number, number];
  pipeline: DataPipeline;
  seed: number;
}

/** A picture ready for the model, and its stored pixels (uint8 HWC, for drawing). */
export interface TestImage {
  /** float32 HWC, normalised. */
  x: Float32Array;
  pixels: Uint8Array;
  height: number;
  width: number;
  channels: number;
}

/** Prepares RGBA pixels like a test image; `source` names the picture in errors. */
export function prepareTestPicture(rgba: { data: Uint8Array; width: number; height: number }, prep: TestPreprocessing, source: string): TestImage {
  const stored = prep.pipeline.fitToInput ? undefined : splitPipeline(prep.pipeline).stored.test;
  const image = storedFromRgba(rgba, prep.input, stored);
  const [, height, width] = prep.input;
  if (image.height !== height || image.width !== width) {
    const steps = stored?.length ? stored.map((s) => s.type).join(', ') : 'no resizing step';
    throw new DatasetError(`${source} is ${image.height}×${image.width} after the test pipeline's first steps (${steps}); the model takes ${height}×${width}: begin data.transforms.test with Resize((${height}, ${width})), or Resize(n) then CenterCrop(${height === width ? height : `(${height}, ${width})`}).`, source);
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
