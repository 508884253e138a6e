/**
 * COCO object detection annotations (instances_*.json): `images` [{id, file_name, width, height}], `categories`
 * [{id, name}] and `annotations` [{image_id, category_id, bbox: [x, y, width, height] in pixels, iscrowd?}].
 * Category ids are sparse in COCO (1…90 for 80 classes): classes are the categories sorted by id, indexed 0, 1, …
 * Crowd annotations (iscrowd 1) are left out, as detectors train without them. Errors name the file and the entry.
 */
import { DatasetError } from './errors';
import type { ImageObject } from './objectBoxes';

export interface CocoImage {
  id: number;
  fileName: string;
  width: number;
  height: number;
  objects: ImageObject[];
}

export interface CocoDataset {
  /** Category names, ordered by category id. */
  classes: string[];
  images: CocoImage[];
}

type Json = Record<string, unknown>;

export function parseCocoAnnotations(text: string, file: string): CocoDataset {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    throw new DatasetError(`${file} is not valid JSON (${e instanceof Error ? e.message : String(e)})`, file);
  }
  if (!isObject(root)) throw new DatasetError(`${file}: expected a COCO annotation object with images, annotations and categories`, file);
  const list = (key: string): Json[] => {
    const v = root[key as keyof typeof root] as unknown;
    if (!Array.isArray(v)) throw new DatasetError(`${file}: '${key}' is missing or not a list (COCO annotations need images, annotations and categories)`, file);
    v.forEach((e, i) => { if (!isObject(e)) throw new DatasetError(`${file}: ${key}[${i}] is not an object`, file); });
    return v as Json[];
  };
  const categories = list('categories');
  const images = list('images');
  const annotations = list('annotations');

  const classOfId = new Map<number, number>();
  const sorted = categories.map((c, i) => ({ id: numberField(c, 'id', `categories[${i}]`, file), name: String(c.name ?? c.id) })).sort((a, b) => a.id - b.id);
  sorted.forEach((c, k) => {
    if (classOfId.has(c.id)) throw new DatasetError(`${file}: category id ${c.id} appears twice in categories`, file);
    classOfId.set(c.id, k);
  });

  const byId = new Map<number, CocoImage>();
  const out: CocoImage[] = images.map((im, i) => {
    const where = `images[${i}]`;
    const image: CocoImage = {
      id: numberField(im, 'id', where, file),
      fileName: typeof im.file_name === 'string' && im.file_name !== '' ? im.file_name : fail(`${file}: ${where} has no file_name`, file),
      width: numberField(im, 'width', where, file),
      height: numberField(im, 'height', where, file),
      objects: [],
    };
    if (byId.has(image.id)) throw new DatasetError(`${file}: image id ${image.id} appears twice (${where})`, file);
    byId.set(image.id, image);
    return image;
  });

  annotations.forEach((a, i) => {
    const where = `annotations[${i}]`;
    if (a.iscrowd === 1) return;
    const imageId = numberField(a, 'image_id', where, file);
    const image = byId.get(imageId) ?? fail(`${file}: ${where} refers to image_id ${imageId}, which is not in images`, file);
    const categoryId = numberField(a, 'category_id', where, file);
    const cls = classOfId.get(categoryId) ?? fail(`${file}: ${where} has category_id ${categoryId}, which is not in categories`, file);
    const bbox = a.bbox;
    if (!Array.isArray(bbox) || bbox.length !== 4 || !bbox.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new DatasetError(`${file}: ${where}.bbox must be [x, y, width, height] in pixels (found ${JSON.stringify(bbox)})`, file);
    }
    const [x, y, w, h] = bbox as number[];
    if (w <= 0 || h <= 0) throw new DatasetError(`${file}: ${where}.bbox has no area (width ${w}, height ${h})`, file);
    // Boxes may poke out of the image by rounding: clip them, as COCO's loaders do.
    const box = [Math.max(0, x), Math.max(0, y), Math.min(image.width, x + w), Math.min(image.height, y + h)] as const;
    if (box[2] <= box[0] || box[3] <= box[1]) throw new DatasetError(`${file}: ${where}.bbox [${bbox.join(', ')}] lies outside its ${image.width}×${image.height} image ${image.fileName}`, file);
    image.objects.push({ cls, box });
  });
  return { classes: sorted.map((c) => c.name), images: out };
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function numberField(o: Json, key: string, where: string, file: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new DatasetError(`${file}: ${where}.${key} must be a number (found ${JSON.stringify(v)})`, file);
  return v;
}

function fail(message: string, file: string): never {
  throw new DatasetError(message, file);
}
