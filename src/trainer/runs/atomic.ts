/**
 * Atomic file writes: write a temporary file in the same folder, then rename it over the target. A run killed at
 * any moment leaves either the old or the new file, never a torn one.
 */
import { appendFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let sequence = 0;

/** Writes `data` to `path` through a temporary sibling and a rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  sequence += 1;
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${sequence}.tmp`);
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/** Writes a JSON document atomically, pretty-printed for people who open it. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Appends one JSON line. A single append of a complete line: a kill can at worst truncate the last line, which
 * readers skip (see readJsonLines).
 */
export function appendJsonLine(path: string, value: unknown): void {
  appendFileSync(path, `${JSON.stringify(value)}\n`);
}
