/**
 * Reading a file a user named, whole, without surprises: only regular files (a FIFO or /dev/zero would block or
 * grow without end), at most `maxBytes` (checked before reading and while reading, since /proc files and growing
 * files lie about their size), and every failure as a UserFileError whose message names the file.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { formatBytes } from '../language/format';
import { describeFileError, userFileError, UserFileError, type PathKind } from './fileErrors';

/** Caps of the files read whole (images have their own, derived from the pixel limit: see datasets/imageLimits). */
export const FILE_LIMITS = {
  /** A *.cnn.yaml model file: a few kilobytes in practice. */
  modelFile: 16e6,
  /** summary.json, config.json, a checkpoint's model.json, predictions.json. */
  json: 64e6,
  /** metrics.jsonl of a long run. */
  metrics: 512e6,
  /** A dataset file (IDX, CIFAR batches or archive), compressed or not. */
  dataset: 1e9,
  /** A weight file (.pth, .safetensors): VGG-16's is 528 MB. */
  weights: 2e9,
} as const;

export interface ReadLimits {
  /** Largest size accepted, in bytes. */
  maxBytes: number;
  /** What the file is, for the message: "image", "model file"… */
  what: string;
  /** Appended to the too-large message (e.g. how to raise the limit). */
  hint?: string;
}

// O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer (the type check then refuses it).
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
const CHUNK = 1 << 20;

/** The bytes of the regular file at `path`; throws a UserFileError naming it otherwise. */
export function readUserFile(path: string, limits: ReadLimits): Buffer {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    throw userFileError(error, path);
  }
  try {
    const stats = fstatSync(fd);
    checkRegular(stats, path);
    if (stats.size > limits.maxBytes) throw tooLarge(path, stats.size, limits);
    return readAll(fd, stats.size, path, limits);
  } catch (error) {
    throw userFileError(error, path);
  } finally {
    closeSync(fd);
  }
}

/** The file as UTF-8 text (same checks). */
export function readUserText(path: string, limits: ReadLimits): string {
  return readUserFile(path, limits).toString('utf8');
}

function readAll(fd: number, sizeHint: number, path: string, limits: ReadLimits): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    // One read of the announced size in the usual case; then small reads until the end or the cap.
    const want = Math.min(Math.max(sizeHint - total, CHUNK), limits.maxBytes + 1 - total);
    const chunk = Buffer.allocUnsafe(want);
    const read = readSync(fd, chunk, 0, want, null);
    if (read === 0) break;
    chunks.push(read === want ? chunk : chunk.subarray(0, read));
    total += read;
    if (total > limits.maxBytes) throw tooLarge(path, undefined, limits);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
}

/**
 * What is wrong with `path` as a file to read or a folder to open, in words naming it; undefined when nothing is.
 * For commands that check their arguments before starting (a link loop is not "missing", a folder not "a file").
 */
export function pathProblem(path: string, expected: PathKind): string | undefined {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    return describeFileError(error, path, expected);
  }
  if (expected === 'folder') return stats.isDirectory() ? undefined : `${path} is a file, not a folder`;
  return statsProblem(stats, path);
}

function checkRegular(stats: Stats, path: string): void {
  const problem = statsProblem(stats, path);
  if (problem) throw new UserFileError(problem, path);
}

function statsProblem(stats: Stats, path: string): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return `${path} is a folder, not a file`;
  const what = stats.isFIFO() ? 'a named pipe (FIFO)' : stats.isCharacterDevice() || stats.isBlockDevice() ? 'a device' : stats.isSocket() ? 'a socket' : 'not a regular file';
  return `${path} is ${what}, not a regular file: only regular files are read`;
}

/** `size` is undefined when the file said less than it held (found out while reading). */
function tooLarge(path: string, size: number | undefined, limits: ReadLimits): UserFileError {
  const hint = limits.hint ? ` ${limits.hint}` : '';
  const is = size === undefined ? 'is' : `is ${formatBytes(size)},`;
  return new UserFileError(`${path} ${is} larger than the ${formatBytes(limits.maxBytes)} accepted for a ${limits.what}.${hint}`, path);
}

