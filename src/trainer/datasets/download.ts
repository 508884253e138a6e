/**
 * Downloads into the dataset (or weights) cache: streamed to a temporary file with progress, checked against an
 * MD5 or SHA-256 checksum, then renamed into place, so an interrupted download never leaves a file that looks complete.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import { basename, dirname } from 'node:path';
import { DatasetError, messageOf } from './errors';
import type { FetchLike, FetchResponse } from './types';

export interface DownloadOptions {
  fetch?: FetchLike;
  signal?: AbortSignal;
  onProgress?: (message: string, fraction?: number) => void;
  /** Give up on a mirror that has not answered within this time (ms). Default 30 s. */
  connectTimeoutMs?: number;
}

/**
 * A published checksum: a string is an MD5; `digest` may be a prefix of the hex digest (torchvision publishes the
 * first 8 hex digits of each weight file's SHA-256 in its name).
 */
export type Checksum = string | { algorithm: 'md5' | 'sha256'; digest: string };

/** The global fetch, typed down to what we use. */
const defaultFetch: FetchLike = (url, init) => fetch(url, init) as unknown as Promise<FetchResponse>;

/**
 * Downloads the first mirror that works (`urls` are full file URLs) to `dest`, verifying `md5` when given.
 * Throws a DatasetError listing every mirror's failure.
 */
export async function downloadFile(urls: string[], dest: string, md5: Checksum | undefined, options: DownloadOptions): Promise<void> {
  const failures: string[] = [];
  for (const url of urls) {
    try {
      await downloadOne(url, dest, md5, options);
      return;
    } catch (error) {
      if (options.signal?.aborted) throw new DatasetError('Download cancelled.', dest);
      failures.push(`${url}: ${messageOf(error)}`);
    }
  }
  throw new DatasetError(`could not download ${basename(dest)} (${failures.join('; ')})`, dest);
}

async function downloadOne(url: string, dest: string, checksum: Checksum | undefined, options: DownloadOptions): Promise<void> {
  const expected = typeof checksum === 'string' ? { algorithm: 'md5' as const, digest: checksum } : checksum;
  await fs.mkdir(dirname(dest), { recursive: true });
  const response = await fetchWithTimeout(url, options);
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
  const total = Number(response.headers.get('content-length')) || 0;
  const temp = `${dest}.part-${process.pid}`;
  const hash = createHash(expected?.algorithm ?? 'md5');
  if (options.signal?.aborted) throw new Error('cancelled');
  const out = createWriteStream(temp);
  let received = 0;
  let lastReport = 0;
  try {
    for await (const chunk of response.body) {
      if (options.signal?.aborted) throw new Error('cancelled');
      hash.update(chunk);
      received += chunk.length;
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      if (received - lastReport > 1 << 20 || received === total) {
        lastReport = received;
        options.onProgress?.(`Downloading ${basename(dest)} (${(received / 1e6).toFixed(1)} MB)`, total ? received / total : undefined);
      }
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    if (total && received !== total) throw new Error(`incomplete: ${received} of ${total} bytes`);
    const digest = hash.digest('hex');
    if (expected && !digest.startsWith(expected.digest)) throw new Error(`checksum mismatch: ${expected.algorithm.toUpperCase()} ${digest}, expected ${expected.digest}`);
    await fs.rename(temp, dest);
  } catch (error) {
    // A stream destroyed before its file opened still opens (creates) it, then closes: remove it only after that.
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()).destroy());
    await fs.rm(temp, { force: true });
    throw error;
  }
}

/** Fetches with a deadline for the response headers only (a large body may take as long as it needs). */
async function fetchWithTimeout(url: string, options: DownloadOptions): Promise<FetchResponse> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(), options.connectTimeoutMs ?? 30_000);
  try {
    return await (options.fetch ?? defaultFetch)(url, { signal: controller.signal });
  } catch (error) {
    throw new Error(controller.signal.aborted && !options.signal?.aborted ? 'no answer (timed out)' : messageOf(error));
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
