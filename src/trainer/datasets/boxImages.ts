/**
 * The images of a detection folder (yolofolder, coco) with their objects, decoded into one ImageSet: each picture is
 * stretched to the model input with its boxes scaled alike, or goes through the pipeline's leading (deterministic)
 * steps together with its boxes. An image's label is the class of its largest box (0 without objects), for captions.
 */
import type { TransformStep } from '../../model/types';
import { runPipelineWithTargets } from '../transforms/pipeline';
import { decodeNative, readImageBytes } from './decode';
import { DatasetError, throwIfAborted } from './errors';
import { resolveMaxImagePixels } from './imageLimits';
import { packObjects, type ImageObject } from './objectBoxes';
import { Random } from './random';
import { resizeImage } from './resize';
import { quantize } from './storedTransforms';
import type { ImageSet, LoadOptions } from './types';

export interface BoxImage {
  /** The picture's path. */
  image: string;
  /** Its objects, boxes in pixels of the decoded width × height picture. */
  objects(width: number, height: number): ImageObject[];
}

export function decodeBoxImages(items: readonly BoxImage[], options: LoadOptions, steps: TransformStep[] | undefined, what: string): ImageSet {
  const maxPixels = resolveMaxImagePixels(options.maxImagePixels);
  const [channels, height, width] = options.input;
  const perImage: ImageObject[][] = [];
  let set: ImageSet | undefined;
  for (const [i, item] of items.entries()) {
    if (i % 64 === 0) {
      throwIfAborted(options.signal);
      options.onProgress?.(`Decoding ${what} images (${i} of ${items.length})`, i / items.length);
    }
    const image = decodeNative(readImageBytes(item.image, maxPixels), item.image, channels, maxPixels);
    const objects = item.objects(image.width, image.height);
    const stored = steps ? throughSteps(image, objects, channels, steps) : {
      pixels: resizeImage(image.data, image.height, image.width, channels, height, width),
      objects: objects.map((o) => ({ cls: o.cls, box: [o.box[0] * (width / image.width), o.box[1] * (height / image.height), o.box[2] * (width / image.width), o.box[3] * (height / image.height)] as const })),
      height,
      width,
    };
    set ??= { images: new Uint8Array(items.length * stored.pixels.length), labels: new Uint8Array(items.length), count: items.length, height: stored.height, width: stored.width, channels };
    if (stored.height !== set.height || stored.width !== set.width) {
      throw new DatasetError(`${item.image} is ${stored.height}×${stored.width} after the pipeline's first steps, other images ${set.height}×${set.width}: begin data.transforms with Resize((h, w)).`, item.image);
    }
    set.images.set(stored.pixels, i * stored.pixels.length);
    set.labels[i] = largestClass(stored.objects);
    perImage.push(stored.objects);
  }
  if (!set) throw new DatasetError(`${what}: no images`);
  return { ...set, objects: packObjects(perImage) };
}

function largestClass(objects: readonly ImageObject[]): number {
  let best: ImageObject | undefined;
  const area = (o: ImageObject) => (o.box[2] - o.box[0]) * (o.box[3] - o.box[1]);
  for (const o of objects) if (!best || area(o) > area(best)) best = o;
  return best?.cls ?? 0;
}

/** A picture and its boxes through the pipeline's leading (deterministic) steps, together. */
function throughSteps(image: { data: Uint8Array; height: number; width: number }, objects: ImageObject[], channels: number, steps: TransformStep[]): { pixels: Uint8Array; objects: ImageObject[]; height: number; width: number } {
  const data = Float32Array.from(image.data, (v) => v / 255);
  const moved = runPipelineWithTargets({ data, height: image.height, width: image.width, channels }, { objects }, steps, new Random(0));
  return { pixels: quantize(moved.image), objects: [...(moved.objects ?? [])], height: moved.image.height, width: moved.image.width };
}
