/**
 * What one export format is: `cnnlab export RUN --format <name> --out <path>` and the editor's Export action look
 * formats up in the registry (registry.ts) and hand them an `ExportSource`; a format writes files and says which.
 * One module per format (src/export/<format>/), one entry in the registry.
 */
import type { ExportSource } from './source';

export interface ExportFormat {
  /** The `--format` value, e.g. `pytorch`. */
  name: string;
  /** One line for `cnnlab export --help` and the editor's format pick. */
  summary: string;
  /** What `--out` names: a folder the format fills (created when missing), or the one file it writes. */
  out: 'folder' | 'file';
  /** Writes the export to `out` (an absolute path); returns the files written, for the user. */
  write(source: ExportSource, out: string): Promise<ExportResult>;
}

export interface ExportResult {
  /** Absolute paths of the files written. */
  files: string[];
  /** Lines for the user (what to run next, what was approximated). */
  notes: string[];
  /** The file to open first in an editor (the folder's guide or page); none for a binary export. */
  open?: string;
}

/** An export that cannot be made from this run; the message says why (the CLI prints it and exits 1). */
export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}
