/**
 * The pipeline's leading deterministic steps (Resize, CenterCrop), applied once to every image when a split
 * is stored rather than at every epoch, with PIL's arithmetic (8-bit images, as torchvision's datasets yield them).
 */
import type { TransformStep } from '../../model/types';
import type { FloatImage } from '../transforms/image';
import { runPipelineWithTargets } from '../transforms/pipeline';
import { decodeRgba } from './decode';
import { DatasetError } from './errors';
import { imageSize } from './imageset';
import { objectsOf, packObjects, type ImageObject } from './objectBoxes';
import { Random } from './random';
import { quantize, storedFromRgba, type StoredPixels } from './storedSteps';
import type { ImageSet } from './types';

export { quantize, splitPipeline, transformPixels } from './storedSteps';

/**
 * Decoded image bytes as the loader stores them: stretched to `input` without data.transforms (`steps`
 * undefined), else at their own size through the pipeline's stored steps; channels converted to input's.
 */
export function storedImage(bytes: Buffer, file: string, input: readonly [number, number, number], steps: readonly TransformStep[] | undefined, maxPixels: number): StoredPixels {
  return storedFromRgba(decodeRgba(bytes, file, maxPixels), input, steps);
}

/** Collects images of one size into a set; an image of another size is an error naming where it came from. */
export class SetBuilder {
  private set: ImageSet | undefined;

  constructor(private readonly count: number) {}

  add(index: number, image: FloatImage, label: number, source: string): void {
    this.addPixels(index, quantize(image), image, label, source);
  }

  addPixels(index: number, pixels: Uint8Array, g: { height: number; width: number; channels: number }, label: number, source: string): void {
    this.set ??= { images: new Uint8Array(this.count * pixels.length), labels: new Uint8Array(this.count), count: this.count, height: g.height, width: g.width, channels: g.channels };
    const s = this.set;
    if (g.height !== s.height || g.width !== s.width) {
      throw new DatasetError(`${source} is ${g.height}×${g.width} after the pipeline's first steps, other images ${s.height}×${s.width}: begin data.transforms with Resize((h, w)) or Resize(n), CenterCrop(n).`, source);
    }
    s.images.set(pixels, index * pixels.length);
    s.labels[index] = label;
  }

  result(fallback: ImageSet): ImageSet {
    return this.set ?? { ...fallback, images: new Uint8Array(0), labels: new Uint8Array(0), count: 0 };
  }
}

/** The set with `steps` applied to every image, and to its mask or boxes when the set has them (the set itself when there are no steps). */
export function applyStoredSteps(set: ImageSet, steps: readonly TransformStep[]): ImageSet {
  if (steps.length === 0) return set;
  const size = imageSize(set);
  const pixels = set.height * set.width;
  const builder = new SetBuilder(set.count);
  const masks: Uint8Array[] = [];
  const objects: ImageObject[][] = [];
  for (let i = 0; i < set.count; i++) {
    const data = Float32Array.from(set.images.subarray(i * size, (i + 1) * size), (v) => v / 255);
    const mask = set.masks && { data: Float32Array.from(set.masks.subarray(i * pixels, (i + 1) * pixels)), height: set.height, width: set.width, channels: 1 };
    // Deterministic steps draw nothing; the generator only satisfies the signature.
    const moved = runPipelineWithTargets({ data, height: set.height, width: set.width, channels: set.channels }, { mask, objects: set.objects && objectsOf(set.objects, i) }, steps, new Random(0), 'pil');
    builder.add(i, moved.image, set.labels[i], `image ${i}`);
    if (moved.mask) masks.push(Uint8Array.from(moved.mask.data));
    if (moved.objects) objects.push([...moved.objects]);
  }
  const out = set.objects ? { ...builder.result(set), objects: packObjects(objects) } : builder.result(set);
  if (!set.masks) return out;
  const all = new Uint8Array(masks.reduce((n, m) => n + m.length, 0));
  masks.forEach((m, i) => all.set(m, i * m.length));
  return { ...out, masks: all };
}

