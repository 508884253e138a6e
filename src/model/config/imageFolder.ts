/**
 * The layout of an `imagefolder` dataset, shared by the loader and the analysis: class folders under data.path,
 * or train/ (with optional val/ and test/) each holding them. The analysis lists folders through an injected
 * FolderReader (readdir only, never decoding), so the core stays free of file-system access and deterministic.
 */

/** File extensions imagefolder reads (lower case). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];

/** Split folder names the loader recognises, in order of preference. */
export const SPLIT_FOLDERS: Record<'train' | 'validation' | 'test', readonly string[]> = {
  train: ['train'],
  validation: ['val', 'valid', 'validation'],
  test: ['test'],
};

/** Lists sub-folders for the analysis; the editor and the CLI pass one that resolves paths like the trainer. */
export interface FolderReader {
  /**
   * The visible sub-folder names of `path` (data.path as written, then sub-folder names), sorted; undefined when
   * it is not a folder. A relative data.path is relative to the model file's folder.
   */
  subfolders(path: readonly string[]): string[] | undefined;
  /** Whether the folder holds a PNG or JPEG file (the reader may stop at the first); absent: not checked. */
  hasImages?(path: readonly string[]): boolean;
}

/** What the analysis needs from outside the text; everything is optional. */
export interface AnalysisEnvironment {
  folders?: FolderReader;
  /**
   * The keys and shapes of the weight file `weights:` names (as written: relative to the model file's folder), or
   * why it cannot be read; without it, `weights:` is not checked against the model.
   */
  weights?: (file: string) => { shapes: ReadonlyMap<string, { readonly shape: readonly number[] }> } | { error: string };
}

/** The split folders present among a root's sub-folders; none unless a train/ folder is there. */
export function splitFolders(names: readonly string[]): Partial<Record<keyof typeof SPLIT_FOLDERS, string>> {
  if (!names.includes('train')) return {};
  const found: Partial<Record<keyof typeof SPLIT_FOLDERS, string>> = {};
  for (const [split, candidates] of Object.entries(SPLIT_FOLDERS) as Array<[keyof typeof SPLIT_FOLDERS, readonly string[]]>) {
    const name = candidates.find((c) => names.includes(c));
    if (name) found[split] = name;
  }
  return found;
}

export interface ImageFolderLayout {
  /** Class folder names, sorted (the loader's label order). */
  classes: string[];
  /** Whether a val/ folder provides a validation set. */
  hasValidation: boolean;
  /** Where the class folders are, for messages: "flowers" or "flowers/train". */
  classRoot: string;
  /** Class folders (of train/, val/ and test/ when split) without a PNG or JPEG file, as "flowers/train/tulip". */
  emptyClasses: string[];
}

/** The class folders under `path`, or undefined when `path` is not a folder. */
export function readImageFolder(path: string, reader: FolderReader): ImageFolderLayout | undefined {
  const names = reader.subfolders([path]);
  if (!names) return undefined;
  const splits = splitFolders(names);
  const classDir = splits.train ? [path, splits.train] : [path];
  const classes = reader.subfolders(classDir) ?? [];
  const emptyClasses: string[] = [];
  if (reader.hasImages) {
    const splitDirs = splits.train ? Object.values(splits).map((s) => [path, s]) : [classDir];
    for (const dir of splitDirs) {
      for (const c of reader.subfolders(dir) ?? []) if (!reader.hasImages([...dir, c])) emptyClasses.push([...dir, c].join('/'));
    }
  }
  return { classes, hasValidation: splits.validation !== undefined, classRoot: classDir.join('/'), emptyClasses };
}
