/** Reading dataset files whole, gunzipping when they are gzipped; damage is reported with the file's name. */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { FILE_LIMITS, readUserFile } from '../../files/readUserFile';
import { formatBytes } from '../../language/format';
import { DatasetError, messageOf } from './errors';

const gunzipAsync = promisify(gunzip);

/** True when the bytes start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** A dataset file's bytes (a regular file of at most FILE_LIMITS.dataset bytes; errors name it). */
export function readDatasetFile(file: string): Buffer {
  return readUserFile(file, { maxBytes: FILE_LIMITS.dataset, what: 'dataset file' });
}

/** The file's contents, decompressed when gzipped (whatever its name says). */
export async function readMaybeGzip(file: string): Promise<Buffer> {
  const bytes = readDatasetFile(file);
  return isGzip(bytes) ? gunzipOrThrow(bytes, file) : bytes;
}

/**
 * Gunzips, at most FILE_LIMITS.dataset bytes out (a small file can inflate without end), turning zlib's terse
 * errors (e.g. "unexpected end of file") into one that names the file.
 */
export async function gunzipOrThrow(bytes: Buffer, file: string): Promise<Buffer> {
  try {
    return await gunzipAsync(bytes, { maxOutputLength: FILE_LIMITS.dataset });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new DatasetError(`${file} decompresses to more than ${formatBytes(FILE_LIMITS.dataset)}, more than any dataset file read here: is it the right file?`, file);
    }
    throw new DatasetError(`${file} is a damaged or truncated gzip file (${messageOf(error)}). Delete it and download it again.`, file);
  }
}
