/**
 * File-system errors in our words. Node's messages ("EISDIR: illegal operation on a directory, read",
 * "ELOOP: too many symbolic links encountered, stat '…'") are system jargon and sometimes omit the path;
 * every place that reads a path a user gave says instead what is wrong with which file.
 */

/** An error about a file or folder the user named; the message is a sentence that names it. */
export class UserFileError extends Error {
  constructor(message: string, readonly file: string, readonly code?: string) {
    super(message);
    this.name = 'UserFileError';
  }
}

/** What the path was expected to be, so that "is a folder" / "is a file" can say what was wanted. */
export type PathKind = 'file' | 'folder';

/** A sentence naming `path` for a Node file-system error (errno code) or anything else thrown while reading it. */
export function describeFileError(error: unknown, path: string, expected: PathKind = 'file'): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return `${path} does not exist`;
    case 'ENOTDIR':
      return expected === 'folder' ? `${path} is a file, not a folder` : `${path} does not exist (a part of its path is a file, not a folder)`;
    case 'EISDIR':
      return `${path} is a folder, not a file`;
    case 'ELOOP':
      return `${path} is a symbolic link that leads back to itself (a link loop)`;
    case 'EACCES':
    case 'EPERM':
      return `${path} cannot be read: permission denied`;
    case 'ENAMETOOLONG':
      return `${path} cannot be read: the path is too long`;
    case 'EMFILE':
    case 'ENFILE':
      return `${path} cannot be read: too many files are open`;
    case 'ENXIO':
    case 'ENODEV':
      return `${path} is not a regular file`;
    case 'EIO':
      return `${path} cannot be read: input/output error (a failing disk or network drive?)`;
    default:
      return `${path} cannot be read (${code ?? (error instanceof Error ? error.message : String(error))})`;
  }
}

/** Wraps an error thrown while reading `path` into a UserFileError (kept as is when it already is one). */
export function userFileError(error: unknown, path: string, expected: PathKind = 'file'): UserFileError {
  if (error instanceof UserFileError) return error;
  return new UserFileError(describeFileError(error, path, expected), path, (error as NodeJS.ErrnoException | undefined)?.code);
}
