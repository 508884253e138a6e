/** data.noise in words ("gaussian 0.3, salt_and_pepper 0.05"), for the panels; null without noise. */
import type { NoiseConfig } from '../types';

export function describeNoise(noise: NoiseConfig | undefined): string | null {
  if (!noise) return null;
  const parts = (Object.entries(noise) as Array<[string, number | undefined]>).filter(([, v]) => typeof v === 'number' && v > 0).map(([k, v]) => `${k} ${v}`);
  return parts.length ? parts.join(', ') : null;
}
