/**
 * `shapes` for task segmentation: scenes of SCENE_SHAPES shapes per image (circle, square, triangle, cross, ring, as
 * shapes.ts draws them, smaller), apart from each other (a scene too crowded for its last shape keeps fewer), on a
 * plain background with pixel noise. The mask holds 0 for background and class + 1 on every pixel a shape covers at
 * least half of, and each shape's box (set.objects, class = shape class) bounds those same pixels, so detection and
 * segmentation see the same objects.
 * Deterministic by seed, from its own random stream: the classification images of a seed are not touched.
 */
import { dominantClass } from './imageset';
import { packObjects, type ImageObject } from './objectBoxes';
import { Random } from './random';
import { REACH, SHAPE_CLASSES, shapeCoverage, TRIANGULAR_NOISE, visibleOn, type ShapePose } from './shapes';
import type { ImageSet } from './types';

/** Shapes per scene: 2 or 3 are drawn (fewer when no free spot is found). */
export const SCENE_SHAPES = { min: 2, max: 3 } as const;
/** Shape radius as a fraction of the image's shorter side. */
const RADIUS = { min: 0.16, max: 0.24 } as const;
const PLACEMENT_TRIES = 30;

/**
 * `count` scenes of height×width×channels (channels 1 or 3) with their masks. Each image's label is the mask class
 * (shape class + 1) covering most pixels, so labels index ['background', ...SHAPE_CLASSES].
 */
export function generateShapeScenes(count: number, height: number, width: number, channels: number, seed: number): ImageSet {
  const rng = new Random(seed);
  const set: ImageSet = {
    images: new Uint8Array(count * height * width * channels),
    labels: new Uint8Array(count),
    count,
    height,
    width,
    channels,
    masks: new Uint8Array(count * height * width),
  };
  const objects: ImageObject[][] = [];
  for (let i = 0; i < count; i++) objects.push(drawScene(set, i, rng));
  set.objects = packObjects(objects);
  return set;
}

/** Draws scene i into the set; returns its shapes' boxes. */
function drawScene(set: ImageSet, i: number, rng: Random): ImageObject[] {
  const { height, width, channels } = set;
  const side = Math.min(height, width);
  const bg = Array.from({ length: channels }, () => rng.uniform(0, 255));
  const n = SCENE_SHAPES.min + rng.int(SCENE_SHAPES.max - SCENE_SHAPES.min + 1);
  const shapes: ShapePose[] = [];
  for (let s = 0; s < n; s++) {
    const r = rng.uniform(RADIUS.min, RADIUS.max) * side;
    const angle = rng.uniform(0, 2 * Math.PI);
    const at = freeSpot(shapes, r, width, height, rng);
    // A crowded scene keeps the shapes it has: a shape is never drawn over another (an occluded shape is ambiguous).
    if (!at) continue;
    shapes.push({ cls: rng.int(SHAPE_CLASSES.length), r, ...at, cos: Math.cos(angle), sin: Math.sin(angle), fg: contrasting(bg, rng) });
  }
  const noise = rng.uniform(2, 10);
  const masks = set.masks as Uint8Array;
  const base = i * height * width;
  const value = new Float64Array(height * width * channels);
  for (let p = 0; p < height * width; p++) for (let c = 0; c < channels; c++) value[p * channels + c] = bg[c];
  const objects: ImageObject[] = [];
  for (const s of shapes) {
    let [x0, y0, x1, y1] = [width, height, 0, 0];
    const reach = s.r * REACH + 1;
    for (let y = Math.max(0, Math.floor(s.cy - reach)); y < Math.min(height, Math.ceil(s.cy + reach)); y++) {
      for (let x = Math.max(0, Math.floor(s.cx - reach)); x < Math.min(width, Math.ceil(s.cx + reach)); x++) {
        const coverage = shapeCoverage(s.cls, s.cx, s.cy, s.r, s.cos, s.sin, x, y);
        if (coverage === 0) continue;
        const p = y * width + x;
        if (coverage >= 0.5) {
          masks[base + p] = s.cls + 1;
          [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x + 1), Math.max(y1, y + 1)];
        }
        for (let c = 0; c < channels; c++) value[p * channels + c] += (s.fg[c] - value[p * channels + c]) * coverage;
      }
    }
    // Shapes are at least 0.32 of the image's side across, so they always cover pixels; the guard keeps boxes sane.
    if (x1 > x0) objects.push({ cls: s.cls, box: [x0, y0, x1, y1] });
  }
  const at = base * channels;
  for (let j = 0; j < value.length; j++) {
    const v = value[j] + noise * TRIANGULAR_NOISE * (rng.next() + rng.next() - 1);
    set.images[at + j] = v < 0 ? 0 : v > 255 ? 255 : v + 0.5;
  }
  set.labels[i] = dominantClass(masks.subarray(base, base + height * width));
  return objects;
}

/** A centre where a shape of radius r stays inside the image and clear of the others (PLACEMENT_TRIES draws), or null. */
function freeSpot(shapes: readonly ShapePose[], r: number, width: number, height: number, rng: Random): { cx: number; cy: number } | null {
  for (let t = 0; t < PLACEMENT_TRIES; t++) {
    const cx = rng.uniform(r * 0.9, width - r * 0.9);
    const cy = rng.uniform(r * 0.9, height - r * 0.9);
    if (shapes.every((o) => Math.hypot(cx - o.cx, cy - o.cy) >= (r + o.r) * REACH + 1)) return { cx, cy };
  }
  return null;
}

/** A colour that stands out from `bg` (as shapes.ts's foregrounds do). */
function contrasting(bg: number[], rng: Random): number[] {
  for (;;) {
    const fg = bg.map(() => rng.uniform(0, 255));
    if (visibleOn(fg, bg)) return fg;
  }
}

/**
 * Scenes for detection, whose classes are the shapes without the background: each image's label (the strips'
 * caption) becomes its largest shape's class, mask class − 1.
 */
export function labelScenesByShape(set: ImageSet): ImageSet {
  return { ...set, labels: Uint8Array.from(set.labels, (v) => Math.max(0, v - 1)) };
}
