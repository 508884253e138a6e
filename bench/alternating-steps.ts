/**
 * One and N workers timed in alternating windows of one training run. This shared machine's speed drifts by ±15%
 * over tens of seconds, so two runs a minute apart (one with 1 worker, one with N) give scaling figures from 63% to
 * 78% for the same code. Here the same run's steps go through this thread alone for a window of steps, then through
 * the data-parallel workers for the next, and so on: each N-worker window is compared with the 1-worker windows on
 * either side of it, and the median over the pairs is the figure. Both compute the same steps (up to summation
 * order), so the run trains as either would.
 *
 * A window is timed from its first step to the next window's first step (the loop between steps included, as in
 * a whole run), in wall-clock time and in the process's CPU time. A window cut by the end of an epoch (the
 * validation pass follows) is dropped, and the next epoch starts with a fresh 1-worker window.
 */
import { localSteps, type StepRunner } from '../src/trainer/engine/steps';
import { median } from './cli';

export interface StepWindow {
  workers: number;
  samples: number;
  wallSeconds: number;
  cpuSeconds: number;
}

/** Scaling over adjacent windows: per N-worker window, its samples/s ÷ (N × its 1-worker neighbours' mean). */
export interface AlternatingScaling {
  windowSteps: number;
  pairs: number;
  /** Medians over the pairs: wall-clock and per-CPU-second scaling efficiency, samples/s of each side. */
  scalingEfficiency: number;
  perCpuScaling: number;
  oneWorkerSamplesPerSecond: number;
  workersSamplesPerSecond: number;
}

export class AlternatingSteps implements StepRunner {
  readonly windows: StepWindow[] = [];
  /** Steps since the epoch began. */
  private index = 0;
  private epoch = 1;
  private open: (StepWindow & { wall0: number; cpu0: NodeJS.CpuUsage }) | undefined;

  /**
   * `parallel` steps with `workers` workers, `local` in this thread alone; windows of `windowSteps` steps, timed
   * from epoch `fromEpoch` (1-based) on.
   */
  constructor(
    private readonly parallel: StepRunner,
    readonly workers: number,
    readonly windowSteps: number,
    private readonly fromEpoch: number,
    private readonly local: StepRunner = localSteps(),
  ) {}

  run: StepRunner['run'] = async (tf, model, task, vars, apply, batch, set, upcoming) => {
    const position = this.index % this.windowSteps;
    const many = Math.floor(this.index / this.windowSteps) % 2 === 1;
    if (position === 0) this.start(many ? this.workers : 1);
    this.index += 1;
    // The last step of a parallel window hands out no next step: the next one is this thread's.
    const last = position === this.windowSteps - 1;
    const result = many ? await this.parallel.run(tf, model, task, vars, apply, batch, set, last ? undefined : upcoming) : await this.local.run(tf, model, task, vars, apply, batch, set);
    if (this.open) this.open.samples += batch.size;
    return result;
  };

  /** The epoch's last step ran: its open window is dropped (validation follows) and the next epoch starts afresh. */
  endEpoch(): void {
    this.open = undefined;
    this.index = 0;
    this.epoch += 1;
  }

  private start(workers: number): void {
    const [wall, cpu] = [performance.now(), process.cpuUsage()];
    if (this.open) {
      const used = process.cpuUsage(this.open.cpu0);
      const { wall0, cpu0, ...window } = this.open;
      this.windows.push({ ...window, wallSeconds: (wall - wall0) / 1000, cpuSeconds: (used.user + used.system) / 1e6 });
    }
    this.open = this.epoch >= this.fromEpoch ? { workers, samples: 0, wallSeconds: NaN, cpuSeconds: NaN, wall0: wall, cpu0: cpu } : undefined;
  }

  /** The figures over this run's windows, or undefined before a pair was timed. */
  scaling(): AlternatingScaling | undefined {
    const rate = (w: StepWindow) => w.samples / w.wallSeconds;
    const perCpu = (w: StepWindow) => w.samples / w.cpuSeconds;
    const pairs: Array<{ wall: number; cpu: number; one: number; many: number }> = [];
    this.windows.forEach((w, i) => {
      const [before, after] = [this.windows[i - 1], this.windows[i + 1]];
      if (w.workers === 1 || before?.workers !== 1 || after?.workers !== 1) return;
      const one = (rate(before) + rate(after)) / 2;
      const oneCpu = (perCpu(before) + perCpu(after)) / 2;
      pairs.push({ wall: rate(w) / (this.workers * one), cpu: perCpu(w) / oneCpu, one, many: rate(w) });
    });
    if (pairs.length === 0) return undefined;
    return {
      windowSteps: this.windowSteps,
      pairs: pairs.length,
      scalingEfficiency: +median(pairs.map((p) => p.wall)).toFixed(3),
      perCpuScaling: +median(pairs.map((p) => p.cpu)).toFixed(3),
      oneWorkerSamplesPerSecond: Math.round(median(pairs.map((p) => p.one))),
      workersSamplesPerSecond: Math.round(median(pairs.map((p) => p.many))),
    };
  }
}
