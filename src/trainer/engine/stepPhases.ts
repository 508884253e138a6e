/**
 * Where a training step's time goes, per thread and phase: wall-clock ms and the thread's own CPU ms (Linux's
 * /proc/thread-self/schedstat, nanoseconds on a CPU; NaN elsewhere). process.cpuUsage() would count every thread
 * of the process, and a shared machine's wall clock swings with other people's work: a thread's CPU time per phase
 * says what each part of a data-parallel step costs. The kernel's counter moves in steps (here up to a few ms), so
 * a short phase may be given CPU time its neighbour spent: a thread's total is exact, a phase's over many steps.
 * Off unless a benchmark passes a StepProfile to the run (each lap reads a /proc file: ~10 µs).
 */
import { readFileSync } from 'node:fs';

export const STEP_PHASES = [
  /** Coordinator: its weights into shared memory; worker: the shared weights into its variables. */
  'weights',
  /** Coordinator: slicing the batch and posting the shards. */
  'batch',
  /** Forward and backward of this thread's rows. */
  'compute',
  /** Worker: its gradients into shared memory. */
  'gradients',
  /** Coordinator: for the workers' gradients; worker: for the next step (idle; its CPU is message handling). */
  'wait',
  /** Coordinator: the shards' gradients summed. */
  'reduce',
  /** Coordinator: the optimizer step. */
  'optimizer',
  /** Coordinator: between steps (the training loop: the next batch, progress records). */
  'loop',
  /** Forward passes of evaluation batches (validation, test): a worker's rows, or the coordinator's whole pass. */
  'evaluate',
] as const;

export type StepPhase = (typeof STEP_PHASES)[number];

/** Slots of one thread's totals: wall and CPU ms per phase. */
export const PHASE_SLOTS = 2 * STEP_PHASES.length;

const PHASE_INDEX = new Map<StepPhase, number>(STEP_PHASES.map((p, i) => [p, i]));

/** This thread's CPU time in ms, or NaN where the kernel does not say. */
function threadCpuMs(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ', 1)[0]) / 1e6;
  } catch {
    return NaN;
  }
}

/** One thread's clock: each lap adds the time since the previous lap to a phase of `totals` (wall, CPU). */
export class PhaseClock {
  private wall = performance.now();
  private cpu = threadCpuMs();

  constructor(readonly totals: Float64Array = new Float64Array(PHASE_SLOTS)) {}

  /** Counts the time since the last lap (or the clock's creation) as `phase`. */
  lap(phase: StepPhase): void {
    const [wall, cpu] = [performance.now(), threadCpuMs()];
    const i = 2 * (PHASE_INDEX.get(phase) as number);
    this.totals[i] += wall - this.wall;
    this.totals[i + 1] += cpu - this.cpu;
    [this.wall, this.cpu] = [wall, cpu];
  }
}

/** Wall-clock and CPU ms of each phase, per thread (0: the training loop's thread). */
export type PhaseTotals = Array<Record<StepPhase, { wallMs: number; cpuMs: number }>>;

/**
 * The phase times of one run's steps, in every thread that steps: thread 0 (the training loop's) and the
 * data-parallel workers, whose totals live in shared memory (`share` hands out their regions).
 */
export class StepProfile {
  private regions: Float64Array[] = [new Float64Array(PHASE_SLOTS)];
  readonly clock = new PhaseClock(this.regions[0]);

  /** Shared memory for the totals of `workers` worker threads (regions 1…workers). */
  share(workers: number): SharedArrayBuffer {
    const buffer = new SharedArrayBuffer(8 * PHASE_SLOTS * workers);
    const shared = Array.from({ length: workers }, (_, k) => new Float64Array(buffer, 8 * PHASE_SLOTS * k, PHASE_SLOTS));
    this.regions = [this.regions[0], ...shared];
    return buffer;
  }

  /** The totals so far (subtract two snapshots to leave out warm-up steps). */
  snapshot(): PhaseTotals {
    return this.regions.map((r) => Object.fromEntries(STEP_PHASES.map((p, i) => [p, { wallMs: r[2 * i], cpuMs: r[2 * i + 1] }])) as PhaseTotals[number]);
  }
}

/** The clock of worker thread k (1…) in a StepProfile's shared memory. */
export function workerClock(buffer: SharedArrayBuffer, k: number): PhaseClock {
  return new PhaseClock(new Float64Array(buffer, 8 * PHASE_SLOTS * (k - 1), PHASE_SLOTS));
}
