/** Where a code lies on the latent plane's picture (pure: tested in Node). */
import type { InspectResult } from '../../src/protocol/inspect';

type LatentGrid = Extract<InspectResult, { kind: 'latentGrid' }>;

/**
 * Code (zx, zy) → position on the picture drawn `size` pixels wide and high, or undefined outside it. Tile centres
 * are the grid's codes: column c at x[0] + c·Δx, row r at y[1] − r·Δy.
 */
export function latentToScreen(g: Pick<LatentGrid, 'steps' | 'x' | 'y'>, zx: number, zy: number, size: number): { x: number; y: number } | undefined {
  const intervals = Math.max(1, g.steps - 1);
  const dx = (g.x[1] - g.x[0]) / intervals;
  const dy = (g.y[1] - g.y[0]) / intervals;
  const tile = size / g.steps;
  const x = ((zx - g.x[0]) / dx + 0.5) * tile;
  const y = ((g.y[1] - zy) / dy + 0.5) * tile;
  return x >= 0 && x <= size && y >= 0 && y <= size ? { x, y } : undefined;
}
