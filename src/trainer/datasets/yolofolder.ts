/**
 * `yolofolder` (task detection): data.path holds images/ (PNG or JPEG) and labels/ (one text file per image, the same
 * base name with .txt: `class cx cy w h` per line, fractions of the image's size; no file means no object), or
 * train/ (with optional val/ and test/) folders that each hold both. Classes: `classes:` of the model file, else
 * classes.txt in data.path (one name per line, darknet's convention), else numbered up to the largest class index.
 * A bad label line is an error naming the file and the line.
 */
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { splitFolders } from '../../model/config/imageFolder';
import type { TransformStep } from '../../model/types';
import { decodeBoxImages, type BoxImage } from './boxImages';
import { IMAGE_EXTENSIONS } from './decode';
import { DatasetError } from './errors';
import type { CachedSplits } from './imagecache';
import { explicitPath } from './lookup';
import { parseYoloLabels } from './yoloLabels';
import type { LoadOptions } from './types';

export const YOLO_FOLDERS = { images: 'images', labels: 'labels' } as const;
export const YOLO_CLASSES_FILE = 'classes.txt';

export async function loadYoloFolder(options: LoadOptions, steps?: Record<'train' | 'test', TransformStep[]>): Promise<CachedSplits & { folder: string }> {
  const root = explicitPath(options);
  if (!root) throw new DatasetError('The yolofolder dataset needs data.path: a folder with images/ and labels/ (one .txt per image).');
  const stat = await fs.stat(root).catch(() => undefined);
  if (!stat?.isDirectory()) throw new DatasetError(`yolofolder: ${root} is not a folder.`, root);
  const entries = await fs.readdir(root, { withFileTypes: true });
  const found = splitFolders(entries.filter((e) => e.isDirectory()).map((e) => e.name));
  const dirs: Record<string, string> = found.train ? Object.fromEntries(Object.entries(found).map(([split, name]) => [split, join(root, name)])) : { train: root };
  const classes = yoloClasses(options, root);
  const lists: Record<string, BoxImage[]> = {};
  let largest = -1;
  for (const [split, dir] of Object.entries(dirs)) {
    lists[split] = await listImages(dir, classes?.length, (cls) => (largest = Math.max(largest, cls)));
  }
  const decode = (split: string, which?: TransformStep[]) => decodeBoxImages(lists[split], options, which, `yolofolder ${split}`);
  const splits: CachedSplits = { classes: [], train: decode('train', steps?.train) };
  if (lists.validation) splits.validation = decode('validation', steps?.test);
  if (lists.test) splits.test = decode('test', steps?.test);
  if (steps && (!lists.validation || !lists.test) && JSON.stringify(steps.train) !== JSON.stringify(steps.test)) splits.trainForTest = decode('train', steps.test);
  splits.classes = classes ?? Array.from({ length: largest + 1 }, (_, i) => String(i));
  if (splits.classes.length === 0) throw new DatasetError(`yolofolder: the labels of ${root} hold no object: list the classes in classes: or ${YOLO_CLASSES_FILE}.`, root);
  return { ...splits, folder: root };
}

/** `classes:` as written, else classes.txt's lines; undefined: numbered from the labels. */
function yoloClasses(options: LoadOptions, root: string): string[] | undefined {
  if (options.classes) return [...options.classes];
  const file = join(root, YOLO_CLASSES_FILE);
  if (!existsSync(file)) return undefined;
  const names = readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (names.length === 0) throw new DatasetError(`${file} lists no class (one name per line).`, file);
  return names;
}

/** images/<name>.<ext> with labels/<name>.txt (read lazily, once the image's size is known). */
async function listImages(dir: string, classCount: number | undefined, onClass: (cls: number) => void): Promise<BoxImage[]> {
  const imageDir = join(dir, YOLO_FOLDERS.images);
  const labelDir = join(dir, YOLO_FOLDERS.labels);
  const [images, labels] = await Promise.all([imageDir, labelDir].map((d) => fs.readdir(d).catch(() => undefined)));
  if (!images || !labels) throw new DatasetError(`yolofolder: ${dir} needs the folders ${YOLO_FOLDERS.images}/ and ${YOLO_FOLDERS.labels}/ (missing ${!images ? imageDir : labelDir}).`, dir);
  const labelNames = new Set(labels);
  const list = images.filter((n) => IMAGE_EXTENSIONS.includes(extname(n).toLowerCase())).sort().map((name): BoxImage => {
    const labelName = `${basename(name, extname(name))}.txt`;
    const label = labelNames.has(labelName) ? join(labelDir, labelName) : undefined;
    return {
      image: join(imageDir, name),
      objects: (width, height) => {
        if (!label) return [];
        const objects = parseYoloLabels(readFileSync(label, 'utf8'), label, width, height, classCount);
        objects.forEach((o) => onClass(o.cls));
        return objects;
      },
    };
  });
  if (list.length === 0) throw new DatasetError(`yolofolder: no PNG or JPEG images in ${imageDir}.`, imageDir);
  return list;
}
