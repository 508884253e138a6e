/**
 * The editor's views of reconstruction runs that need no trained model: the augmentation preview's noisy | clean
 * pairs for denoising and data.noise in words.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeNoise } from '../../src/model/config/noiseText';
import { noisePairsGrid } from '../../src/inspect/augmentPreview';
import type { ImageSet } from '../../src/trainer/datasets/types';
import type { TransformStep } from '../../src/model/types';

/** One 4×4 gray training image: a ramp 0, 16, …, 240. */
const ramp: ImageSet = { count: 1, height: 4, width: 4, channels: 1, images: Uint8Array.from({ length: 16 }, (_, i) => i * 16), labels: Int32Array.from([0]) } as unknown as ImageSet;
const normalize: TransformStep = { type: 'Normalize', args: { mean: [0.5], std: [0.25] } } as unknown as TransformStep;

/** Tile `t` of a tiled grid (tiles of 4×4 at scale 1, gap 2) as bytes. */
function tile(grid: ReturnType<typeof noisePairsGrid>, t: number): number[] {
  const { columns, tileWidth, tileHeight, gap } = grid.layout;
  const x0 = (t % columns) * (tileWidth + gap);
  const y0 = Math.floor(t / columns) * (tileHeight + gap);
  const out: number[] = [];
  for (let y = 0; y < tileHeight; y++) for (let x = 0; x < tileWidth; x++) out.push(grid.image.data[(y0 + y) * grid.image.width + x0 + x]);
  return out;
}

describe('augmentation preview of a denoising model', () => {
  it('shows noisy | clean pairs: the clean tile is the image in pixels (before Normalize), the noisy one is corrupted', () => {
    const grid = noisePairsGrid(ramp, 0, [normalize], { salt_and_pepper: 1 }, 8, 7);
    assert.equal(grid.layout.columns, 4, 'two pairs per row');
    assert.equal(grid.layout.rows, 4);
    const original = Array.from(ramp.images);
    for (let pair = 0; pair < 8; pair++) {
      assert.deepEqual(tile(grid, 2 * pair + 1), original, `pair ${pair}: the clean target, not normalised`);
      const noisy = tile(grid, 2 * pair);
      assert.ok(noisy.every((v) => v === 0 || v === 255), 'salt and pepper on every pixel');
    }
    assert.notDeepEqual(tile(grid, 0), tile(grid, 2), 'every pair draws its own noise');
  });

  it('adds seeded Gaussian noise: the same seed gives the same grid, another seed another one', () => {
    const a = noisePairsGrid(ramp, 0, [], { gaussian: 0.3 }, 2, 1);
    assert.deepEqual(a.image.data, noisePairsGrid(ramp, 0, [], { gaussian: 0.3 }, 2, 1).image.data);
    assert.notDeepEqual(a.image.data, noisePairsGrid(ramp, 0, [], { gaussian: 0.3 }, 2, 2).image.data);
    const noisy = tile(a, 0);
    const changed = noisy.filter((v, i) => v !== ramp.images[i]).length;
    assert.ok(changed >= 12, `most pixels moved (${changed} of 16)`);
  });

  it('names the noise of data.noise, and none when every amount is 0', () => {
    assert.equal(describeNoise({ gaussian: 0.3 }), 'gaussian 0.3');
    assert.equal(describeNoise({ salt_and_pepper: 0.05, random_erasing: 0.5 }), 'salt_and_pepper 0.05, random_erasing 0.5');
    assert.equal(describeNoise({ gaussian: 0 }), null);
    assert.equal(describeNoise(undefined), null);
  });
});
