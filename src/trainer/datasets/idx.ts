/**
 * MNIST and Fashion-MNIST in the IDX format (gzipped or not). Headers, dimensions and exact byte lengths are
 * checked, so that a damaged file is an error naming it instead of a silently partial dataset.
 */
import { join } from 'node:path';
import { DATASET_INFO } from '../../model/config/datasets';
import { downloadFile } from './download';
import { DatasetError } from './errors';
import { locateFiles, type LookupSpec } from './lookup';
import { readMaybeGzip } from './read';
import type { ImageSet, LoadOptions } from './types';

export type IdxDatasetName = 'mnist' | 'fashion-mnist';

export const MNIST_CLASSES = [...(DATASET_INFO.mnist.classes ?? [])];
export const FASHION_MNIST_CLASSES = [...(DATASET_INFO['fashion-mnist'].classes ?? [])];

interface IdxSource {
  classes: string[];
  subfolders: string[];
  mirrors: string[];
  /** MD5 of the canonical .gz files (as torchvision checks them). */
  md5: Record<string, string>;
  hint?: string;
}

const SOURCES: Record<IdxDatasetName, IdxSource> = {
  mnist: {
    classes: MNIST_CLASSES,
    subfolders: ['mnist', 'MNIST/raw', 'MNIST'],
    mirrors: ['https://ossci-datasets.s3.amazonaws.com/mnist/', 'https://storage.googleapis.com/cvdf-datasets/mnist/'],
    md5: {
      'train-images-idx3-ubyte': 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
      'train-labels-idx1-ubyte': 'd53e105ee54ea40749a09fcbcd1e9432',
      't10k-images-idx3-ubyte': '9fb629c4189551a2d022fa330f9573f3',
      't10k-labels-idx1-ubyte': 'ec29112dd5afa0611ce80d1b7f02629c',
    },
  },
  'fashion-mnist': {
    classes: FASHION_MNIST_CLASSES,
    subfolders: ['fashion-mnist', 'FashionMNIST/raw', 'FashionMNIST', 'fashion_mnist'],
    mirrors: ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'],
    md5: {
      'train-images-idx3-ubyte': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
      'train-labels-idx1-ubyte': '25c81989df183df01b3e8a0aad5dffbe',
      't10k-images-idx3-ubyte': 'bef4ecab320f06d8554ea6380940ec79',
      't10k-labels-idx1-ubyte': 'bb300cfdad3c16e7a12a480ee83cd310',
    },
    hint: 'On Debian/Ubuntu, `sudo apt-get install dataset-fashion-mnist` installs them in /usr/share/datasets/fashion-mnist.',
  },
};

const FILES = [
  { key: 'trainImages', names: ['train-images-idx3-ubyte', 'train-images.idx3-ubyte'] },
  { key: 'trainLabels', names: ['train-labels-idx1-ubyte', 'train-labels.idx1-ubyte'] },
  { key: 'testImages', names: ['t10k-images-idx3-ubyte', 't10k-images.idx3-ubyte', 'test-images-idx3-ubyte'] },
  { key: 'testLabels', names: ['t10k-labels-idx1-ubyte', 't10k-labels.idx1-ubyte', 'test-labels-idx1-ubyte'] },
];

/** Class names of an IDX dataset. */
export function idxClasses(name: IdxDatasetName): string[] {
  return SOURCES[name].classes;
}

/** Finds (or downloads) and reads the four IDX files; returns native 28×28×1 train and test sets. */
export async function loadIdxDataset(name: IdxDatasetName, options: LoadOptions): Promise<{ train: ImageSet; test: ImageSet; folder: string }> {
  const source = SOURCES[name];
  const spec: LookupSpec = {
    dataset: name,
    subfolders: source.subfolders,
    files: FILES,
    hint: source.hint,
    download: (folder, opts) => downloadIdx(source, folder, opts),
  };
  const { folder, files } = await locateFiles(spec, options);
  options.onProgress?.(`Reading ${name} from ${folder}`, 0);
  const train = await readIdxPair(files.trainImages, files.trainLabels, source.classes.length);
  options.onProgress?.(`Reading ${name} from ${folder}`, 0.8);
  const test = await readIdxPair(files.testImages, files.testLabels, source.classes.length);
  return { train, test, folder };
}

async function downloadIdx(source: IdxSource, folder: string, options: LoadOptions): Promise<void> {
  for (const [name, md5] of Object.entries(source.md5)) {
    const file = `${name}.gz`;
    await downloadFile(source.mirrors.map((m) => m + file), join(folder, file), md5, options);
  }
}

/** Reads an images file and its labels file into one ImageSet, checking that they agree. */
export async function readIdxPair(imagesFile: string, labelsFile: string, classCount: number): Promise<ImageSet> {
  const images = parseIdx(await readMaybeGzip(imagesFile), imagesFile, 3);
  const labels = parseIdx(await readMaybeGzip(labelsFile), labelsFile, 1);
  const [count, height, width] = images.dims;
  if (labels.dims[0] !== count) {
    throw new DatasetError(`${labelsFile} has ${labels.dims[0]} labels but ${imagesFile} has ${count} images.`, labelsFile);
  }
  const bad = labels.data.findIndex((l) => l >= classCount);
  if (bad >= 0) throw new DatasetError(`${labelsFile}: label ${labels.data[bad]} at index ${bad} is not a class (0–${classCount - 1}).`, labelsFile);
  return { images: images.data, labels: labels.data, count, height, width, channels: 1 };
}

/** Parses an unsigned-byte IDX file with `rank` dimensions; the length must match the header exactly. */
export function parseIdx(bytes: Uint8Array, file: string, rank: number): { dims: number[]; data: Uint8Array } {
  const header = 4 + 4 * rank;
  if (bytes.length < header || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08 || bytes[3] !== rank) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
    throw new DatasetError(`${file} is not an IDX file of unsigned bytes with ${rank} dimension(s) (magic number 0x${magic}, expected 0x0000080${rank}).`, file);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const expected = header + dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'truncated' : 'longer than its header says';
    throw new DatasetError(`${file} is ${what}: ${bytes.length} bytes, expected ${expected} for dimensions ${dims.join('×')}.`, file);
  }
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + header, expected - header) };
}
