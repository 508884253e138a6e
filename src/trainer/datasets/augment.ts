/**
 * Data augmentation on one float HWC image in [0, 1], as torchvision's transforms do it: RandomCrop with
 * zero padding, RandomHorizontalFlip, RandomAffine (bilinear, fill 0) and ColorJitter (brightness,
 * contrast). Each geometric step writes into a second buffer, so no memory is allocated per image.
 */
import type { Random } from './random';
import type { AugmentConfig } from './types';

/** Geometry of the image being transformed. */
export interface ImageGeometry {
  height: number;
  width: number;
  channels: number;
}

/**
 * Applies the configured augmentations in torchvision's usual order (crop, flip, affine, colour) and
 * returns the buffer that holds the result: `image` or `scratch` (both image-sized).
 */
export function augmentImage(image: Float32Array, scratch: Float32Array, g: ImageGeometry, config: AugmentConfig, rng: Random): Float32Array {
  let src = image;
  let dst = scratch;
  const swap = () => {
    const done = dst;
    dst = src;
    src = done;
  };
  const padding = config.random_crop?.padding ?? 0;
  if (padding > 0) {
    cropWithPadding(src, dst, g, padding, rng.int(2 * padding + 1), rng.int(2 * padding + 1));
    swap();
  }
  if (config.horizontal_flip && rng.chance(0.5)) {
    flipHorizontal(src, dst, g);
    swap();
  }
  const affine = config.random_affine;
  if (affine) {
    const degrees = affine.degrees ?? 0;
    const [tx, ty] = affine.translate ?? [0, 0];
    const [s0, s1] = affine.scale ?? [1, 1];
    const angle = rng.uniform(-degrees, degrees);
    const dx = Math.round(rng.uniform(-tx, tx) * g.width);
    const dy = Math.round(rng.uniform(-ty, ty) * g.height);
    affineTransform(src, dst, g, angle, dx, dy, rng.uniform(s0, s1));
    swap();
  }
  const jitter = config.color_jitter;
  if (jitter?.brightness) adjustBrightness(src, jitterFactor(jitter.brightness, rng));
  if (jitter?.contrast) adjustContrast(src, g, jitterFactor(jitter.contrast, rng));
  return src;
}

/** torchvision's jitter factor: uniform in [max(0, 1 − amount), 1 + amount]. */
function jitterFactor(amount: number, rng: Random): number {
  return rng.uniform(Math.max(0, 1 - amount), 1 + amount);
}

/** Mirrors left and right. */
export function flipHorizontal(src: Float32Array, dst: Float32Array, g: ImageGeometry): void {
  const { height, width, channels } = g;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const from = (row + width - 1 - x) * channels;
      const to = (row + x) * channels;
      for (let c = 0; c < channels; c++) dst[to + c] = src[from + c];
    }
  }
}

/**
 * Zero-pads by `padding` on every side, then crops the original size at (offsetX, offsetY) of the padded
 * image (offsets in 0…2·padding; padding, padding is the identity).
 */
export function cropWithPadding(src: Float32Array, dst: Float32Array, g: ImageGeometry, padding: number, offsetX: number, offsetY: number): void {
  const { height, width, channels } = g;
  for (let y = 0; y < height; y++) {
    const sy = y + offsetY - padding;
    for (let x = 0; x < width; x++) {
      const sx = x + offsetX - padding;
      const to = (y * width + x) * channels;
      const inside = sy >= 0 && sy < height && sx >= 0 && sx < width;
      const from = (sy * width + sx) * channels;
      for (let c = 0; c < channels; c++) dst[to + c] = inside ? src[from + c] : 0;
    }
  }
}

/**
 * Rotates by `degrees` (counter-clockwise on screen), scales by `scale` about the centre, then shifts by
 * (dx, dy) pixels; samples bilinearly, with 0 outside the source.
 */
export function affineTransform(src: Float32Array, dst: Float32Array, g: ImageGeometry, degrees: number, dx: number, dy: number, scale: number): void {
  const { height, width, channels } = g;
  const theta = (degrees * Math.PI) / 180;
  // Inverse map: output pixel → source position.
  const cos = Math.cos(theta) / scale;
  const sin = Math.sin(theta) / scale;
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const ox = x - cx - dx;
      const oy = y - cy - dy;
      const sx = cos * ox - sin * oy + cx;
      const sy = sin * ox + cos * oy + cy;
      sampleBilinear(src, dst, (y * width + x) * channels, g, sx, sy);
    }
  }
}

function sampleBilinear(src: Float32Array, dst: Float32Array, to: number, g: ImageGeometry, sx: number, sy: number): void {
  const { height, width, channels } = g;
  const x0 = Math.floor(sx);
  const y0 = Math.floor(sy);
  const fx = sx - x0;
  const fy = sy - y0;
  for (let c = 0; c < channels; c++) {
    let acc = 0;
    for (let k = 0; k < 4; k++) {
      const xx = x0 + (k & 1);
      const yy = y0 + (k >> 1);
      if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
      const w = (k & 1 ? fx : 1 - fx) * (k >> 1 ? fy : 1 - fy);
      acc += w * src[(yy * width + xx) * channels + c];
    }
    dst[to + c] = acc;
  }
}

/** Multiplies by `factor`, clamped to [0, 1]. */
export function adjustBrightness(image: Float32Array, factor: number): void {
  for (let i = 0; i < image.length; i++) {
    const v = image[i] * factor;
    image[i] = v > 1 ? 1 : v;
  }
}

/** Blends with the image's mean grey level (luma for RGB): factor 0 gives flat grey, 1 the identity. */
export function adjustContrast(image: Float32Array, g: ImageGeometry, factor: number): void {
  const pixels = g.height * g.width;
  let sum = 0;
  for (let p = 0; p < pixels; p++) {
    const at = p * g.channels;
    sum += g.channels >= 3 ? 0.299 * image[at] + 0.587 * image[at + 1] + 0.114 * image[at + 2] : image[at];
  }
  const offset = (1 - factor) * (sum / pixels);
  for (let i = 0; i < image.length; i++) {
    const v = factor * image[i] + offset;
    image[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
}
