/** The convolution playground against hand-computed outputs: every padding mode, stride, pooling, kernel parsing. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { convOutputSize, convolvePlane, padPlane, poolPlane, PlaygroundError, type ConvOptions, type Plane } from '../../src/inspect/playground/convolve';
import { KERNEL_PRESETS, parseKernel } from '../../src/inspect/playground/kernels';

/** 3×3 image 1..9:  1 2 3 / 4 5 6 / 7 8 9. */
const image: Plane = { height: 3, width: 3, data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]) };
const opts = (mode: ConvOptions['paddingMode'], padding = 1, stride = 1): ConvOptions => ({ padding: [padding, padding], paddingMode: mode, stride: [stride, stride] });
const rows = (p: Plane): number[][] => Array.from({ length: p.height }, (_, y) => Array.from(p.data.subarray(y * p.width, (y + 1) * p.width)).map((v) => Math.round(v * 1e4) / 1e4));

describe('padding modes (hand-computed 5×5 paddings of 1..9)', () => {
  const cases: Array<[ConvOptions['paddingMode'], number[][]]> = [
    ['zeros', [[0, 0, 0, 0, 0], [0, 1, 2, 3, 0], [0, 4, 5, 6, 0], [0, 7, 8, 9, 0], [0, 0, 0, 0, 0]]],
    ['reflect', [[5, 4, 5, 6, 5], [2, 1, 2, 3, 2], [5, 4, 5, 6, 5], [8, 7, 8, 9, 8], [5, 4, 5, 6, 5]]],
    ['replicate', [[1, 1, 2, 3, 3], [1, 1, 2, 3, 3], [4, 4, 5, 6, 6], [7, 7, 8, 9, 9], [7, 7, 8, 9, 9]]],
    ['circular', [[9, 7, 8, 9, 7], [3, 1, 2, 3, 1], [6, 4, 5, 6, 4], [9, 7, 8, 9, 7], [3, 1, 2, 3, 1]]],
  ];
  for (const [mode, expected] of cases) {
    it(mode, () => assert.deepEqual(rows(padPlane(image, [1, 1], mode)), expected));
  }
});

describe('convolution', () => {
  const sum3 = [[1, 1, 1], [1, 1, 1], [1, 1, 1]];
  it('3×3 box sum with zero padding', () => {
    assert.deepEqual(rows(convolvePlane(image, sum3, opts('zeros'))), [[12, 21, 16], [27, 45, 33], [24, 39, 28]]);
  });
  it('3×3 box sum with each other padding mode (centre is always 45)', () => {
    // Corner (0,0) of the reflect padding: 5+4+5 + 2+1+2 + 5+4+5 = 33.
    assert.deepEqual(rows(convolvePlane(image, sum3, opts('reflect')))[0][0], 33);
    // replicate: 1+1+2 + 1+1+2 + 4+4+5 = 21; circular: 9+7+8 + 3+1+2 + 6+4+5 = 45.
    assert.equal(rows(convolvePlane(image, sum3, opts('replicate')))[0][0], 21);
    assert.equal(rows(convolvePlane(image, sum3, opts('circular')))[0][0], 45);
    for (const m of ['reflect', 'replicate', 'circular'] as const) assert.equal(rows(convolvePlane(image, sum3, opts(m)))[1][1], 45);
  });
  it('stride 2 keeps every other output; sizes follow ⌊(n + 2p − k)/s⌋ + 1', () => {
    const out = convolvePlane(image, sum3, opts('zeros', 1, 2));
    assert.deepEqual(rows(out), [[12, 16], [24, 28]]);
    assert.deepEqual(convOutputSize(28, 28, [5, 5], opts('zeros', 2, 2)), [14, 14]);
    assert.deepEqual(convOutputSize(7, 9, [3, 3], { padding: [0, 1], paddingMode: 'zeros', stride: [2, 3] }), [3, 3]);
  });
  it('is a cross-correlation (the kernel is not flipped), as in PyTorch', () => {
    const out = convolvePlane(image, [[0, 0], [0, 1]], opts('zeros', 0));
    assert.deepEqual(rows(out), [[5, 6], [8, 9]]);
  });
  it('Sobel responds to a vertical edge, Laplacian is zero on a ramp', () => {
    const edge: Plane = { height: 3, width: 4, data: Float32Array.from([0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1]) };
    assert.deepEqual(rows(convolvePlane(edge, KERNEL_PRESETS['sobel-vertical'].kernel, opts('zeros', 0))), [[4, 4]]);
    assert.deepEqual(rows(convolvePlane(edge, KERNEL_PRESETS['sobel-horizontal'].kernel, opts('zeros', 0))), [[0, 0]]);
    assert.deepEqual(rows(convolvePlane(image, KERNEL_PRESETS.laplacian.kernel, opts('zeros', 0))), [[0]]);
  });
  it('reports impossible settings as PlaygroundError, never garbage', () => {
    assert.throws(() => convolvePlane(image, [[1, 1, 1, 1, 1]], opts('zeros', 0)), PlaygroundError);
    assert.throws(() => convolvePlane(image, [[1]], opts('reflect', 3)), /reflect padding/);
    assert.throws(() => convolvePlane(image, [[1]], opts('zeros', 0, 0)), /stride/);
  });
});

describe('pooling', () => {
  const four: Plane = { height: 4, width: 4, data: Float32Array.from({ length: 16 }, (_, i) => i) };
  it('max and average 2×2, stride 2', () => {
    assert.deepEqual(rows(poolPlane(four, 'max', 2)), [[5, 7], [13, 15]]);
    assert.deepEqual(rows(poolPlane(four, 'avg', 2)), [[2.5, 4.5], [10.5, 12.5]]);
  });
  it('3×3 window, stride 1 (floor mode drops nothing here)', () => {
    assert.deepEqual(rows(poolPlane(four, 'max', 3, 1)), [[10, 11], [14, 15]]);
  });
});

describe('typed kernels', () => {
  it('parses rows, commas, brackets and fractions', () => {
    assert.deepEqual(parseKernel('1 0 -1; 2, 0, -2\n[1 0 -1]'), { kernel: [[1, 0, -1], [2, 0, -2], [1, 0, -1]] });
    assert.deepEqual(parseKernel('1/4 1/4; 1/4 1/4'), { kernel: [[0.25, 0.25], [0.25, 0.25]] });
  });
  it('explains mistakes', () => {
    assert.match((parseKernel('1 2; 3') as { error: string }).error, /row 2 has 1 values/);
    assert.match((parseKernel('1 x') as { error: string }).error, /row 1: value 2/);
    assert.match((parseKernel('') as { error: string }).error, /at least one row/);
  });
});
