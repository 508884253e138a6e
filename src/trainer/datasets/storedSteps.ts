/**
 * Fitting decoded pixels as the loader stores them, without any decoder or file access, so that the exported web
 * app (browser, pixels from a canvas) prepares pictures with the same code as training and `cnnlab predict`.
 */
import type { DataPipeline, TransformStep } from '../../model/types';
import type { FloatImage } from '../transforms/image';
import { runPipeline, storedStepCount } from '../transforms/pipeline';
import { Random } from './random';
import { convertChannels, resizeImage } from './resize';

/** Stored uint8 HWC pixels of one image. */
export interface StoredPixels {
  pixels: Uint8Array;
  height: number;
  width: number;
  channels: number;
}

/** One uint8 HWC image through deterministic steps. */
export function transformPixels(pixels: Uint8Array, height: number, width: number, channels: number, steps: readonly TransformStep[]): FloatImage {
  const data = new Float32Array(pixels.length);
  for (let i = 0; i < data.length; i++) data[i] = pixels[i] / 255;
  // Deterministic steps draw nothing; the generator only satisfies the signature.
  return runPipeline({ data, height, width, channels }, steps, new Random(0), 'pil');
}

export function quantize(image: FloatImage): Uint8Array {
  const out = new Uint8Array(image.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = image.data[i] * 255;
    out[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
  }
  return out;
}

/**
 * Decoded RGBA pixels as the loader stores them: stretched to `input` without data.transforms (`steps`
 * undefined), else at their own size through the pipeline's stored steps; channels converted to input's.
 */
export function storedFromRgba(rgba: { data: Uint8Array; width: number; height: number }, input: readonly [number, number, number], steps: readonly TransformStep[] | undefined): StoredPixels {
  const [channels, height, width] = input;
  const pixels = convertChannels(rgba.data, rgba.width * rgba.height, 4, channels);
  if (!steps) return { pixels: resizeImage(pixels, rgba.height, rgba.width, channels, height, width), height, width, channels };
  const image = transformPixels(pixels, rgba.height, rgba.width, channels, steps);
  return { pixels: quantize(image), height: image.height, width: image.width, channels };
}

/** Per split: the steps applied when images are stored, and the ones left for batching. */
export function splitPipeline(pipeline: DataPipeline): { stored: Record<'train' | 'test', TransformStep[]>; batched: Record<'train' | 'test', TransformStep[]> } {
  const cut = (steps: TransformStep[]) => (pipeline.fitToInput ? 0 : storedStepCount(steps));
  const plain = (steps: TransformStep[]) => steps.map(({ type, args }) => ({ type, args }));
  return {
    stored: { train: plain(pipeline.train.slice(0, cut(pipeline.train))), test: plain(pipeline.test.slice(0, cut(pipeline.test))) },
    batched: { train: plain(pipeline.train.slice(cut(pipeline.train))), test: plain(pipeline.test.slice(cut(pipeline.test))) },
  };
}
