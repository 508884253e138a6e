/** Mask overlays of the segmentation strip: colours per class, background left clear, ignored pixels untouched. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskColours, overlayMask } from '../../media/training/maskOverlay';

describe('mask overlay', () => {
  const colours = maskColours(['background', 'circle', 'square']);

  it("gives each class VOC's mask colour (as the CLI's mask PNGs) and leaves class 0 clear", () => {
    assert.deepEqual(colours.map((c) => [c.name, c.css, c.rgb]), [['background', 'rgb(0, 0, 0)', null], ['circle', 'rgb(128, 0, 0)', [128, 0, 0]], ['square', 'rgb(0, 128, 0)', [0, 128, 0]]]);
  });

  it('blends a class colour at the opacity; background and the ignore index keep the image', () => {
    const grey = new Uint8ClampedArray([100, 100, 100, 255, 100, 100, 100, 255, 100, 100, 100, 255, 100, 100, 100, 255]);
    const out = overlayMask(grey, Uint8Array.from([0, 1, 2, 255]), colours, 0.5);
    assert.deepEqual([...out.subarray(0, 4)], [100, 100, 100, 255]);
    // circle (128, 0, 0) at half: (100 + 128) / 2 = 114, (100 + 0) / 2 = 50; square (0, 128, 0).
    assert.deepEqual([...out.subarray(4, 8)], [114, 50, 50, 255]);
    assert.deepEqual([...out.subarray(8, 12)], [50, 114, 50, 255]);
    assert.deepEqual([...out.subarray(12, 16)], [100, 100, 100, 255]);
    assert.deepEqual([...overlayMask(grey, Uint8Array.from([1, 1, 1, 1]), colours, 0)], [...grey], 'opacity 0 shows the image');
    assert.deepEqual([...overlayMask(grey, Uint8Array.from([1, 1, 1, 1]), colours, 1).subarray(0, 3)], [128, 0, 0], 'opacity 1 shows the class colour');
    assert.deepEqual([...grey.subarray(4, 8)], [100, 100, 100, 255], 'the input is not changed');
  });
});
