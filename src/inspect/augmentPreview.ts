/**
 * Augmentation preview: the same training image through the model file's training pipeline several times, to
 * check that it is sensible before training. The first tile is the stored image. Uses the trainer's own
 * transforms, so the preview is exactly what training does (including Normalize, shown back in [0, 1]).
 * With input noise (denoising), tiles come in noisy | clean pairs: what the model sees and its target.
 */
import type { NoiseConfig, TransformStep } from '../model/types';
import { splitTrailingNormalize } from '../trainer/datasets/batches';
import { applyNoise } from '../trainer/datasets/noise';
import { deriveSeed, Random } from '../trainer/datasets/random';
import type { ImageSet } from '../trainer/datasets/types';
import type { FloatImage } from '../trainer/transforms/image';
import { runPipeline } from '../trainer/transforms/pipeline';
import { tileImages, type GridLayout } from './image/grid';
import type { RasterImage } from './image/png';

/** `count` tiles (original + count − 1 transformed copies) of image `index` of `set`, as one grid raster. */
export function augmentationGrid(set: ImageSet, index: number, steps: readonly TransformStep[], count: number, seed: number, scale = 1): { image: RasterImage; layout: GridLayout } {
  const { height, width, channels } = set;
  const size = height * width * channels;
  const original = new Float32Array(size);
  for (let i = 0; i < size; i++) original[i] = set.images[index * size + i] / 255;
  const tiles: RasterImage[] = [toRaster({ data: original, height, width, channels }, scale)];
  const normalize = steps.find((s) => s.type === 'Normalize');
  for (let t = 1; t < count; t++) {
    const result = runPipeline({ data: Float32Array.from(original), height, width, channels }, steps, new Random(deriveSeed(seed, 'preview', t)));
    tiles.push(toRaster(normalize ? unnormalize(result, normalize) : result, scale));
  }
  return tileImages(tiles, Math.ceil(Math.sqrt(count)));
}

/**
 * `pairs` noisy | clean pairs of image `index`: the clean tile is the image through the pipeline's random steps (as
 * the target, in pixels), the noisy one that tile with `noise` applied (as the model's input before Normalize).
 * Two pairs per row for up to 8 pairs, more in wider grids.
 */
export function noisePairsGrid(set: ImageSet, index: number, steps: readonly TransformStep[], noise: NoiseConfig, pairs: number, seed: number, scale = 1): { image: RasterImage; layout: GridLayout } {
  const { height, width, channels } = set;
  const size = height * width * channels;
  // Noise goes in before the trailing Normalize, as in training batches: both tiles stay in pixels.
  const [pixelSteps] = splitTrailingNormalize(steps);
  const tiles: RasterImage[] = [];
  for (let t = 0; t < pairs; t++) {
    const original = new Float32Array(size);
    for (let i = 0; i < size; i++) original[i] = set.images[index * size + i] / 255;
    const clean = runPipeline({ data: original, height, width, channels }, pixelSteps, new Random(deriveSeed(seed, 'preview', t)));
    const noisy = { ...clean, data: clean.data.slice() };
    applyNoise(noisy.data, noisy, noise, new Random(deriveSeed(seed, 'preview-noise', t)));
    tiles.push(toRaster(noisy, scale), toRaster(clean, scale));
  }
  return tileImages(tiles, 2 * Math.max(2, Math.ceil(Math.sqrt(pairs / 2))));
}

/** Normalize's inverse, so normalised tiles show as pictures. */
function unnormalize(image: FloatImage, step: TransformStep): FloatImage {
  const list = (v: unknown) => (Array.isArray(v) ? (v as number[]) : [v as number]);
  const mean = list(step.args.mean);
  const std = list(step.args.std);
  const pick = (a: number[], c: number) => a[a.length === 1 ? 0 : c];
  return { ...image, data: image.data.map((v, i) => v * pick(std, i % image.channels) + pick(mean, i % image.channels)) };
}

function toRaster(image: FloatImage, scale: number): RasterImage {
  const { data: values, height, width, channels } = image;
  const c = channels === 3 ? 3 : 1;
  const w = width * scale;
  const h = height * scale;
  const data = new Uint8Array(w * h * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (Math.floor(y / scale) * width + Math.floor(x / scale)) * channels;
      for (let k = 0; k < c; k++) data[(y * w + x) * c + k] = Math.round(Math.min(1, Math.max(0, values[s + k])) * 255);
    }
  }
  return { width: w, height: h, channels: c, data };
}
