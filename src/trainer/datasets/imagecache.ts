/**
 * The imagefolder cache: decoded splits in one binary file (a JSON header, then labels and pixels of each
 * split). Written to a temporary file and renamed; an unreadable or inconsistent cache is ignored and rebuilt.
 */
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { imageSize } from './imageset';
import type { ImageSet } from './types';

const MAGIC = 'CNNLAB-IMAGEFOLDER-1';
const SPLITS = ['train', 'validation', 'test', 'trainForTest'] as const;
type SplitName = (typeof SPLITS)[number];

/** Decoded imagefolder splits; validation and test exist when the folder had val/ and test/. */
export interface CachedSplits {
  classes: string[];
  train: ImageSet;
  validation?: ImageSet;
  test?: ImageSet;
  /** train/ stored with the test pipeline's first steps (for validation and test images carved from it). */
  trainForTest?: ImageSet;
}

interface Header {
  magic: string;
  classes: string[];
  splits: Array<{ name: SplitName; count: number; height: number; width: number; channels: number }>;
}

/** Writes the splits to `file` atomically. */
export async function writeImageCache(file: string, splits: CachedSplits): Promise<void> {
  const parts = SPLITS.flatMap((name) => (splits[name] ? [{ name, set: splits[name] as ImageSet }] : []));
  const header: Header = {
    magic: MAGIC,
    classes: splits.classes,
    splits: parts.map(({ name, set }) => ({ name, count: set.count, height: set.height, width: set.width, channels: set.channels })),
  };
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  const chunks = [length, json, ...parts.flatMap(({ set }) => [set.labels.subarray(0, set.count), set.images.subarray(0, set.count * imageSize(set))])];
  await fs.mkdir(dirname(file), { recursive: true });
  const temp = `${file}.part-${process.pid}`;
  await fs.writeFile(temp, Buffer.concat(chunks));
  await fs.rename(temp, file);
}

/** Reads a cache file; undefined when it is missing or does not hold exactly what its header says. */
export async function readImageCache(file: string): Promise<CachedSplits | undefined> {
  const bytes = await fs.readFile(file).catch(() => undefined);
  if (!bytes || bytes.length < 4) return undefined;
  const length = bytes.readUInt32LE(0);
  let header: Header;
  try {
    header = JSON.parse(bytes.subarray(4, 4 + length).toString('utf8')) as Header;
  } catch {
    return undefined;
  }
  if (header.magic !== MAGIC) return undefined;
  const sets: Partial<Record<SplitName, ImageSet>> = {};
  let at = 4 + length;
  for (const s of header.splits) {
    const size = s.count * s.height * s.width * s.channels;
    if (at + s.count + size > bytes.length) return undefined;
    const labels = new Uint8Array(bytes.subarray(at, at + s.count));
    const images = new Uint8Array(bytes.subarray(at + s.count, at + s.count + size));
    at += s.count + size;
    sets[s.name] = { images, labels, count: s.count, height: s.height, width: s.width, channels: s.channels };
  }
  if (at !== bytes.length || !sets.train) return undefined;
  return { classes: header.classes, train: sets.train, validation: sets.validation, test: sets.test, trainForTest: sets.trainForTest };
}
