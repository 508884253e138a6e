/**
 * The passes that data-parallel workers split outside training (bench:views' last lines): the test pass of
 * `cnnlab evaluate` and the editor's Evaluate, and the inspector's occlusion map (its occluded copies), timed with
 * 1 and 2 workers in the same run, wall-clock and per
 * CPU-second (process.cpuUsage counts every thread of the process: the workers' time too), so that a busy machine
 * shows as a low CPU share rather than as a false ratio. Starting the workers is timed apart: a run's evaluation
 * starts them once.
 */
import type { ImageSet } from '../src/trainer/datasets/types';
import { inputFromSet } from '../src/inspect/network/input';
import { occlusion } from '../src/inspect/network/occlusion';
import { runWorkerSetup, type InspectableRun } from '../src/inspect/network/runModel';
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
  const backend = run.tf.getBackend() as 'wasm' | 'cpu';
  const steps = workers > 1 ? await DataParallelSteps.start(run.model, workers, { ...runWorkerSetup(run), backend }) : undefined;
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

async function compare(run: InspectableRun, label: string, pass: (steps: DataParallelSteps | undefined) => Promise<unknown>): Promise<void> {
  await pass(undefined); // warm-up
  const [one, two] = [await timed(run, 1, pass), await timed(run, 2, pass)];
  console.log(line(label, one, two));
}

/** Prints the 1 vs 2 workers lines: the test pass of `evaluation`, occlusion on each of `occluded`'s first image. */
export async function benchWorkers(evaluation: { run: InspectableRun; test: ImageSet }, occluded: Array<{ run: InspectableRun; test: ImageSet; name: string }>): Promise<void> {
  const backend = evaluation.run.tf.getBackend();
  if (backend !== 'wasm' && backend !== 'cpu') {
    console.log(`  data-parallel workers: skipped (the ${backend} backend uses its own threads)`);
    return;
  }
  const { run, test } = evaluation;
  const task = createTask(run.analysis.task, runWorkerSetup(run).task.context);
  await compare(run, `test pass, ${test.count} images (cnnlab evaluate --workers)`, (steps) => evaluate(run.tf, run.model, test, { batchSize: run.analysis.train.batch_size, task, forward: steps }));
  for (const { run, test, name } of occluded) {
    const input = inputFromSet(test, 0, run.preprocessing, 'test #0');
    // Patch 4, stride 1: (H − 3) × (W − 3) occluded copies.
    const copies = (input.height - 3) * (input.width - 3);
    await compare(run, `occlusion, ${copies} copies (${name})`, (scores) => occlusion(run, input, { classIndex: 0, patch: 4, stride: 1, scores }));
  }
}
