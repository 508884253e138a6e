/** Reading dataset files whole, gunzipping when they are gzipped; damage is reported with the file's name. */
import { promises as fs } from 'node:fs';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { DatasetError, messageOf } from './errors';

const gunzipAsync = promisify(gunzip);

/** True when the bytes start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The file's contents, decompressed when gzipped (whatever its name says). */
export async function readMaybeGzip(file: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    throw new DatasetError(`Cannot read ${file}: ${messageOf(error)}`, file);
  }
  return isGzip(bytes) ? gunzipOrThrow(bytes, file) : bytes;
}

/** Gunzips, turning zlib's terse errors (e.g. "unexpected end of file") into one that names the file. */
export async function gunzipOrThrow(bytes: Buffer, file: string): Promise<Buffer> {
  try {
    return await gunzipAsync(bytes);
  } catch (error) {
    throw new DatasetError(`${file} is a damaged or truncated gzip file (${messageOf(error)}). Delete it and download it again.`, file);
  }
}
