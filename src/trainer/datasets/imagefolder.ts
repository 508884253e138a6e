/**
 * `imagefolder`: class subfolders of PNG/JPEG images (root/<class>/*.png), or train/, val/ and test/ folders
 * that each hold the class subfolders. Images are decoded, fitted to the model input and cached in one
 * binary file per (folder contents, input size), so a second run starts at once. Class folders and images may
 * be symbolic links (followed; the listing goes two levels deep, so a link loop cannot make it recurse).
 */
import { createHash } from 'node:crypto';
import { promises as fs, type Stats } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { describeFileError } from '../../files/fileErrors';
import { splitFolders } from '../../model/config/imageFolder';
import { IMAGE_EXTENSIONS, readImageBytes } from './decode';
import { DatasetError, throwIfAborted } from './errors';
import { resolveMaxImagePixels } from './imageLimits';
import { readImageCache, writeImageCache, type CachedSplits } from './imagecache';
import { cacheRoot, explicitPath } from './lookup';
import { SetBuilder, storedImage } from './storedTransforms';
import type { TransformStep } from '../../model/types';
import type { ImageSet, LoadOptions } from './types';

/** The pipelines' leading steps applied to each decoded image (train/ with train's, val/ and test/ with test's). */
export type DecodeSteps = Record<'train' | 'test', TransformStep[]>;

interface ImageFile {
  path: string;
  label: number;
  size: number;
  mtimeMs: number;
}

/**
 * Reads (or takes from the cache) the folder at data.path; splits it lacks are left for the caller to carve.
 * Without `steps` images are stretched to the input; with them they keep their size until the steps change it.
 */
export async function loadImageFolder(options: LoadOptions, steps?: DecodeSteps): Promise<CachedSplits & { folder: string }> {
  const root = explicitPath(options);
  if (!root) throw new DatasetError('The imagefolder dataset needs data.path: a folder with one subfolder of images per class.');
  if (!(await isFolder(root))) throw new DatasetError(`imagefolder: ${root} is not a folder.`, root);
  const splitDirs = await findSplitFolders(root);
  const trainDir = splitDirs.train ?? root;
  const folders = await subfolders(trainDir);
  if (folders.length === 0) throw new DatasetError(`imagefolder: ${trainDir} has no class subfolders (expected ${trainDir}/<class>/<image>.png).`, trainDir);
  const classes = options.classes ? matchFolders(options.classes, folders, trainDir) : folders;
  // Labels are stored as bytes.
  if (classes.length > 256) throw new DatasetError(`imagefolder: ${trainDir} has ${classes.length} class folders; at most 256 are supported.`, trainDir);
  const files: Record<string, ImageFile[]> = {};
  for (const [split, dir] of Object.entries({ ...splitDirs, train: trainDir })) {
    files[split] = await listImages(dir, classes);
    warnMissingClasses(dir, classes, files[split], options);
  }
  const key = cacheKey(root, steps ? { channels: options.input[0], steps } : options.input, files);
  const cacheFile = join(cacheRoot(options), 'imagefolder', `${key}.bin`);
  const cached = await readImageCache(cacheFile);
  if (cached) return { ...cached, folder: root };
  const splits: CachedSplits = { classes, train: await decodeAll(files.train, options, steps?.train) };
  if (files.validation) splits.validation = await decodeAll(files.validation, options, steps?.test);
  if (files.test) splits.test = await decodeAll(files.test, options, steps?.test);
  // Validation or test images carved from train/ must go through the test pipeline's steps.
  const carved = !files.validation || !files.test;
  if (steps && carved && JSON.stringify(steps.train) !== JSON.stringify(steps.test)) splits.trainForTest = await decodeAll(files.train, options, steps.test);
  await writeImageCache(cacheFile, splits);
  return { ...splits, folder: root };
}

/**
 * The model file's class names as labels, each matched to the folder of that name: the file's order, not the
 * folders' alphabetical one, decides the indices. A name without a folder, or a folder without a name, is an error.
 */
function matchFolders(names: string[], folders: string[], dir: string): string[] {
  const missing = names.filter((n) => !folders.includes(n));
  if (missing.length) throw new DatasetError(`imagefolder: ${dir} has no folder for class${missing.length > 1 ? 'es' : ''} ${missing.join(', ')} (listed in classes:); expected ${join(dir, missing[0] as string)}/.`, dir);
  const extra = folders.filter((f) => !names.includes(f));
  if (extra.length) throw new DatasetError(`imagefolder: ${extra.map((f) => join(dir, f)).join(', ')} ${extra.length > 1 ? 'are class folders' : 'is a class folder'} that classes: does not list (${names.join(', ')}); add ${extra.length > 1 ? 'them' : 'it'} to classes: or move ${extra.length > 1 ? 'them' : 'it'} out.`, dir);
  return [...names];
}

/** The train/val/test subfolders present; none when the root itself holds the class folders. */
async function findSplitFolders(root: string): Promise<Record<string, string>> {
  const found = splitFolders(await subfolders(root));
  return Object.fromEntries(Object.entries(found).map(([split, name]) => [split, join(root, name)]));
}

async function listImages(dir: string, classes: string[]): Promise<ImageFile[]> {
  const here = await subfolders(dir);
  const unknown = here.filter((c) => !classes.includes(c));
  if (unknown.length) throw new DatasetError(`imagefolder: ${dir} has class folders that the training folder lacks: ${unknown.join(', ')}.`, dir);
  const files: ImageFile[] = [];
  for (const [label, cls] of classes.entries()) {
    const classDir = join(dir, cls);
    if (!here.includes(cls)) continue;
    const names = (await fs.readdir(classDir)).filter((n) => IMAGE_EXTENSIONS.includes(extname(n).toLowerCase())).sort();
    for (const name of names) {
      const path = join(classDir, name);
      const stat = await statOrThrow(path);
      if (stat.isFile()) files.push({ path, label, size: stat.size, mtimeMs: stat.mtimeMs });
    }
  }
  if (files.length === 0) throw new DatasetError(`imagefolder: no PNG or JPEG images in the class folders of ${dir}.`, dir);
  return files;
}

/** A class without images is learnt from nothing (or tested on nothing: its accuracy shows as null): say so. */
function warnMissingClasses(dir: string, classes: string[], files: ImageFile[], options: LoadOptions): void {
  const counts = new Array<number>(classes.length).fill(0);
  for (const f of files) counts[f.label] += 1;
  const empty = classes.filter((_, label) => counts[label] === 0);
  if (empty.length === 0) return;
  const listed = empty.map((c) => join(dir, c)).join(', ');
  options.onWarning?.(`imagefolder: no images for class${empty.length > 1 ? 'es' : ''} ${empty.join(', ')} (${listed} ${empty.length > 1 ? 'are' : 'is'} empty or missing): ${empty.length > 1 ? 'their' : 'its'} accuracy will show as null.`);
}

async function decodeAll(files: ImageFile[], options: LoadOptions, steps: TransformStep[] | undefined): Promise<ImageSet> {
  const maxPixels = resolveMaxImagePixels(options.maxImagePixels);
  const [channels, height, width] = options.input;
  const builder = new SetBuilder(files.length);
  for (const [i, file] of files.entries()) {
    if (i % 64 === 0) {
      throwIfAborted(options.signal);
      options.onProgress?.(`Decoding images (${i} of ${files.length})`, i / files.length);
    }
    const image = storedImage(readImageBytes(file.path, maxPixels), file.path, options.input, steps, maxPixels);
    builder.addPixels(i, image.pixels, image, file.label, file.path);
  }
  return builder.result({ images: new Uint8Array(0), labels: new Uint8Array(0), count: 0, height, width, channels });
}

/** Changes to any file (added, removed, edited) or to the input size give a new key. */
function cacheKey(root: string, input: unknown, files: Record<string, ImageFile[]>): string {
  const hash = createHash('sha256').update(JSON.stringify({ root, input, version: 2 }));
  for (const split of Object.keys(files).sort()) {
    for (const f of files[split]) hash.update(`${split}\0${relative(root, f.path)}\0${f.label}\0${f.size}\0${Math.floor(f.mtimeMs)}\n`);
  }
  return hash.digest('hex').slice(0, 32);
}

/**
 * Subfolders, symbolic links to folders included (users link class folders from elsewhere); a link that leads
 * nowhere, loops, or points back to a folder containing it is an error naming it.
 */
async function subfolders(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const names: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory()) names.push(e.name);
    else if (e.isSymbolicLink() && (await statOrThrow(join(dir, e.name))).isDirectory()) {
      await checkNotAncestor(join(dir, e.name), dir);
      names.push(e.name);
    }
  }
  return names.sort();
}

async function checkNotAncestor(link: string, dir: string): Promise<void> {
  const [target, here] = await Promise.all([fs.realpath(link), fs.realpath(dir)]);
  if (here === target || here.startsWith(target.endsWith(sep) ? target : target + sep)) {
    throw new DatasetError(`imagefolder: ${link} is a symbolic link to ${target}, a folder that contains it (a loop): link the class folder itself.`, link);
  }
}

async function statOrThrow(path: string): Promise<Stats> {
  try {
    return await fs.stat(path);
  } catch (error) {
    throw new DatasetError(`imagefolder: ${describeFileError(error, path)}.`, path);
  }
}

async function isFolder(path: string): Promise<boolean> {
  return fs.stat(path).then((s) => s.isDirectory(), () => false);
}
