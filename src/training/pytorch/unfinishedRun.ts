/**
 * A run train.py did not end itself (killed after Stop's grace period, or torchrun died): its summary.json still
 * says 'running'. The editor knows why the processes ended, so it records that instead of leaving readers to
 * guess 'interrupted'. The checkpoints of the finished epochs stay as they are. Pure: no vscode.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '../../protocol/runTypes';
import { writeJsonAtomic } from '../../trainer/runs/atomic';
import { checkpointEpoch } from '../../trainer/runs/interrupted';
import { RUN_FILES } from '../../trainer/runs/store';

export interface ProcessEnd {
  /** True when the user pressed Stop. */
  stopping: boolean;
  /** How torchrun ended: `exit code N` or the signal's name. */
  how: string;
  /** Seconds train.py had to stop by itself before it was killed, when it was. */
  killedAfterSeconds?: number;
}

/** Records the end of a run left 'running'; returns the summary written, or undefined when train.py ended it. */
export function endUnfinishedRun(runDir: string, end: ProcessEnd, now = new Date()): RunSummary | undefined {
  const file = join(runDir, RUN_FILES.summary);
  let summary: RunSummary;
  try {
    summary = JSON.parse(readFileSync(file, 'utf8')) as RunSummary;
  } catch {
    return undefined;
  }
  if (summary.status !== 'running') return undefined;
  const epochsCompleted = Math.max(summary.epochsCompleted ?? 0, checkpointEpoch(join(runDir, RUN_FILES.last)) ?? 0);
  const killed = end.killedAfterSeconds !== undefined ? `; train.py did not stop within ${end.killedAfterSeconds} s and was killed` : '';
  const ended: RunSummary = end.stopping
    ? { ...summary, status: 'stopped', stopReason: `stopped from the editor (torchrun ${end.how}${killed})` }
    : { ...summary, status: 'failed', error: `torchrun ended (${end.how}) before train.py recorded the end of the run; see the output channel "CNN Lab: PyTorch"` };
  const at = now.toISOString();
  const written = { ...ended, epochsCompleted, finishedAt: at, updatedAt: at };
  writeJsonAtomic(file, written);
  return written;
}
