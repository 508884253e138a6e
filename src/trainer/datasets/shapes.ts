/**
 * `shapes`: a synthetic dataset drawn on the fly, deterministic by seed. Each image holds one shape
 * (circle, square, triangle, cross, ring) at a random position, size and rotation, with random
 * foreground/background intensities (colours for 3 channels) and pixel noise. Edges are anti-aliased by
 * 2×2 supersampling. Per-image masks (class + 1 on shape pixels) and boxes are kept for segmentation and
 * detection work.
 */
import { DATASET_INFO } from '../../model/config/datasets';
import { Random } from './random';
import type { ImageSet } from './types';

/** Class names, in label order; the model core owns the list so the editor and the generator agree. */
export const SHAPE_CLASSES: readonly string[] = DATASET_INFO.shapes.classes ?? [];

const SAMPLE_OFFSETS = [0.25, 0.75];
/** Triangular noise of standard deviation σ is σ·√6·(u1 + u2 − 1). */
export const TRIANGULAR_NOISE = 2.449489742783178;
/** Largest distance from the centre to a shape point, in units of the shape's radius (the square's corner). */
export const REACH = 1.15;

/** Whether the point (u, v), in the shape's own rotated frame scaled to radius 1, lies inside class `cls`. */
export function insideShape(cls: number, u: number, v: number): boolean {
  switch (cls) {
    case 0:
      return u * u + v * v <= 1;
    case 1:
      return Math.abs(u) <= 0.8 && Math.abs(v) <= 0.8;
    case 2:
      // Equilateral triangle with circumradius 1.15: three half-planes at distance 0.575 from the centre.
      return v <= 0.575 && -0.866 * u - 0.5 * v <= 0.575 && 0.866 * u - 0.5 * v <= 0.575;
    case 3:
      return (Math.abs(u) <= 0.3 && Math.abs(v) <= 1) || (Math.abs(v) <= 0.3 && Math.abs(u) <= 1);
    default: {
      const rr = u * u + v * v;
      return rr <= 1 && rr >= 0.3;
    }
  }
}

/** One shape drawn: its class, centre, radius, rotation and colour (scenes draw several on one background). */
export interface ShapePose {
  cls: number;
  cx: number;
  cy: number;
  r: number;
  cos: number;
  sin: number;
  fg: number[];
}

interface Placement extends ShapePose {
  bg: number[];
  noise: number;
}

/**
 * Generates `count` images of height×width×channels (channels 1 or 3) with balanced classes in random order.
 * The same arguments always give the same pixels, labels, masks and boxes.
 */
export function generateShapes(count: number, height: number, width: number, channels: number, seed: number): ImageSet {
  const rng = new Random(seed);
  const size = height * width;
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) labels[i] = i % SHAPE_CLASSES.length;
  rng.shuffle(labels);
  const set: ImageSet = {
    images: new Uint8Array(count * size * channels),
    labels,
    count,
    height,
    width,
    channels,
    masks: new Uint8Array(count * size),
    boxes: new Float32Array(count * 4),
  };
  for (let i = 0; i < count; i++) drawImage(set, i, place(labels[i], height, width, channels, rng), rng);
  return set;
}

/** Draws the random parameters of one image. */
function place(cls: number, height: number, width: number, channels: number, rng: Random): Placement {
  const side = Math.min(height, width);
  const r = rng.uniform(0.32, 0.46) * side;
  const margin = Math.min(r * 0.9, Math.min(height, width) / 2);
  const angle = rng.uniform(0, 2 * Math.PI);
  const [fg, bg] = colours(channels, rng);
  return {
    cls,
    r,
    cx: rng.uniform(margin, width - margin),
    cy: rng.uniform(margin, height - margin),
    cos: Math.cos(angle),
    sin: Math.sin(angle),
    fg,
    bg,
    noise: rng.uniform(2, 10),
  };
}

/** Foreground and background colours (0–255) that differ enough, in colour and in brightness, to see the shape. */
function colours(channels: number, rng: Random): [number[], number[]] {
  for (;;) {
    const bg = Array.from({ length: channels }, () => rng.uniform(0, 255));
    const fg = Array.from({ length: channels }, () => rng.uniform(0, 255));
    if (visibleOn(fg, bg)) return [fg, bg];
  }
}

/** Whether colour `fg` stands out from `bg` (RMS distance ≥ 100 and luma difference ≥ 60). */
export function visibleOn(fg: number[], bg: number[]): boolean {
  const luma = (c: number[]) => (c.length === 3 ? 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2] : c[0]);
  const distance = Math.sqrt(fg.reduce((s, f, c) => s + (f - bg[c]) ** 2, 0) / fg.length);
  return distance >= 100 && Math.abs(luma(fg) - luma(bg)) >= 60;
}

/** Fraction (0, ¼, …, 1) of pixel (x, y) inside a shape of class `cls` at (cx, cy), radius r, rotated by (cos, sin): 2×2 supersampling. */
export function shapeCoverage(cls: number, cx: number, cy: number, r: number, cos: number, sin: number, x: number, y: number): number {
  const inv = 1 / r;
  let coverage = 0;
  for (let k = 0; k < 4; k++) {
    const dx = x + SAMPLE_OFFSETS[k & 1] - cx;
    const dy = y + SAMPLE_OFFSETS[k >> 1] - cy;
    if (insideShape(cls, (dx * cos + dy * sin) * inv, (dy * cos - dx * sin) * inv)) coverage += 0.25;
  }
  return coverage;
}

/** Renders image `i`: background, supersampled shape coverage, noise; records mask and box. */
function drawImage(set: ImageSet, i: number, p: Placement, rng: Random): void {
  const { height, width, channels } = set;
  const masks = set.masks as Uint8Array;
  const boxes = set.boxes as Float32Array;
  const base = i * height * width;
  let x0 = width;
  let y0 = height;
  let x1 = 0;
  let y1 = 0;
  // Only the pixels near the shape need the inside test.
  const reach = p.r * REACH + 1;
  const bx0 = Math.max(0, Math.floor(p.cx - reach));
  const bx1 = Math.min(width, Math.ceil(p.cx + reach));
  const by0 = Math.max(0, Math.floor(p.cy - reach));
  const by1 = Math.min(height, Math.ceil(p.cy + reach));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const coverage = x >= bx0 && x < bx1 && y >= by0 && y < by1 ? shapeCoverage(p.cls, p.cx, p.cy, p.r, p.cos, p.sin, x, y) : 0;
      if (coverage >= 0.5) {
        masks[base + y * width + x] = p.cls + 1;
        if (x < x0) x0 = x;
        if (y < y0) y0 = y;
        if (x + 1 > x1) x1 = x + 1;
        if (y + 1 > y1) y1 = y + 1;
      }
      const at = (base + y * width + x) * channels;
      for (let c = 0; c < channels; c++) {
        // Triangular noise (two uniforms) with standard deviation p.noise: cheap, and looks like sensor noise.
        const value = p.bg[c] + (p.fg[c] - p.bg[c]) * coverage + p.noise * TRIANGULAR_NOISE * (rng.next() + rng.next() - 1);
        set.images[at + c] = value < 0 ? 0 : value > 255 ? 255 : value + 0.5;
      }
    }
  }
  // Box [xmin, ymin, xmax, ymax] in pixels (max exclusive) around the mask; empty masks get the shape's extent.
  if (x1 <= x0) [x0, y0, x1, y1] = [bx0, by0, bx1, by1];
  boxes.set([x0, y0, x1, y1], i * 4);
}
