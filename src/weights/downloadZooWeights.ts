/**
 * Fetching torchvision's published weights for a zoo model (ZOO_WEIGHTS) into torch hub's cache: the core under
 * `cnnlab weights download` and the editor's "Download Pretrained Weights". A file already there is used as is;
 * the SHA-256 prefix torchvision publishes is checked; a failed download names the URL and where to put the file.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { downloadFile } from '../trainer/datasets/download';
import type { FetchLike } from '../trainer/datasets/types';
import { weightsCacheDir, ZOO_WEIGHTS, type ZooWeights } from './zooWeights';

export interface ZooDownloadOptions {
  /** Default: torch hub's checkpoint folder. */
  dir?: string;
  /** Replaces the network in tests. */
  fetch?: FetchLike;
  signal?: AbortSignal;
  onProgress?(message: string, fraction?: number): void;
}

export interface ZooDownload {
  path: string;
  /** True when the file was already there. */
  cached: boolean;
}

/** A download that failed; the message says what happened and, unless cancelled, how to do it by hand. */
export class ZooDownloadError extends Error {
  constructor(message: string, readonly url: string, readonly dest: string, readonly cancelled: boolean) {
    super(message);
    this.name = 'ZooDownloadError';
  }
}

/** The published file of `name` and where it goes (undefined for a name without published weights). */
export function zooWeightsTarget(name: string, dir = weightsCacheDir()): (ZooWeights & { dest: string }) | undefined {
  const published = Object.hasOwn(ZOO_WEIGHTS, name) ? ZOO_WEIGHTS[name] : undefined;
  return published && { ...published, dest: join(dir, basename(published.url)) };
}

/** Downloads the weights of zoo model `name` (a key of ZOO_WEIGHTS); throws ZooDownloadError. */
export async function downloadZooWeights(name: string, options: ZooDownloadOptions = {}): Promise<ZooDownload> {
  const target = zooWeightsTarget(name, options.dir);
  if (!target) throw new Error(`no published weights for '${name}' (known: ${Object.keys(ZOO_WEIGHTS).join(', ')})`);
  const { url, sha256, dest } = target;
  if (existsSync(dest)) return { path: dest, cached: true };
  try {
    await downloadFile([url], dest, { algorithm: 'sha256', digest: sha256 }, { fetch: options.fetch, signal: options.signal, onProgress: options.onProgress });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (options.signal?.aborted) throw new ZooDownloadError(`Download of ${basename(dest)} cancelled.`, url, dest, true);
    throw new ZooDownloadError(`${message}\nWithout internet: fetch ${url} elsewhere and put it at ${dest} (its SHA-256 starts with ${sha256}).`, url, dest, false);
  }
  return { path: dest, cached: false };
}
