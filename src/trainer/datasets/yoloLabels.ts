/**
 * YOLO label files (Ultralytics / darknet format): one text file per image, labels/<name>.txt, one object per line,
 * `class cx cy w h` with the centre, width and height as fractions of the image's width and height (0…1). An empty
 * file (or none) means no object. Errors name the file and the 1-based line.
 */
import type { Box } from '../../model/detection/boxes';
import { DatasetError } from './errors';
import type { ImageObject } from './objectBoxes';

/** Tolerance on the 0…1 range: exporters round, so a box may end a hair past the edge (it is clipped). */
const EDGE_SLACK = 1e-3;

/**
 * The objects of one label file, boxes in pixels of a width×height image (clipped to it). `classCount` bounds the
 * class indices when the classes are known.
 */
export function parseYoloLabels(text: string, file: string, width: number, height: number, classCount?: number): ImageObject[] {
  const objects: ImageObject[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${file}:${i + 1}`;
    const fields = line.split(/\s+/);
    if (fields.length !== 5) {
      const polygon = fields.length > 5 && (fields.length - 1) % 2 === 0 ? ' (this looks like a segmentation polygon: detection needs boxes)' : '';
      throw new DatasetError(`${where}: expected 'class cx cy w h' (5 numbers), found ${fields.length} fields${polygon}: '${line}'`, file);
    }
    const cls = Number(fields[0]);
    if (!Number.isInteger(cls) || cls < 0) throw new DatasetError(`${where}: the class must be an index 0, 1, 2, … (found '${fields[0]}')`, file);
    if (classCount !== undefined && cls >= classCount) throw new DatasetError(`${where}: class ${cls} but there are ${classCount} classes (0…${classCount - 1}): list them in classes:`, file);
    const [cx, cy, w, h] = fields.slice(1).map(Number);
    const names = ['cx', 'cy', 'w', 'h'];
    [cx, cy, w, h].forEach((v, k) => {
      if (!Number.isFinite(v)) throw new DatasetError(`${where}: ${names[k]} is not a number ('${fields[k + 1]}')`, file);
      if (v < -EDGE_SLACK || v > 1 + EDGE_SLACK) throw new DatasetError(`${where}: ${names[k]} = ${v} is outside 0…1: YOLO labels are fractions of the image's width and height, not pixels`, file);
    });
    if (w <= 0 || h <= 0) throw new DatasetError(`${where}: the box has no area (w = ${w}, h = ${h})`, file);
    const box: Box = [
      Math.max(0, (cx - w / 2) * width),
      Math.max(0, (cy - h / 2) * height),
      Math.min(width, (cx + w / 2) * width),
      Math.min(height, (cy + h / 2) * height),
    ];
    objects.push({ cls, box });
  });
  return objects;
}

/** The label line of an object (the inverse of parseYoloLabels, 6 decimals as exporters write). */
export function formatYoloLabel(o: ImageObject, width: number, height: number): string {
  const [x1, y1, x2, y2] = o.box;
  const f = (v: number) => v.toFixed(6);
  return `${o.cls} ${f((x1 + x2) / 2 / width)} ${f((y1 + y2) / 2 / height)} ${f((x2 - x1) / width)} ${f((y2 - y1) / height)}`;
}
