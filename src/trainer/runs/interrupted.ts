/**
 * Runs whose training process died (kill -9, a crash, a reboot): summary.json still says 'running'. Readers see
 * such a run as 'interrupted', with the epochs its checkpoints hold, and the temporary files its atomic writes
 * left behind (a torn weights.bin can weigh 500 MB) are removed when the run is next opened.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunOwner, RunSummary } from '../../protocol/runTypes';
import { ownerGone } from './owner';
import { RUN_FILES } from './store';

/** Temporaries of writeFileAtomic: `.<name>.<pid>.<n>.tmp`. */
const TEMPORARY = /^\..+\.\d+\.\d+\.tmp$/;

/** The summary as readers should see it (see the module comment); removes a dead owner's temporaries. */
export function reconcileSummary(dir: string, summary: RunSummary, nowMs = Date.now()): RunSummary {
  if (summary.status === 'done' || typeof summary.epochsCompleted !== 'number') return summary;
  const epochsCompleted = Math.max(summary.epochsCompleted, checkpointEpoch(join(dir, RUN_FILES.last)) ?? 0);
  const reconciled = { ...summary, epochsCompleted };
  if (summary.status !== 'running' || !isOwner(summary.owner) || !ownerGone(summary.owner, summary.heartbeatAt, nowMs)) return reconciled;
  removeTemporaries(dir);
  const { pid, host } = summary.owner;
  return { ...reconciled, status: 'interrupted', stopReason: `interrupted: the training process (pid ${pid} on ${host}) ended without finishing the run` };
}

function isOwner(v: unknown): v is RunOwner {
  const o = v as RunOwner | null;
  return typeof o === 'object' && o !== null && typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.startedAt === 'string';
}

/** One line for the CLI commands that use an interrupted run; null for any other run. */
export function interruptedNotice(dir: string, summary: RunSummary | null): string | null {
  if (summary?.status !== 'interrupted') return null;
  return `note: ${dir} was interrupted after ${summary.epochsCompleted}/${summary.epochs} epoch(s) (${summary.stopReason?.replace(/^interrupted: /, '') ?? 'its training process ended'}); using its checkpoints as they are`;
}

/** The epoch a checkpoint folder holds (model.json's metadata), or null when unreadable. */
export function checkpointEpoch(checkpointDir: string): number | null {
  try {
    const json = JSON.parse(readFileSync(join(checkpointDir, 'model.json'), 'utf8')) as { userDefinedMetadata?: { epoch?: unknown } };
    const epoch = json?.userDefinedMetadata?.epoch;
    return typeof epoch === 'number' && Number.isInteger(epoch) && epoch >= 0 ? epoch : null;
  } catch {
    return null;
  }
}

/** Removes atomic-write temporaries from the run folder and its checkpoint folders; returns their paths. */
export function removeTemporaries(dir: string): string[] {
  const removed: string[] = [];
  for (const folder of [dir, join(dir, RUN_FILES.best), join(dir, RUN_FILES.last)]) {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      continue;
    }
    for (const name of names.filter((n) => TEMPORARY.test(n))) {
      try {
        rmSync(join(folder, name), { force: true });
        removed.push(join(folder, name));
      } catch {
        // Read-only folder: the run stays readable, the file stays.
      }
    }
  }
  return removed;
}
