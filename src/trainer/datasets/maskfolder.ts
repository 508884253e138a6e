/**
 * `maskfolder` (task segmentation): data.path holds images/ (PNG or JPEG) and masks/ (PNG of class indices, grey or
 * palette as VOC writes them) with the same file names (photo.jpg ↔ photo.png), or train/ (with optional val/ and
 * test/) folders that each hold images/ and masks/. Each mask must have its image's size; both are stretched to the
 * model input (nearest neighbour for masks) or go through the pipeline's leading steps together. An image's label is
 * its most common non-background class (the strips caption it). Masks name their classes by index: `classes:`
 * names them; without it they are numbered up to the model's output maps (options.maskClasses).
 */
import { promises as fs } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { splitFolders } from '../../model/config/imageFolder';
import type { TransformStep } from '../../model/types';
import { runPipelineWithMask } from '../transforms/pipeline';
import { decodeNative, IMAGE_EXTENSIONS, readImageBytes } from './decode';
import { DatasetError, throwIfAborted } from './errors';
import type { CachedSplits } from './imagecache';
import { dominantClass } from './imageset';
import { resolveMaxImagePixels } from './imageLimits';
import { explicitPath } from './lookup';
import { decodeMaskPng } from './maskPng';
import { Random } from './random';
import { resizeImage, resizeMasks } from './resize';
import { quantize } from './storedTransforms';
import type { ImageSet, LoadOptions } from './types';

export const MASK_FOLDERS = { images: 'images', masks: 'masks' } as const;

interface Pair {
  image: string;
  mask: string;
}

/** The splits the folder has (the caller carves the missing ones), fitted to the input or through `steps`. */
export async function loadMaskFolder(options: LoadOptions, steps?: Record<'train' | 'test', TransformStep[]>): Promise<CachedSplits & { folder: string }> {
  const root = explicitPath(options);
  if (!root) throw new DatasetError('The maskfolder dataset needs data.path: a folder with images/ and masks/ (the same file names).');
  const stat = await fs.stat(root).catch(() => undefined);
  if (!stat?.isDirectory()) throw new DatasetError(`maskfolder: ${root} is not a folder.`, root);
  const found = splitFolders(await folders(root));
  const dirs: Record<string, string> = found.train ? Object.fromEntries(Object.entries(found).map(([split, name]) => [split, join(root, name)])) : { train: root };
  const pairs: Record<string, Pair[]> = {};
  for (const [split, dir] of Object.entries(dirs)) pairs[split] = await listPairs(dir);
  const decoded: Record<string, ImageSet> = {};
  for (const [split, list] of Object.entries(pairs)) decoded[split] = decodePairs(list, options, split === 'train' ? steps?.train : steps?.test);
  const classes = maskClasses(options, Object.values(decoded), root);
  const splits: CachedSplits = { classes, train: decoded.train };
  if (decoded.validation) splits.validation = decoded.validation;
  if (decoded.test) splits.test = decoded.test;
  if (steps && (!decoded.validation || !decoded.test) && JSON.stringify(steps.train) !== JSON.stringify(steps.test)) splits.trainForTest = decodePairs(pairs.train, options, steps.test);
  return { ...splits, folder: root };
}

async function folders(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
}

/** images/<name>.<ext> with masks/<name>.png; an image without its mask is an error naming the mask expected. */
async function listPairs(dir: string): Promise<Pair[]> {
  const imageDir = join(dir, MASK_FOLDERS.images);
  const maskDir = join(dir, MASK_FOLDERS.masks);
  const [images, masks] = await Promise.all([imageDir, maskDir].map((d) => fs.readdir(d).catch(() => undefined)));
  if (!images || !masks) throw new DatasetError(`maskfolder: ${dir} needs the folders ${MASK_FOLDERS.images}/ and ${MASK_FOLDERS.masks}/ (missing ${!images ? imageDir : maskDir}).`, dir);
  const maskNames = new Set(masks.filter((n) => extname(n).toLowerCase() === '.png'));
  const pairs: Pair[] = [];
  for (const name of images.filter((n) => IMAGE_EXTENSIONS.includes(extname(n).toLowerCase())).sort()) {
    const maskName = `${basename(name, extname(name))}.png`;
    if (!maskNames.has(maskName)) throw new DatasetError(`maskfolder: ${join(imageDir, name)} has no mask: expected ${join(maskDir, maskName)}.`, join(maskDir, maskName));
    pairs.push({ image: join(imageDir, name), mask: join(maskDir, maskName) });
  }
  if (pairs.length === 0) throw new DatasetError(`maskfolder: no PNG or JPEG images in ${imageDir}.`, imageDir);
  return pairs;
}

function decodePairs(pairs: Pair[], options: LoadOptions, steps: TransformStep[] | undefined): ImageSet {
  const maxPixels = resolveMaxImagePixels(options.maxImagePixels);
  const [channels, height, width] = options.input;
  let set: ImageSet | undefined;
  for (const [i, pair] of pairs.entries()) {
    if (i % 64 === 0) {
      throwIfAborted(options.signal);
      options.onProgress?.(`Decoding images and masks (${i} of ${pairs.length})`, i / pairs.length);
    }
    const image = decodeNative(readImageBytes(pair.image, maxPixels), pair.image, channels, maxPixels);
    const mask = decodeMaskPng(readImageBytes(pair.mask, maxPixels), pair.mask);
    if (mask.width !== image.width || mask.height !== image.height) {
      throw new DatasetError(`maskfolder: ${pair.mask} is ${mask.width}×${mask.height} but its image ${pair.image} is ${image.width}×${image.height}: a mask must have its image's size.`, pair.mask);
    }
    const stored = steps ? throughSteps(image, mask.indices, channels, steps) : {
      pixels: resizeImage(image.data, image.height, image.width, channels, height, width),
      mask: resizeMasks(mask.indices, 1, image.height, image.width, height, width),
      height,
      width,
    };
    set ??= { images: new Uint8Array(pairs.length * stored.pixels.length), labels: new Uint8Array(pairs.length), masks: new Uint8Array(pairs.length * stored.mask.length), count: pairs.length, height: stored.height, width: stored.width, channels };
    if (stored.height !== set.height || stored.width !== set.width) {
      throw new DatasetError(`${pair.image} is ${stored.height}×${stored.width} after the pipeline's first steps, other images ${set.height}×${set.width}: begin data.transforms with Resize((h, w)).`, pair.image);
    }
    set.images.set(stored.pixels, i * stored.pixels.length);
    (set.masks as Uint8Array).set(stored.mask, i * stored.mask.length);
    set.labels[i] = dominantClass(stored.mask);
  }
  return set as ImageSet;
}

/** An image and its mask through the pipeline's leading (deterministic) steps, together. */
function throughSteps(image: { data: Uint8Array; height: number; width: number }, mask: Uint8Array, channels: number, steps: TransformStep[]): { pixels: Uint8Array; mask: Uint8Array; height: number; width: number } {
  const data = Float32Array.from(image.data, (v) => v / 255);
  const moved = runPipelineWithMask({ data, height: image.height, width: image.width, channels }, { data: Float32Array.from(mask), height: image.height, width: image.width, channels: 1 }, steps, new Random(0), 'pil');
  return { pixels: quantize(moved.image), mask: Uint8Array.from((moved.mask as { data: Float32Array }).data), height: moved.image.height, width: moved.image.width };
}

/** `classes:` as written, else 0…n−1 for the model's n output maps (or the largest mask value below 255, plus one). */
function maskClasses(options: LoadOptions, sets: ImageSet[], root: string): string[] {
  if (options.classes) return [...options.classes];
  let count = options.maskClasses ?? 0;
  if (!count) for (const set of sets) for (const v of set.masks as Uint8Array) if (v !== 255 && v + 1 > count) count = v + 1;
  if (count === 0) throw new DatasetError(`maskfolder: the masks of ${root} hold no class: list the classes in classes:.`, root);
  return Array.from({ length: count }, (_, i) => String(i));
}
