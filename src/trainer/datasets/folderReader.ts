/**
 * The FolderReader the editor and the CLI give the analysis: lists sub-folders with one readdir each (no image is
 * opened), resolving a relative data.path against the model file's folder as the loader does.
 */
import { readdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { FolderReader } from '../../model/config/imageFolder';

export function folderReader(modelDir: string): FolderReader {
  return {
    subfolders([path, ...rest]) {
      if (!path) return undefined;
      const dir = join(isAbsolute(path) ? path : resolve(modelDir, path), ...rest);
      try {
        return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
      } catch {
        return undefined;
      }
    },
  };
}
