/** Errors of the dataset loaders: always a sentence a user can act on, naming the file or folder concerned. */
export class DatasetError extends Error {
  /** The file or folder the problem is about, when there is one. */
  readonly file?: string;

  constructor(message: string, file?: string) {
    super(message);
    this.name = 'DatasetError';
    this.file = file;
  }
}

/** Throws a DatasetError('Cancelled') when the signal has fired, so long loops stop promptly. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DatasetError('Loading the dataset was cancelled.');
}

/** The message of anything thrown, for wrapping low-level errors (zlib, fs) into DatasetErrors. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
