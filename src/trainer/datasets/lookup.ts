/**
 * Finding dataset files on disk: data.path, then the search paths (the workspace), then
 * /usr/share/datasets (Debian's dataset-* packages), then the cache; each also under the dataset's usual
 * subfolder names. Missing files are downloaded into the cache when allowed; otherwise the error says
 * which files were looked for, where, and where to put them.
 */
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { DatasetError, messageOf } from './errors';
import type { LoadOptions } from './types';

/** Where Debian's dataset packages (e.g. dataset-fashion-mnist) install their files. */
export const SYSTEM_DATASETS = '/usr/share/datasets';

/** One file a loader needs; any of `names` is accepted, each also with a `.gz` suffix. */
export interface FileRequest {
  key: string;
  names: string[];
}

export interface LookupSpec {
  /** The dataset's name, also the cache subfolder. */
  dataset: string;
  /** Subfolders to look into below every searched folder, e.g. ['fashion-mnist', 'FashionMNIST/raw']. */
  subfolders: string[];
  files: FileRequest[];
  /** Downloads the files into `folder` (the dataset's cache folder). */
  download?: (folder: string, options: LoadOptions) => Promise<void>;
  /** Extra advice for the not-found message (e.g. an apt-get hint). */
  hint?: string;
}

/** The folder the files were found in and the path of each requested file, by key. */
export interface Located {
  folder: string;
  files: Record<string, string>;
}

/** The cache folder (downloads, decoded imagefolder data). */
export function cacheRoot(options: LoadOptions): string {
  return options.cacheDir ?? join(homedir(), '.cache', 'cnn-lab', 'datasets');
}

/** data.path resolved against baseDir, or undefined. */
export function explicitPath(options: LoadOptions): string | undefined {
  const path = options.data.path;
  if (!path) return undefined;
  return isAbsolute(path) ? path : resolve(options.baseDir ?? process.cwd(), path);
}

/** Finds the files (downloading them when allowed) or throws a DatasetError that says what to do. */
export async function locateFiles(spec: LookupSpec, options: LoadOptions): Promise<Located> {
  const bases = searchBases(options);
  const partial: string[] = [];
  for (const folder of candidateFolders(bases, spec.subfolders)) {
    const found = findAll(folder, spec.files);
    if (found.missing.length === 0) return { folder, files: found.files };
    if (found.missing.length < spec.files.length) partial.push(`${folder} has only some of them (missing ${found.missing.join(', ')})`);
  }
  let downloadError = '';
  const cacheFolder = join(cacheRoot(options), spec.dataset);
  if (spec.download && options.download !== false) {
    try {
      await spec.download(cacheFolder, options);
      for (const folder of candidateFolders([cacheFolder], spec.subfolders)) {
        const found = findAll(folder, spec.files);
        if (found.missing.length === 0) return { folder, files: found.files };
      }
      downloadError = 'the download did not produce the expected files';
    } catch (error) {
      if (options.signal?.aborted) throw error;
      downloadError = messageOf(error);
    }
  }
  throw new DatasetError(notFoundMessage(spec, bases, partial, cacheFolder, downloadError), options.data.path);
}

function searchBases(options: LoadOptions): string[] {
  const explicit = explicitPath(options);
  return [...(explicit ? [explicit] : []), ...(options.searchPaths ?? []), options.systemDir ?? SYSTEM_DATASETS, cacheRoot(options)];
}

/** Every base folder itself, then its dataset subfolders, without duplicates. */
function candidateFolders(bases: string[], subfolders: string[]): string[] {
  const out: string[] = [];
  for (const base of bases) for (const sub of ['', ...subfolders]) out.push(join(base, sub));
  return [...new Set(out)];
}

function findAll(folder: string, files: FileRequest[]): { files: Record<string, string>; missing: string[] } {
  const found: Record<string, string> = {};
  const missing: string[] = [];
  if (!isFolder(folder)) return { files: found, missing: files.map((f) => f.names[0]) };
  for (const request of files) {
    const path = request.names.flatMap((n) => [n, `${n}.gz`]).map((n) => join(folder, n)).find((p) => existsSync(p));
    if (path) found[request.key] = path;
    else missing.push(request.names[0]);
  }
  return { files: found, missing };
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function notFoundMessage(spec: LookupSpec, bases: string[], partial: string[], cacheFolder: string, downloadError: string): string {
  const names = spec.files.map((f) => f.names[0]).join(', ');
  const lines = [
    `${spec.dataset}: could not find the files ${names} (each may also be gzipped, .gz).`,
    `Searched: ${bases.join(', ')} (and in each, the subfolders ${spec.subfolders.map((s) => `${s}/`).join(', ')}).`,
    ...partial,
  ];
  if (downloadError) lines.push(`Downloading them into ${cacheFolder} failed: ${downloadError}`);
  lines.push(`Put the files in one of these folders, or set data.path to the folder that holds them.`);
  if (spec.hint) lines.push(spec.hint);
  return lines.join('\n');
}
