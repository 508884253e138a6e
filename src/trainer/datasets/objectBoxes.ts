/**
 * The objects of a detection dataset, packed per set: image i owns objects start[i] … start[i + 1] − 1, each a class
 * index (the dataset's classes, no background) and a box [x1, y1, x2, y2] in pixels of the stored image. Subsets,
 * concatenation and resizing keep them with their images.
 */
import type { Box } from '../../model/detection/boxes';

export interface ObjectBoxes {
  /** count + 1 offsets into classes (and boxes / 4). */
  start: Uint32Array;
  classes: Uint16Array;
  /** 4 values per object. */
  boxes: Float32Array;
}

export interface ImageObject {
  cls: number;
  box: Box;
}

/** Packs per-image object lists. */
export function packObjects(perImage: readonly (readonly ImageObject[])[]): ObjectBoxes {
  const start = new Uint32Array(perImage.length + 1);
  perImage.forEach((objects, i) => (start[i + 1] = start[i] + objects.length));
  const total = start[perImage.length];
  const out: ObjectBoxes = { start, classes: new Uint16Array(total), boxes: new Float32Array(total * 4) };
  perImage.forEach((objects, i) => objects.forEach((o, k) => {
    out.classes[start[i] + k] = o.cls;
    out.boxes.set(o.box, (start[i] + k) * 4);
  }));
  return out;
}

/** Image i's objects. */
export function objectsOf(objects: ObjectBoxes, i: number): ImageObject[] {
  const out: ImageObject[] = [];
  for (let k = objects.start[i]; k < objects.start[i + 1]; k++) {
    const b = objects.boxes;
    out.push({ cls: objects.classes[k], box: [b[k * 4], b[k * 4 + 1], b[k * 4 + 2], b[k * 4 + 3]] });
  }
  return out;
}

/** The objects of the images at `indices`, in that order. */
export function gatherObjects(objects: ObjectBoxes, indices: ArrayLike<number>): ObjectBoxes {
  return packObjects(Array.from(indices, (i) => objectsOf(objects, i)));
}

/** The objects of sets laid one after another (their image counts given). */
export function concatObjects(parts: readonly { objects: ObjectBoxes; count: number }[]): ObjectBoxes {
  return packObjects(parts.flatMap((p) => Array.from({ length: p.count }, (_, i) => objectsOf(p.objects, i))));
}

/** The boxes of images stretched from w×h to outW×outH. */
export function scaleObjects(objects: ObjectBoxes, sx: number, sy: number): ObjectBoxes {
  const boxes = Float32Array.from(objects.boxes, (v, j) => v * (j % 2 === 0 ? sx : sy));
  return { start: objects.start, classes: objects.classes, boxes };
}
