/**
 * The passes that data-parallel workers split outside training (bench:views' last lines): the test pass of
 * `cnnlab evaluate` and the editor's Evaluate, timed with 1 and 2 workers in the same run, wall-clock and per
 * CPU-second (process.cpuUsage counts every thread of the process: the workers' time too), so that a busy machine
 * shows as a low CPU share rather than as a false ratio. Starting the workers is timed apart: a run's evaluation
 * starts them once.
 */
import type { ImageSet } from '../src/trainer/datasets/types';
import type { InspectableRun } from '../src/inspect/network/runModel';
import { evaluate } from '../src/trainer/engine/evaluate';
import { DataParallelSteps } from '../src/trainer/parallel/dataParallel';
import { createTask } from '../src/trainer/tasks/registry';

interface Timing {
  startMs: number;
  wallMs: number;
  cpuMs: number;
}

/** Times `pass` with `workers` workers started for `run`'s model (the same setup evaluateRun gives them). */
async function timed(run: InspectableRun, workers: number, pass: (steps: DataParallelSteps | undefined) => Promise<unknown>): Promise<Timing> {
  const t0 = performance.now();
  const context = { loss: run.analysis.train.loss, classes: run.classes, normalize: run.normalize };
  const backend = run.tf.getBackend() as 'wasm' | 'cpu';
  const steps = workers > 1 ? await DataParallelSteps.start(run.model, workers, { graph: run.analysis.graph, seed: run.analysis.train.seed, task: { name: run.analysis.task, context }, backend }) : undefined;
  try {
    const t1 = performance.now();
    const cpu0 = process.cpuUsage();
    await pass(steps);
    const cpu = process.cpuUsage(cpu0);
    return { startMs: t1 - t0, wallMs: performance.now() - t1, cpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    await steps?.dispose();
  }
}

function line(label: string, one: Timing, two: Timing): string {
  const speedup = one.wallMs / two.wallMs;
  // Work per CPU-second with 2 workers against 1: 1.0 means the split costs no extra CPU.
  const perCpu = one.cpuMs / two.cpuMs;
  return `  ${label.padEnd(56)} 1 worker ${one.wallMs.toFixed(0).padStart(6)} ms, 2 workers ${two.wallMs.toFixed(0).padStart(6)} ms (+${two.startMs.toFixed(0)} ms to start them): ×${speedup.toFixed(2)} wall, ×${perCpu.toFixed(2)} per CPU-second (CPU ${one.cpuMs.toFixed(0)} / ${two.cpuMs.toFixed(0)} ms)`;
}

/** Prints the 1 vs 2 workers lines for `run` on `test`; skipped on a backend the workers do not use. */
export async function benchWorkers(run: InspectableRun, test: ImageSet): Promise<void> {
  const backend = run.tf.getBackend();
  if (backend !== 'wasm' && backend !== 'cpu') {
    console.log(`  data-parallel workers: skipped (the ${backend} backend uses its own threads)`);
    return;
  }
  const task = createTask(run.analysis.task, { loss: run.analysis.train.loss, classes: run.classes, normalize: run.normalize });
  const testPass = (steps: DataParallelSteps | undefined) => evaluate(run.tf, run.model, test, { batchSize: run.analysis.train.batch_size, task, forward: steps });
  await testPass(undefined); // warm-up
  const [one, two] = [await timed(run, 1, testPass), await timed(run, 2, testPass)];
  console.log(line(`test pass, ${test.count} images (cnnlab evaluate --workers)`, one, two));
}
