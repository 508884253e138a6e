/**
 * Geometric transforms on object boxes, as torchvision.transforms.v2 moves bounding boxes: the box's corners go
 * where the transform sends their pixels, the new box is the smallest one around them, clipped to the output image.
 * Coordinates are pixel edges (a box [0, 0, w, h] covers the whole image). Boxes that end up narrower or shorter than
 * MIN_BOX_SIDE pixels (cropped or rotated away) are dropped at the end of a pipeline, as v2's
 * SanitizeBoundingBoxes(min_size=1) does.
 */
import { clipBox, type Box } from '../../model/detection/boxes';
import type { ImageObject } from '../datasets/objectBoxes';

export const MIN_BOX_SIDE = 1;

export interface ImageSize {
  width: number;
  height: number;
}

function mapBoxes(objects: readonly ImageObject[], to: ImageSize, move: (b: Box) => Box): ImageObject[] {
  return objects.map((o) => ({ cls: o.cls, box: clipBox(move(o.box), to.width, to.height) }));
}

export function flipBoxes(objects: readonly ImageObject[], size: ImageSize, horizontal: boolean): ImageObject[] {
  return mapBoxes(objects, size, ([x1, y1, x2, y2]) => (horizontal ? [size.width - x2, y1, size.width - x1, y2] : [x1, size.height - y2, x2, size.height - y1]));
}

/** Boxes of the window of `to` at (top, left) of an image (negative: the image was padded by that much). */
export function cropBoxes(objects: readonly ImageObject[], top: number, left: number, to: ImageSize): ImageObject[] {
  return mapBoxes(objects, to, ([x1, y1, x2, y2]) => [x1 - left, y1 - top, x2 - left, y2 - top]);
}

/** Boxes of an image stretched from `from` to `to`. */
export function scaleBoxes(objects: readonly ImageObject[], from: ImageSize, to: ImageSize): ImageObject[] {
  const sx = to.width / from.width;
  const sy = to.height / from.height;
  return mapBoxes(objects, to, ([x1, y1, x2, y2]) => [x1 * sx, y1 * sy, x2 * sx, y2 * sy]);
}

/**
 * Boxes under an affine warp given by its inverse matrix (warp.ts: output position relative to the image centre →
 * source position), on an image that keeps its size: each corner is sent forward by the inverted matrix, and the new
 * box bounds the part of that quadrilateral inside the image (tighter than torchvision v2, which clips the box around
 * the whole quadrilateral, when a rotated object leaves the image by a corner).
 */
export function affineBoxes(objects: readonly ImageObject[], inverse: readonly number[], size: ImageSize): ImageObject[] {
  const [m0, m1, m2, m3, m4, m5] = inverse;
  const det = m0 * m4 - m1 * m3;
  const cx = size.width / 2;
  const cy = size.height / 2;
  const forward = (sx: number, sy: number): Point => {
    const u = sx - cx - m2;
    const v = sy - cy - m5;
    return [(m4 * u - m1 * v) / det + cx, (-m3 * u + m0 * v) / det + cy];
  };
  return objects.map((o) => {
    const [x1, y1, x2, y2] = o.box;
    const inside = clipPolygon([forward(x1, y1), forward(x2, y1), forward(x2, y2), forward(x1, y2)], size);
    if (inside.length === 0) return { cls: o.cls, box: [0, 0, 0, 0] };
    const xs = inside.map((p) => p[0]);
    const ys = inside.map((p) => p[1]);
    return { cls: o.cls, box: clipBox([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], size.width, size.height) };
  });
}

type Point = [number, number];

/** Sutherland–Hodgman: the part of a convex polygon inside [0, width] × [0, height]. */
function clipPolygon(polygon: Point[], size: ImageSize): Point[] {
  const edges: [number, number, number][] = [[0, 1, 0], [0, -1, -size.width], [1, 1, 0], [1, -1, -size.height]];
  let out = polygon;
  for (const [axis, sign, bound] of edges) {
    const input = out;
    out = [];
    const keep = (p: Point) => sign * p[axis] >= bound;
    for (let i = 0; i < input.length; i++) {
      const p = input[i];
      const q = input[(i + 1) % input.length];
      if (keep(p)) out.push(p);
      if (keep(p) !== keep(q)) {
        const t = (bound - sign * p[axis]) / (sign * (q[axis] - p[axis]));
        out.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
      }
    }
  }
  return out;
}

/** The objects whose boxes are still at least MIN_BOX_SIDE pixels wide and high. */
export function keepVisible(objects: readonly ImageObject[]): ImageObject[] {
  return objects.filter((o) => o.box[2] - o.box[0] >= MIN_BOX_SIDE && o.box[3] - o.box[1] >= MIN_BOX_SIDE);
}
