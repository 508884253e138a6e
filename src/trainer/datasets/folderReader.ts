/**
 * The FolderReader the editor and the CLI give the analysis: lists sub-folders with one readdir each (no image is
 * opened), resolving a relative data.path against the model file's folder as the loader does.
 */
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { FolderReader } from '../../model/config/imageFolder';

export function folderReader(modelDir: string): FolderReader {
  return {
    subfolders([path, ...rest]) {
      if (!path) return undefined;
      const dir = join(isAbsolute(path) ? path : resolve(modelDir, path), ...rest);
      try {
        return readdirSync(dir, { withFileTypes: true }).filter((e) => !e.name.startsWith('.') && isFolder(dir, e)).map((e) => e.name).sort();
      } catch {
        return undefined;
      }
    },
  };
}

/** A folder, or a symbolic link to one: training follows symlinked class folders, so the count must too. */
function isFolder(dir: string, entry: Dirent): boolean {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return statSync(join(dir, entry.name)).isDirectory();
  } catch {
    return false; // a dangling link or a loop: the loader reports it
  }
}
