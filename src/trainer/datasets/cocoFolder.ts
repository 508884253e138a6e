/**
 * `coco` (task detection): data.path holds annotations.json (COCO's instances format: images, categories,
 * annotations with bbox [x, y, width, height] in pixels) and the pictures at each image's file_name, relative to the
 * folder or to its images/ sub-folder; or train/ (with optional val/ and test/) folders that each hold both. Classes
 * are the categories sorted by id (`classes:` may rename them, in that order). Errors name the file and the entry.
 */
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitFolders } from '../../model/config/imageFolder';
import type { TransformStep } from '../../model/types';
import { decodeBoxImages, type BoxImage } from './boxImages';
import { parseCocoAnnotations } from './cocoAnnotations';
import { DatasetError } from './errors';
import type { CachedSplits } from './imagecache';
import { explicitPath } from './lookup';
import type { LoadOptions } from './types';

export const COCO_ANNOTATIONS_FILE = 'annotations.json';

export async function loadCocoFolder(options: LoadOptions, steps?: Record<'train' | 'test', TransformStep[]>): Promise<CachedSplits & { folder: string }> {
  const root = explicitPath(options);
  if (!root) throw new DatasetError(`The coco dataset needs data.path: a folder with ${COCO_ANNOTATIONS_FILE} and its images.`);
  const stat = await fs.stat(root).catch(() => undefined);
  if (!stat?.isDirectory()) throw new DatasetError(`coco: ${root} is not a folder.`, root);
  const entries = await fs.readdir(root, { withFileTypes: true });
  const found = splitFolders(entries.filter((e) => e.isDirectory()).map((e) => e.name));
  const dirs: Record<string, string> = found.train ? Object.fromEntries(Object.entries(found).map(([split, name]) => [split, join(root, name)])) : { train: root };
  const lists: Record<string, BoxImage[]> = {};
  let classes: string[] | undefined;
  for (const [split, dir] of Object.entries(dirs)) {
    const read = readSplit(dir);
    if (classes && read.classes.join('\n') !== classes.join('\n')) throw new DatasetError(`coco: ${join(dir, COCO_ANNOTATIONS_FILE)} has other categories (${read.classes.join(', ')}) than the train split (${classes.join(', ')}).`, join(dir, COCO_ANNOTATIONS_FILE));
    classes = read.classes;
    lists[split] = read.images;
  }
  const decode = (split: string, which?: TransformStep[]) => decodeBoxImages(lists[split], options, which, `coco ${split}`);
  const splits: CachedSplits = { classes: classes ?? [], train: decode('train', steps?.train) };
  if (lists.validation) splits.validation = decode('validation', steps?.test);
  if (lists.test) splits.test = decode('test', steps?.test);
  if (steps && (!lists.validation || !lists.test) && JSON.stringify(steps.train) !== JSON.stringify(steps.test)) splits.trainForTest = decode('train', steps.test);
  return { ...splits, folder: root };
}

function readSplit(dir: string): { classes: string[]; images: BoxImage[] } {
  const file = join(dir, COCO_ANNOTATIONS_FILE);
  if (!existsSync(file)) throw new DatasetError(`coco: ${dir} has no ${COCO_ANNOTATIONS_FILE} (COCO instances annotations: images, categories, annotations).`, file);
  const parsed = parseCocoAnnotations(readFileSync(file, 'utf8'), file);
  if (parsed.images.length === 0) throw new DatasetError(`${file} lists no image.`, file);
  const images = parsed.images.map((im, i): BoxImage => {
    const path = [join(dir, im.fileName), join(dir, 'images', im.fileName)].find((p) => existsSync(p));
    if (!path) throw new DatasetError(`${file}: images[${i}].file_name '${im.fileName}' is neither ${join(dir, im.fileName)} nor ${join(dir, 'images', im.fileName)}.`, file);
    return {
      image: path,
      objects: (width, height) => {
        if (width !== im.width || height !== im.height) throw new DatasetError(`${file}: images[${i}] says ${im.width}×${im.height} but ${path} is ${width}×${height}.`, path);
        return im.objects;
      },
    };
  });
  return { classes: parsed.classes, images };
}
