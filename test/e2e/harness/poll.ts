/** Waiting by polling, never by sleeping a fixed time: the editor is ready when it says so, not after N seconds. */

/** What a probe saw last, for the timeout message. */
export interface Seen<T> {
  value?: T;
  /** Shown in the timeout message when the probe did not succeed. */
  saw?: string;
}

/**
 * Calls `probe` every `intervalMs` until it returns a value other than undefined/false, and resolves with it.
 * Throws after `timeoutMs` with `what` and the last thing the probe reported (its `saw` text or its error).
 */
export async function poll<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  { timeoutMs = 30_000, intervalMs = 250, saw }: { timeoutMs?: number; intervalMs?: number; saw?: () => Promise<string> } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = saw ? await saw() : '';
    } catch (error) {
      last = error instanceof Error ? error.message.split('\n')[0] : String(error);
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `; last saw: ${last}` : ''}`);
}
