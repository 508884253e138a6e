/**
 * The convolution playground's arithmetic, in plain TypeScript so that it runs anywhere (worker, CLI, tests):
 * a 2-D cross-correlation of one channel with a hand-written kernel, PyTorch's padding modes and stride, and
 * the pooling step that follows. Output sizes come from the core's formulas, so the playground shows the same
 * numbers as the model summary.
 */
import { convOutputLength, poolOutputLength } from '../../model/layers/arithmetic';
import type { PaddingMode } from '../../model/types';

/** A single-channel image, row-major. */
export interface Plane {
  height: number;
  width: number;
  data: Float32Array;
}

/** A kernel as written by people: rows of numbers (all rows the same length). */
export type Kernel = number[][];

export interface ConvOptions {
  /** Pixels added on each side: [rows, columns]. */
  padding: [number, number];
  paddingMode: PaddingMode;
  stride: [number, number];
}

/** A playground input that cannot be computed; the message says which value is wrong. */
export class PlaygroundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlaygroundError';
  }
}

/** Output size of the convolution, ⌊(n + 2p − k)/s⌋ + 1 per axis, as the core computes it. */
export function convOutputSize(height: number, width: number, kernel: [number, number], options: ConvOptions): [number, number] {
  return [
    convOutputLength(height, kernel[0], options.stride[0], 2 * options.padding[0], 1),
    convOutputLength(width, kernel[1], options.stride[1], 2 * options.padding[1], 1),
  ];
}

/** Problems with a kernel and options for an image of the given size; empty when they can be computed. */
export function convProblems(height: number, width: number, kernel: Kernel, options: ConvOptions): string[] {
  const problems: string[] = [];
  const kh = kernel.length;
  const kw = kernel[0]?.length ?? 0;
  if (kh === 0 || kw === 0) problems.push('the kernel is empty');
  if (kernel.some((row) => row.length !== kw)) problems.push('every kernel row must have the same number of values');
  if (kernel.some((row) => row.some((v) => !Number.isFinite(v)))) problems.push('every kernel value must be a finite number');
  const [ph, pw] = options.padding;
  const [sh, sw] = options.stride;
  if (![ph, pw].every((p) => Number.isInteger(p) && p >= 0)) problems.push(`padding must be whole numbers ≥ 0 (got ${ph}, ${pw})`);
  if (![sh, sw].every((s) => Number.isInteger(s) && s >= 1)) problems.push(`stride must be whole numbers ≥ 1 (got ${sh}, ${sw})`);
  if (options.paddingMode === 'reflect' && (ph >= height || pw >= width)) {
    problems.push(`reflect padding must be smaller than the image (padding ${ph}, ${pw} for ${height}×${width})`);
  }
  if (options.paddingMode === 'circular' && (ph > height || pw > width)) {
    problems.push(`circular padding cannot exceed the image size (padding ${ph}, ${pw} for ${height}×${width})`);
  }
  if (problems.length === 0) {
    const [oh, ow] = convOutputSize(height, width, [kh, kw], options);
    if (oh < 1 || ow < 1) problems.push(`the ${kh}×${kw} kernel does not fit in the padded ${height + 2 * ph}×${width + 2 * pw} image`);
  }
  return problems;
}

/** Maps a coordinate outside [0, n) back inside, as PyTorch's padding mode does (zeros → −1: outside). */
export function sourceIndex(i: number, n: number, mode: PaddingMode): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'zeros':
      return -1;
    case 'replicate':
      return i < 0 ? 0 : n - 1;
    case 'circular':
      return ((i % n) + n) % n;
    case 'reflect': {
      // Mirror without repeating the edge pixel: −1 → 1, n → n − 2 (numpy's 'reflect').
      if (n === 1) return 0;
      const period = 2 * (n - 1);
      const m = ((i % period) + period) % period;
      return m < n ? m : period - m;
    }
  }
}

/** Pads a plane by [rows, columns] on each side in the given mode. */
export function padPlane(plane: Plane, padding: [number, number], mode: PaddingMode): Plane {
  const [ph, pw] = padding;
  const height = plane.height + 2 * ph;
  const width = plane.width + 2 * pw;
  const data = new Float32Array(height * width);
  for (let y = 0; y < height; y++) {
    const sy = sourceIndex(y - ph, plane.height, mode);
    for (let x = 0; x < width; x++) {
      const sx = sourceIndex(x - pw, plane.width, mode);
      data[y * width + x] = sy < 0 || sx < 0 ? 0 : plane.data[sy * plane.width + sx];
    }
  }
  return { height, width, data };
}

/** Cross-correlation (what deep-learning frameworks call convolution) of a plane with a kernel. */
export function convolvePlane(plane: Plane, kernel: Kernel, options: ConvOptions): Plane {
  const problems = convProblems(plane.height, plane.width, kernel, options);
  if (problems.length > 0) throw new PlaygroundError(problems.join('; '));
  const padded = padPlane(plane, options.padding, options.paddingMode);
  const kh = kernel.length;
  const kw = kernel[0].length;
  const flat = Float32Array.from(kernel.flat());
  const [height, width] = convOutputSize(plane.height, plane.width, [kh, kw], options);
  const [sh, sw] = options.stride;
  const data = new Float32Array(height * width);
  for (let oy = 0; oy < height; oy++) {
    for (let ox = 0; ox < width; ox++) {
      let sum = 0;
      for (let ky = 0; ky < kh; ky++) {
        const row = (oy * sh + ky) * padded.width + ox * sw;
        for (let kx = 0; kx < kw; kx++) sum += flat[ky * kw + kx] * padded.data[row + kx];
      }
      data[oy * width + ox] = sum;
    }
  }
  return { height, width, data };
}

export type PoolKind = 'max' | 'avg';

/** Output size of a pooling window of `size` with `stride` (no padding, floor mode, as the defaults of torch). */
export function poolOutputSize(height: number, width: number, size: number, stride: number): [number, number] {
  return [poolOutputLength(height, size, stride, 0, 1, false), poolOutputLength(width, size, stride, 0, 1, false)];
}

/** Max or average pooling of a plane with a square window. */
export function poolPlane(plane: Plane, kind: PoolKind, size: number, stride = size): Plane {
  if (!Number.isInteger(size) || size < 1 || !Number.isInteger(stride) || stride < 1) {
    throw new PlaygroundError(`pooling size and stride must be whole numbers ≥ 1 (got ${size}, ${stride})`);
  }
  const [height, width] = poolOutputSize(plane.height, plane.width, size, stride);
  if (height < 1 || width < 1) throw new PlaygroundError(`a ${size}×${size} pooling window does not fit in ${plane.height}×${plane.width}`);
  const data = new Float32Array(height * width);
  for (let oy = 0; oy < height; oy++) {
    for (let ox = 0; ox < width; ox++) {
      let acc = kind === 'max' ? -Infinity : 0;
      for (let ky = 0; ky < size; ky++) {
        for (let kx = 0; kx < size; kx++) {
          const v = plane.data[(oy * stride + ky) * plane.width + ox * stride + kx];
          acc = kind === 'max' ? Math.max(acc, v) : acc + v;
        }
      }
      data[oy * width + ox] = kind === 'max' ? acc : acc / (size * size);
    }
  }
  return { height, width, data };
}

/** The output-size formula with the numbers filled in, e.g. "⌊(28 + 2·1 − 3) / 2⌋ + 1 = 14". */
export function sizeFormula(n: number, k: number, padding: number, stride: number): string {
  const out = convOutputLength(n, k, stride, 2 * padding, 1);
  return `⌊(${n} + 2·${padding} − ${k}) / ${stride}⌋ + 1 = ${out}`;
}
