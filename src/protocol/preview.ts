/** A short, never-throwing rendering of a message for logs (malformed messages may be cyclic or huge). */
export function previewMessage(raw: unknown, max = 200): string {
  try {
    return (JSON.stringify(raw) ?? String(raw)).slice(0, max);
  } catch {
    return String(raw).slice(0, max);
  }
}
