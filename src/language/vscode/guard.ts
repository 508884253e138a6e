/** Runs provider code so that a bug or a malformed file never surfaces as an exception in the extension host. */
import type * as vscode from 'vscode';

/** `fn()`, or `fallback` after logging the error under `what`. */
export function guarded<T>(log: vscode.LogOutputChannel, what: string, fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch (error) {
    log.error(`${what} failed`, error);
    return fallback;
  }
}
