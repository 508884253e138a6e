/**
 * The hand-written kernels of the course's "custom filters" exercise, and the parser for kernels people type
 * (rows separated by newlines or semicolons, values by spaces or commas).
 */
import type { Kernel } from './convolve';

export type KernelPreset = 'sobel-horizontal' | 'sobel-vertical' | 'laplacian' | 'blur' | 'sharpen' | 'identity';

/** The presets, keyed by name. Sobel "horizontal" responds to horizontal edges (a vertical gradient). */
export const KERNEL_PRESETS: Record<KernelPreset, { label: string; kernel: Kernel }> = {
  'sobel-horizontal': { label: 'Sobel (horizontal edges)', kernel: [[-1, -2, -1], [0, 0, 0], [1, 2, 1]] },
  'sobel-vertical': { label: 'Sobel (vertical edges)', kernel: [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]] },
  laplacian: { label: 'Laplacian', kernel: [[0, 1, 0], [1, -4, 1], [0, 1, 0]] },
  blur: { label: 'Box blur', kernel: [[1 / 9, 1 / 9, 1 / 9], [1 / 9, 1 / 9, 1 / 9], [1 / 9, 1 / 9, 1 / 9]] },
  sharpen: { label: 'Sharpen', kernel: [[0, -1, 0], [-1, 5, -1], [0, -1, 0]] },
  identity: { label: 'Identity', kernel: [[0, 0, 0], [0, 1, 0], [0, 0, 0]] },
};

/** Narrows a string to a preset name. */
export function isKernelPreset(name: string): name is KernelPreset {
  return Object.prototype.hasOwnProperty.call(KERNEL_PRESETS, name);
}

/**
 * Parses a typed kernel such as "1 0 -1; 2 0 -2; 1 0 -1" (fractions like 1/9 are allowed).
 * Returns the kernel or an error message; never throws.
 */
export function parseKernel(text: string): { kernel: Kernel } | { error: string } {
  const rows = text
    .split(/[;\n]/)
    .map((r) => r.trim().replace(/^\[|\]$/g, ''))
    .filter((r) => r.length > 0);
  if (rows.length === 0) return { error: 'type at least one row of numbers' };
  const kernel: Kernel = [];
  for (const [i, row] of rows.entries()) {
    const values = row.split(/[\s,]+/).filter(Boolean).map(parseNumber);
    const bad = values.findIndex((v) => v === undefined);
    if (bad >= 0) return { error: `row ${i + 1}: value ${bad + 1} is not a number` };
    kernel.push(values as number[]);
  }
  const width = kernel[0].length;
  const ragged = kernel.findIndex((r) => r.length !== width);
  if (ragged >= 0) return { error: `row ${ragged + 1} has ${kernel[ragged].length} values, row 1 has ${width}` };
  if (kernel.length > 15 || width > 15) return { error: 'kernels larger than 15×15 are not supported' };
  return { kernel };
}

function parseNumber(token: string): number | undefined {
  const fraction = /^(-?[\d.]+)\/([\d.]+)$/.exec(token);
  const value = fraction ? Number(fraction[1]) / Number(fraction[2]) : Number(token);
  return Number.isFinite(value) ? value : undefined;
}
