/**
 * Input corruption for denoising autoencoders, on one HWC image in [0, 1] pixel units: Gaussian noise (clipped),
 * salt-and-pepper, and torchvision-style random erasing (one rectangle of 2–33 % of the area, aspect 0.3–3.3, set to
 * 0). Seeded through the caller's Random, so every epoch differs and every run repeats.
 */
import type { NoiseConfig } from '../../model/types';
import type { Random } from './random';

/** Size of one HWC image. */
export interface ImageGeometry {
  height: number;
  width: number;
  channels: number;
}

export function applyNoise(pixels: Float32Array, g: ImageGeometry, noise: NoiseConfig, rng: Random): void {
  if (noise.gaussian) {
    for (let i = 0; i < pixels.length; i++) pixels[i] = Math.min(1, Math.max(0, pixels[i] + noise.gaussian * rng.gaussian()));
  }
  if (noise.salt_and_pepper) {
    // Whole pixels (all channels), as salt-and-pepper noise is usually drawn.
    for (let p = 0; p < g.height * g.width; p++) {
      if (!rng.chance(noise.salt_and_pepper)) continue;
      const value = rng.chance(0.5) ? 1 : 0;
      for (let c = 0; c < g.channels; c++) pixels[p * g.channels + c] = value;
    }
  }
  if (noise.random_erasing && rng.chance(noise.random_erasing)) erase(pixels, g, rng);
}

/** torchvision.transforms.RandomErasing's box: up to 10 draws of area and log-uniform aspect ratio that fit. */
function erase(pixels: Float32Array, g: ImageGeometry, rng: Random): void {
  const area = g.height * g.width;
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * rng.uniform(0.02, 0.33);
    const ratio = Math.exp(rng.uniform(Math.log(0.3), Math.log(3.3)));
    const h = Math.round(Math.sqrt(target * ratio));
    const w = Math.round(Math.sqrt(target / ratio));
    if (h < 1 || w < 1 || h >= g.height || w >= g.width) continue;
    const top = rng.int(g.height - h + 1);
    const left = rng.int(g.width - w + 1);
    for (let y = top; y < top + h; y++) pixels.fill(0, (y * g.width + left) * g.channels, (y * g.width + left + w) * g.channels);
    return;
  }
}
