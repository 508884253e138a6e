/**
 * The default number of data-parallel workers: the machine's physical cores. Hyper-threads share one core's
 * arithmetic units, and a training step keeps them busy, so a second thread on the same core adds little (PyTorch
 * defaults to the physical cores for the same reason). Linux: distinct (physical id, core id) pairs of
 * /proc/cpuinfo; elsewhere the logical CPUs Node sees.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

export function physicalCores(cpuinfo: string | null = readCpuinfo()): number {
  const logical = availableParallelism();
  if (!cpuinfo) return logical;
  const cores = new Set<string>();
  for (const block of cpuinfo.split(/\n\s*\n/)) {
    const physical = /^physical id\s*:\s*(\d+)/m.exec(block)?.[1];
    const core = /^core id\s*:\s*(\d+)/m.exec(block)?.[1];
    if (physical !== undefined && core !== undefined) cores.add(`${physical}:${core}`);
  }
  // Containers may list every host CPU while allowing fewer: never more than Node may run on.
  return cores.size > 0 ? Math.min(cores.size, logical) : logical;
}

function readCpuinfo(): string | null {
  try {
    return process.platform === 'linux' ? readFileSync('/proc/cpuinfo', 'utf8') : null;
  } catch {
    return null;
  }
}

/**
 * Workers when none are asked for: 1. On a quiet 2-core machine 2 workers train the reference CNN 1.2–1.35× faster
 * than 1 (`npm run bench:speed -- --workers 1,2`), but on a busy one they lose to 1: opt-in (README, "Every core").
 */
export const DEFAULT_WORKERS = 1;
