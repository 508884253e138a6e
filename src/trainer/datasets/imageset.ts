/** Operations on whole ImageSets: picking subsets, seeded splits, caps. Pixels are copied, never shared. */
import { concatObjects, gatherObjects, type ObjectBoxes } from './objectBoxes';
import { permutation } from './random';
import type { ImageSet } from './types';

/** Bytes of one image of the set. */
export function imageSize(set: Pick<ImageSet, 'height' | 'width' | 'channels'>): number {
  return set.height * set.width * set.channels;
}

/** An empty set of the given geometry. */
export function emptySet(height: number, width: number, channels: number): ImageSet {
  return { images: new Uint8Array(0), labels: new Uint8Array(0), count: 0, height, width, channels };
}

/** A new set made of the images at `indices`, in that order (masks, boxes and objects follow). */
export function subset(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const size = imageSize(set);
  const pixels = set.height * set.width;
  const n = indices.length;
  const out: ImageSet = {
    images: new Uint8Array(n * size),
    labels: new Uint8Array(n),
    count: n,
    height: set.height,
    width: set.width,
    channels: set.channels,
  };
  if (set.masks) out.masks = new Uint8Array(n * pixels);
  if (set.boxes) out.boxes = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    const j = indices[i];
    out.images.set(set.images.subarray(j * size, (j + 1) * size), i * size);
    out.labels[i] = set.labels[j];
    if (out.masks && set.masks) out.masks.set(set.masks.subarray(j * pixels, (j + 1) * pixels), i * pixels);
    if (out.boxes && set.boxes) out.boxes.set(set.boxes.subarray(j * 4, (j + 1) * 4), i * 4);
  }
  if (set.objects) out.objects = gatherObjects(set.objects, indices);
  return out;
}

/**
 * Splits off round(fraction × count) images, chosen by a seeded permutation; returns [rest, part].
 * Both keep the original order of their images so that a split never reorders the data by itself.
 */
export function splitSet(set: ImageSet, fraction: number, seed: number): [ImageSet, ImageSet] {
  const take = Math.min(set.count, Math.max(0, Math.round(fraction * set.count)));
  const order = permutation(set.count, seed);
  const part = Array.from(order.subarray(0, take)).sort((a, b) => a - b);
  const rest = Array.from(order.subarray(take)).sort((a, b) => a - b);
  return [subset(set, rest), subset(set, part)];
}

/** The first `max` images (seeded choice, original order) when the set is larger; the set itself otherwise. */
export function capSet(set: ImageSet, max: number | undefined, seed: number): ImageSet {
  if (max === undefined || max >= set.count) return set;
  return splitSet(set, Math.max(0, max) / set.count, seed)[1];
}

/** Concatenates sets of the same geometry (e.g. CIFAR's five training batches). */
export function concatSets(sets: ImageSet[]): ImageSet {
  const first = sets[0];
  const count = sets.reduce((n, s) => n + s.count, 0);
  const size = imageSize(first);
  const out: ImageSet = { ...emptySet(first.height, first.width, first.channels), count };
  out.images = new Uint8Array(count * size);
  out.labels = new Uint8Array(count);
  let at = 0;
  for (const s of sets) {
    out.images.set(s.images.subarray(0, s.count * size), at * size);
    out.labels.set(s.labels.subarray(0, s.count), at);
    at += s.count;
  }
  if (sets.every((s) => s.objects)) out.objects = concatObjects(sets.map((s) => ({ objects: s.objects as ObjectBoxes, count: s.count })));
  return out;
}

/** The non-background class (mask value 1…254) with the most pixels in a mask; 0 when there is none. */
export function dominantClass(mask: Uint8Array): number {
  const counts = new Uint32Array(255);
  for (let p = 0; p < mask.length; p++) if (mask[p] < 255) counts[mask[p]] += 1;
  let best = 0;
  for (let c = 1; c < counts.length; c++) if (counts[c] > (best === 0 ? 0 : counts[best])) best = c;
  return best;
}
