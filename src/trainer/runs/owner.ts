/**
 * Who is writing a run: the training process (pid, host, process start time) recorded in summary.json with a
 * heartbeat. A reader on the same host asks the OS whether that process still exists (the start time tells a
 * reused pid apart); on another host (a shared folder) only the heartbeat can tell, so it must be fresh.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { RunOwner } from '../../protocol/runTypes';

/** How often a running run rewrites its heartbeat, and when a remote owner without one counts as gone. */
export const HEARTBEAT_INTERVAL_MS = 10_000;
export const REMOTE_OWNER_TIMEOUT_MS = 120_000;
/** Two readings of one process's start time differ by rounding only. */
const START_TIME_TOLERANCE_MS = 2_000;

/** This process, as the owner of the runs it trains. */
export function currentOwner(): RunOwner {
  const start = processStartMs(process.pid) ?? Date.now() - process.uptime() * 1000;
  return { pid: process.pid, host: hostname(), startedAt: new Date(start).toISOString() };
}

/** True when the owner is certainly gone: its process ended (same host) or its heartbeat went stale (other host). */
export function ownerGone(owner: RunOwner, heartbeatAt: string | undefined, nowMs = Date.now()): boolean {
  if (owner.host !== hostname()) {
    const beat = Date.parse(heartbeatAt ?? '');
    return Number.isFinite(beat) && nowMs - beat > REMOTE_OWNER_TIMEOUT_MS;
  }
  if (!processExists(owner.pid)) return true;
  const started = processStartMs(owner.pid);
  const recorded = Date.parse(owner.startedAt);
  return started !== null && Number.isFinite(recorded) && Math.abs(started - recorded) > START_TIME_TOLERANCE_MS;
}

/** Whether a process with this pid exists on this host (EPERM: it exists but belongs to someone else). */
export function processExists(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A process's start time from /proc (Linux), or null where /proc is not available. */
function processStartMs(pid: number): number | null {
  try {
    // Field 22 of /proc/<pid>/stat, after the parenthesised command name (which may hold spaces): clock ticks since boot.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const boot = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    // USER_HZ is 100 on every Linux that Node supports.
    return boot && Number.isFinite(ticks) ? Number(boot[1]) * 1000 + ticks * 10 : null;
  } catch {
    return null;
  }
}
