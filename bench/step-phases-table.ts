/**
 * The `--profile` table of `npm run bench:speed`: per worker count and thread, the ms per step of each phase of
 * a training step (src/trainer/engine/stepPhases.ts), wall-clock / thread CPU, between two snapshots of the run's
 * StepProfile (warm-up steps left out).
 */
import { STEP_PHASES, type PhaseTotals } from '../src/trainer/engine/stepPhases';

/** `after − before`, per step of `steps`. */
export function perStep(before: PhaseTotals, after: PhaseTotals, steps: number): PhaseTotals {
  return after.map((thread, k) => Object.fromEntries(STEP_PHASES.map((p) => [p, { wallMs: (thread[p].wallMs - (before[k]?.[p].wallMs ?? 0)) / steps, cpuMs: (thread[p].cpuMs - (before[k]?.[p].cpuMs ?? 0)) / steps }])) as PhaseTotals[number]);
}

/** Lines of the table for one worker count (each thread's phases it spends no time in are left out). */
export function phaseLines(workers: number, phases: PhaseTotals): string[] {
  const cell = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
  const head = `  ms per step, wall / thread CPU, ${workers} worker${workers === 1 ? '' : 's'}`;
  const rows = phases.map((t, k) => {
    const used = STEP_PHASES.filter((p) => t[p].wallMs > 0.005);
    const total = used.reduce((s, p) => s + t[p].cpuMs, 0);
    return `    ${k === 0 ? 'thread 0 (loop)' : `worker ${k}`.padEnd(15)}  ${used.map((p) => `${p} ${cell(t[p].wallMs)} / ${cell(t[p].cpuMs)}`).join(', ')}; CPU ${cell(total)}`;
  });
  return [head, ...rows];
}
