/**
 * Augmentation preview: the same training image through the model file's augmentation pipeline several
 * times, to check that it is sensible before training. The first tile is the original. Uses the datasets'
 * own augmentation code, so the preview is exactly what training does.
 */
import type { AugmentConfig } from '../model/types';
import { augmentImage } from '../trainer/datasets/augment';
import { deriveSeed, Random } from '../trainer/datasets/random';
import type { ImageSet } from '../trainer/datasets/types';
import { tileImages, type GridLayout } from './image/grid';
import type { RasterImage } from './image/png';

/** `count` tiles (original + count − 1 augmented copies) of image `index` of `set`, as one grid raster. */
export function augmentationGrid(set: ImageSet, index: number, config: AugmentConfig, count: number, seed: number, scale = 1): { image: RasterImage; layout: GridLayout } {
  const { height, width, channels } = set;
  const size = height * width * channels;
  const original = new Float32Array(size);
  for (let i = 0; i < size; i++) original[i] = set.images[index * size + i] / 255;
  const tiles: RasterImage[] = [toRaster(original, height, width, channels, scale)];
  const work = new Float32Array(size);
  const scratch = new Float32Array(size);
  for (let t = 1; t < count; t++) {
    work.set(original);
    const result = augmentImage(work, scratch, { height, width, channels }, config, new Random(deriveSeed(seed, 'preview', t)));
    tiles.push(toRaster(result, height, width, channels, scale));
  }
  return tileImages(tiles, Math.ceil(Math.sqrt(count)));
}

function toRaster(values: Float32Array, height: number, width: number, channels: number, scale: number): RasterImage {
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
