/**
 * CIFAR-10, binary version: data_batch_1…5.bin and test_batch.bin, records of one label byte and
 * 3072 pixel bytes in CHW order (converted to HWC here). Downloaded as the canonical tar.gz when missing.
 */
import { promises as fs } from 'node:fs';
import { basename, join } from 'node:path';
import { DATASET_INFO } from '../../model/config/datasets';
import { downloadFile } from './download';
import { DatasetError } from './errors';
import { concatSets } from './imageset';
import { locateFiles, type LookupSpec } from './lookup';
import { gunzipOrThrow, readDatasetFile, readMaybeGzip } from './read';
import { readTar } from './tar';
import type { ImageSet, LoadOptions } from './types';

export const CIFAR10_CLASSES = [...(DATASET_INFO.cifar10.classes ?? [])];

const ARCHIVE_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
const ARCHIVE_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';
const SIDE = 32;
const RECORD = 1 + 3 * SIDE * SIDE;
const TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
const TEST_FILE = 'test_batch.bin';

const SPEC: LookupSpec = {
  dataset: 'cifar10',
  subfolders: ['cifar-10-batches-bin', 'cifar10', 'cifar10/cifar-10-batches-bin', 'cifar-10', 'cifar-10/cifar-10-batches-bin'],
  files: [...TRAIN_FILES, TEST_FILE].map((name) => ({ key: name, names: [name] })),
  download: downloadCifar,
};

/** Finds (or downloads) and reads CIFAR-10; returns native 32×32×3 train and test sets. */
export async function loadCifar10(options: LoadOptions): Promise<{ train: ImageSet; test: ImageSet; folder: string }> {
  const { folder, files } = await locateFiles(SPEC, options);
  const parts: ImageSet[] = [];
  for (const [i, name] of TRAIN_FILES.entries()) {
    options.onProgress?.(`Reading cifar10 from ${folder}`, i / 6);
    parts.push(parseCifarBatch(await readMaybeGzip(files[name]), files[name]));
  }
  const test = parseCifarBatch(await readMaybeGzip(files[TEST_FILE]), files[TEST_FILE]);
  return { train: concatSets(parts), test, folder };
}

/** Parses one binary batch file; its length must be a whole number of records and labels must be 0–9. */
export function parseCifarBatch(bytes: Uint8Array, file: string): ImageSet {
  if (bytes.length === 0 || bytes.length % RECORD !== 0) {
    throw new DatasetError(`${file} is not a CIFAR-10 binary batch: ${bytes.length} bytes is not a multiple of the ${RECORD}-byte record (truncated?).`, file);
  }
  const count = bytes.length / RECORD;
  const plane = SIDE * SIDE;
  const images = new Uint8Array(count * plane * 3);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const at = i * RECORD;
    if (bytes[at] > 9) throw new DatasetError(`${file}: record ${i} has label ${bytes[at]}, expected 0–9 (not a CIFAR-10 file?).`, file);
    labels[i] = bytes[at];
    const out = i * plane * 3;
    for (let p = 0; p < plane; p++) {
      images[out + p * 3] = bytes[at + 1 + p];
      images[out + p * 3 + 1] = bytes[at + 1 + plane + p];
      images[out + p * 3 + 2] = bytes[at + 1 + 2 * plane + p];
    }
  }
  return { images, labels, count, height: SIDE, width: SIDE, channels: 3 };
}

async function downloadCifar(folder: string, options: LoadOptions): Promise<void> {
  const archive = join(folder, basename(ARCHIVE_URL));
  await downloadFile([ARCHIVE_URL], archive, ARCHIVE_MD5, options);
  options.onProgress?.(`Unpacking ${archive}`);
  await extractCifarArchive(archive, folder);
  await fs.rm(archive, { force: true });
}

/** Extracts the batch files of a cifar-10-binary.tar.gz into `folder`/cifar-10-batches-bin. */
export async function extractCifarArchive(archive: string, folder: string): Promise<void> {
  const tar = await gunzipOrThrow(readDatasetFile(archive), archive);
  const out = join(folder, 'cifar-10-batches-bin');
  await fs.mkdir(out, { recursive: true });
  const wanted = new Set([...TRAIN_FILES, TEST_FILE, 'batches.meta.txt']);
  for (const entry of readTar(tar, archive)) {
    const name = entry.path.split('/').pop() ?? '';
    if (!wanted.has(name)) continue;
    // Temp file + rename: a killed extraction never leaves a short batch file behind.
    const temp = join(out, `${name}.part-${process.pid}`);
    await fs.writeFile(temp, entry.data);
    await fs.rename(temp, join(out, name));
  }
}
