/**
 * Follows a run's metrics.jsonl while another process appends to it (a PyTorch run): complete new lines are parsed
 * and handed over, a partial last line waits for its end. Polls (fs.watch misses appends on network file systems).
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type { MetricRecord } from '../../protocol/runTypes';

export interface Follower {
  /** Reads what is new now (also called on every tick). */
  poll(): void;
  dispose(): void;
}

/** Follows `path` from its current end (what is already there, the panel reads from the file itself). */
export function followMetrics(path: string, onRecord: (record: MetricRecord) => void, intervalMs = 500): Follower {
  let offset = existsSync(path) ? statSync(path).size : 0;
  let pending = '';
  const poll = (): void => {
    if (!existsSync(path)) return;
    const size = statSync(path).size;
    if (size <= offset) return;
    const fd = openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(size - offset);
      offset += readSync(fd, buffer, 0, buffer.length, offset);
      pending += buffer.toString('utf8');
    } finally {
      closeSync(fd);
    }
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      try {
        const record = JSON.parse(line) as MetricRecord;
        if (record && (record.kind === 'batch' || record.kind === 'epoch')) onRecord(record);
      } catch {
        // A line that is not JSON is not a metric: skip it, as the run readers do.
      }
    }
  };
  const timer = setInterval(poll, intervalMs);
  return { poll, dispose: () => clearInterval(timer) };
}
