/**
 * Telling a killed run from a running one: the owner recorded in summary.json (pid, host, process start time) and
 * its heartbeat; a 'running' summary whose owner is gone reads as interrupted, with the epochs of last/.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { RunSummary } from '../../src/protocol/runTypes';
import { interruptedNotice, reconcileSummary } from '../../src/trainer/runs/interrupted';
import { currentOwner, ownerGone, REMOTE_OWNER_TIMEOUT_MS } from '../../src/trainer/runs/owner';

const root = mkdtempSync(join(tmpdir(), 'cnnlab-owner-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid as number;
}

describe('run owners', () => {
  it('this process is alive; an exited one, or one whose pid was reused, is gone', () => {
    const me = currentOwner();
    assert.equal(me.pid, process.pid);
    assert.ok(Math.abs(Date.parse(me.startedAt) - (Date.now() - process.uptime() * 1000)) < 2_000, me.startedAt);
    assert.equal(ownerGone(me, undefined), false);
    assert.equal(ownerGone({ ...me, pid: deadPid() }, new Date().toISOString()), true);
    // Same pid, another start time: the pid now belongs to another process (Linux /proc tells).
    const reused = { ...me, startedAt: new Date(Date.parse(me.startedAt) - 3_600_000).toISOString() };
    assert.equal(ownerGone(reused, new Date().toISOString()), process.platform === 'linux');
  });

  it('on another host only the heartbeat tells', () => {
    const remote = { pid: 1, host: `${hostname()}-elsewhere`, startedAt: '2026-01-01T00:00:00Z' };
    const now = Date.parse('2026-06-01T12:00:00Z');
    assert.equal(ownerGone(remote, new Date(now - 10_000).toISOString(), now), false);
    assert.equal(ownerGone(remote, new Date(now - REMOTE_OWNER_TIMEOUT_MS - 1).toISOString(), now), true);
  });

  it('a running summary of a gone owner reads as interrupted with the epochs of last/', () => {
    const dir = join(root, 'run');
    mkdirSync(join(dir, 'last'), { recursive: true });
    writeFileSync(join(dir, 'last', 'model.json'), JSON.stringify({ userDefinedMetadata: { epoch: 3 } }));
    const summary = { status: 'running', epochs: 10, epochsCompleted: 2, owner: { ...currentOwner(), pid: deadPid() }, heartbeatAt: new Date().toISOString() } as RunSummary;
    const read = reconcileSummary(dir, summary);
    assert.equal(read.status, 'interrupted');
    assert.equal(read.epochsCompleted, 3, 'the epochs of last/, not the stale counter');
    assert.match(interruptedNotice(dir, read) ?? '', /was interrupted after 3\/10 epoch\(s\) \(the training process \(pid \d+ on .+\) ended without finishing the run\)/);
    // Alive owner: still running, but the counter never lags behind last/.
    const alive = reconcileSummary(dir, { ...summary, owner: currentOwner() });
    assert.equal(alive.status, 'running');
    assert.equal(alive.epochsCompleted, 3);
    // Runs recorded before owners existed are left to the runs view's staleness rule; done runs are untouched.
    assert.equal(reconcileSummary(dir, { ...summary, owner: undefined }).status, 'running');
    assert.equal(reconcileSummary(dir, { ...summary, status: 'done' }).epochsCompleted, 2);
    assert.equal(interruptedNotice(dir, alive), null);
  });
});
