/** PNG encoding round trips (decoded with pngjs), colormaps, grids of feature maps and filter pictures. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { BACKGROUND_INDEX, colormapPalette, colormapTable, symmetricRange, valueRange } from '../../src/inspect/image/colormap';
import { planesFromHwc, renderGrid } from '../../src/inspect/image/grid';
import { colourFilterGrid, featureMapGrid, imagePicture, overlayPicture } from '../../src/inspect/image/pictures';
import { decodePngRgba, encodeIndexedPng, encodePng } from '../../src/inspect/image/png';

const pixel = (png: { width: number; data: Uint8Array | Buffer }, x: number, y: number): number[] => Array.from(png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 4));

describe('PNG encoding', () => {
  it('round-trips gray, RGB and RGBA rasters through pngjs', () => {
    const gray = Uint8Array.from([0, 50, 100, 150, 200, 250]);
    const g = PNG.sync.read(Buffer.from(encodePng({ width: 3, height: 2, channels: 1, data: gray })));
    assert.deepEqual([g.width, g.height], [3, 2]);
    assert.deepEqual(pixel(g, 2, 1), [250, 250, 250, 255]);
    const rgb = Uint8Array.from({ length: 2 * 2 * 3 }, (_, i) => i * 20);
    const c = decodePngRgba(encodePng({ width: 2, height: 2, channels: 3, data: rgb }));
    assert.deepEqual(pixel(c, 1, 1), [180, 200, 220, 255]);
    const rgba = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(Array.from(decodePngRgba(encodePng({ width: 2, height: 1, channels: 4, data: rgba })).data), Array.from(rgba));
  });
  it('writes indexed PNGs that pngjs reads back through the palette', () => {
    const palette = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255]);
    const png = decodePngRgba(encodeIndexedPng({ width: 3, height: 2, indices: Uint8Array.from([0, 1, 2, 2, 1, 0]), palette }));
    assert.deepEqual([png.width, png.height], [3, 2]);
    assert.deepEqual(pixel(png, 1, 0), [0, 255, 0, 255]);
    assert.deepEqual(pixel(png, 0, 1), [0, 0, 255, 255]);
    assert.throws(() => encodeIndexedPng({ width: 2, height: 2, indices: new Uint8Array(3), palette }), /needs 4 indices/);
  });
  it('refuses a buffer of the wrong size', () => {
    assert.throws(() => encodePng({ width: 2, height: 2, channels: 3, data: new Uint8Array(5) }), /needs 12 bytes/);
  });
  it('is compact for smooth maps (far below the raw size)', () => {
    const data = Uint8Array.from({ length: 128 * 128 }, (_, i) => (i % 128) + (i >> 7));
    assert.ok(encodePng({ width: 128, height: 128, channels: 1, data }).length < data.length / 10);
  });
});

describe('colormaps', () => {
  it('viridis runs from dark purple to yellow; the diverging map is white at zero', () => {
    const v = colormapTable('viridis');
    assert.deepEqual(Array.from(v.subarray(0, 3)), [68, 1, 84]);
    assert.deepEqual(Array.from(v.subarray(255 * 3)), [253, 231, 37]);
    const palette = colormapPalette('viridis');
    assert.deepEqual(Array.from(palette.subarray(254 * 3, 255 * 3)), [253, 231, 37]);
    const d = colormapTable('diverging');
    const mid = Array.from(d.subarray(128 * 3, 128 * 3 + 3));
    assert.ok(mid.every((c) => c > 240), `middle ${mid}`);
  });
  it('ranges ignore nothing finite and can be made symmetric', () => {
    assert.deepEqual(valueRange([3, -2, 5]), { min: -2, max: 5 });
    assert.deepEqual(symmetricRange({ min: -2, max: 5 }), { min: -5, max: 5 });
    assert.deepEqual(valueRange([]), { min: 0, max: 0 });
  });
});

describe('grids', () => {
  // Two 2×2 channels in HWC: channel 0 is 0,1,2,3; channel 1 is constant 7.
  const stack = planesFromHwc([0, 7, 1, 7, 2, 7, 3, 7], 2, 2, 2);

  it('transposes HWC to channel planes', () => {
    assert.deepEqual(Array.from(stack.data), [0, 1, 2, 3, 7, 7, 7, 7]);
  });

  it('draws each tile with its own range, at its place in the layout', () => {
    const { image, layout } = renderGrid(stack, { colormap: 'gray', columns: 2, gap: 1, scale: 2 });
    assert.deepEqual([image.width, image.height], [9, 4]);
    assert.deepEqual([layout.columns, layout.rows, layout.tileWidth, layout.first], [2, 1, 4, 0]);
    assert.deepEqual(layout.ranges, [{ min: 0, max: 3 }, { min: 7, max: 7 }]);
    const at = (x: number, y: number): number => image.indices[y * image.width + x];
    assert.equal(at(0, 0), 0); // value 0, the minimum: the first palette entry
    assert.equal(at(3, 3), 254); // value 3 (enlarged ×2): the last colour
    assert.equal(at(2, 0), 85); // value 1 of 0…3 → round(254 / 3)
    assert.equal(at(4, 0), BACKGROUND_INDEX); // the gap
    assert.equal(at(5, 0), 127); // a flat tile takes the middle colour
    // Through an indexed PNG and back (pngjs decodes palettes): black, white, the grey background.
    const png = decodePngRgba(encodeIndexedPng(image));
    assert.deepEqual(pixel(png, 0, 0), [0, 0, 0, 255]);
    assert.deepEqual(pixel(png, 3, 3), [255, 255, 255, 255]);
    assert.deepEqual(pixel(png, 4, 0), [40, 40, 40, 255]);
  });

  it('draws missing values (NaN, the tail of a folded vector) as background', () => {
    const { image, layout } = renderGrid({ channels: 1, height: 1, width: 3, data: Float32Array.from([0, 2, NaN]) }, { colormap: 'viridis' });
    assert.deepEqual(Array.from(image.indices), [0, 254, BACKGROUND_INDEX]);
    assert.deepEqual(layout.ranges, [{ min: 0, max: 2 }]);
  });

  it('pages: first and count select channels; a shared range spans them', () => {
    const { layout } = renderGrid(stack, { colormap: 'viridis', first: 1, count: 5, range: 'shared' });
    assert.equal(layout.first, 1);
    assert.equal(layout.ranges.length, 1);
    const shared = renderGrid(stack, { colormap: 'viridis', range: 'shared' }).layout.ranges;
    assert.deepEqual(shared, [{ min: 0, max: 7 }, { min: 0, max: 7 }]);
  });

  it('feature-map, colour-filter and overlay pictures decode to the announced sizes', () => {
    const grid = featureMapGrid(stack, 0, 2, 3);
    const decoded = decodePngRgba(grid.png);
    assert.deepEqual([decoded.width, decoded.height], [grid.width, grid.height]);
    // Colour filters: one 1×1 RGB filter (+1, 0, −1) → (255, 128, 0).
    const colour = colourFilterGrid(Float32Array.from([1, 0, -1]), 1, 1, 1, 1);
    assert.deepEqual(pixel(decodePngRgba(colour.png), 0, 0), [255, 128, 0, 255]);
    const overlay = overlayPicture(Uint8Array.from([100, 100]), 1, 2, 1, [0, 1], 2);
    const o = decodePngRgba(overlay.png);
    assert.deepEqual([o.width, o.height], [4, 2]);
    assert.deepEqual(pixel(o, 0, 0), [60, 60, 60, 255]); // no saliency: the grey image, dimmed
    assert.ok(pixel(o, 3, 1)[0] > 200); // strongest saliency: the map's bright end
    const img = decodePngRgba(imagePicture(Uint8Array.from([0, 255, 10, 20, 30, 40]), 1, 2, 3).png);
    assert.deepEqual(pixel(img, 1, 0), [20, 30, 40, 255]);
  });
});
