/**
 * The FolderReader the editor and the CLI give the analysis: lists sub-folders with one readdir each (no image is
 * opened), resolving a relative data.path against the model file's folder as the loader does.
 */
import { opendirSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { extname, isAbsolute, join, resolve } from 'node:path';
import { IMAGE_EXTENSIONS, type FolderReader } from '../../model/config/imageFolder';

export function folderReader(modelDir: string): FolderReader {
  const at = ([path, ...rest]: readonly string[]): string | undefined => (path ? join(isAbsolute(path) ? path : resolve(modelDir, path), ...rest) : undefined);
  return {
    subfolders(path) {
      const dir = at(path);
      if (!dir) return undefined;
      try {
        return readdirSync(dir, { withFileTypes: true }).filter((e) => !e.name.startsWith('.') && isFolder(dir, e)).map((e) => e.name).sort();
      } catch {
        return undefined;
      }
    },
    hasImages(path) {
      const dir = at(path);
      return dir !== undefined && holdsImage(dir);
    },
  };
}

/** Whether `dir` holds a file (or a link to one) with an image extension; reads entries until the first. */
function holdsImage(dir: string): boolean {
  let handle;
  try {
    handle = opendirSync(dir);
    for (let e = handle.readSync(); e; e = handle.readSync()) {
      if (!IMAGE_EXTENSIONS.includes(extname(e.name).toLowerCase())) continue;
      if (e.isFile() || (e.isSymbolicLink() && isFile(join(dir, e.name)))) return true;
    }
    return false;
  } catch {
    return true; // unreadable: the loader reports it in its own words
  } finally {
    handle?.closeSync();
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
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
