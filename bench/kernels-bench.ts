/**
 * Where a training step of the real trainer spends its CPU time, kernel by kernel: `bench/reference-cnn.cnn.yaml`
 * (the reference CNN, batch 64, Adam) or the model file given with --model, trained by the engine's own loop
 * (trainModel), in three configurations:
 *  - built-in: tfjs-backend-wasm's kernels (+ our Conv2DBackpropFilter, which it lacks), Adam and BatchNorm written
 *    with ops;
 *  - ours, JS: CNN Lab's kernels with their JavaScript loops (simd/ off), Adam fused in one kernel per variable;
 *  - ours + SIMD: the same with our WebAssembly SIMD kernels (simd/training-kernels.c).
 *
 *   node --import tsx bench/kernels-bench.ts [--batches 30] [--skip-builtin] [--model FILE]
 *
 * Times are CPU milliseconds per batch (process.cpuUsage around each kernel call): on a shared machine wall-clock
 * times mostly measure other people's work. "outside kernels" is the rest of the step (tfjs's tape and bookkeeping,
 * batch preparation on the batch workers, progress); "waiting for batches" is the wall-clock time the training loop
 * waited for its next batch (augmentation on the critical path), not part of the CPU total.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { analyzeModel } from '../src/model';
import { initBackend, type TF } from '../src/trainer/backend/index';
import { BATCH_NORM_EVAL, BATCH_NORM_GRAD, BATCH_NORM_TRAIN } from '../src/trainer/kernels/batch-norm';
import { OPTIMIZER_STEP } from '../src/trainer/kernels/optimizer-step';
import { registerTrainingKernels, restoreWasmKernels, TRAINING_KERNELS, trainingKernelOriginals } from '../src/trainer/kernels/register';
import { setSimdKernelsEnabled } from '../src/trainer/kernels/simd/simd-kernels';
import { trainerSteps, type StepTiming } from './trainer-steps';

const modelFlag = process.argv.indexOf('--model');
const EXAMPLE = modelFlag >= 0 ? resolve(process.argv[modelFlag + 1] as string) : resolve(__dirname, 'reference-cnn.cnn.yaml');
const BATCH = analyzeModel(readFileSync(EXAMPLE, 'utf8')).train.batch_size;
const WAIT = 'waiting for batches (wall)';

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Re-registers every wasm kernel wrapped with a CPU-time meter that counts while `on()`; returns totals and an undo. */
function meterKernels(tf: TF, on: () => boolean): { totals: Map<string, number>; undo: () => void } {
  const totals = new Map<string, number>();
  const originals: KernelConfig[] = tf.getKernelsForBackend('wasm');
  for (const config of originals) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        if (!on()) return inner(args);
        const t0 = cpuMs();
        const out = inner(args);
        totals.set(config.kernelName, (totals.get(config.kernelName) ?? 0) + cpuMs() - t0);
        return out;
      },
    });
  }
  const undo = (): void => {
    for (const config of originals) {
      tf.unregisterKernel(config.kernelName, 'wasm');
      tf.registerKernel(config);
    }
  };
  return { totals, undo };
}

/** Mean CPU ms per batch of each kernel over `batches` batches of the real trainer (after a warm-up). */
async function profileTrainer(tf: TF, batches: number): Promise<Map<string, number>> {
  let metering = false;
  const { totals, undo } = meterKernels(tf, () => metering);
  let timing: StepTiming;
  try {
    timing = await trainerSteps(tf, EXAMPLE, batches, (on) => (metering = on));
  } finally {
    undo();
  }
  const whole = (timing.cpuSeconds * 1000) / batches;
  const perBatch = new Map([...totals].map(([n, ms]) => [n, ms / batches]));
  perBatch.set('outside kernels', whole - [...perBatch.values()].reduce((s, v) => s + v, 0));
  // Wall-clock, not CPU: the loop idles while it waits (the batch workers' CPU is in "outside kernels").
  perBatch.set(WAIT, (timing.waitSeconds * 1000) / batches);
  perBatch.set('whole step', whole);
  return perBatch;
}

function table(columns: Array<[string, Map<string, number>]>): string {
  const last = columns[columns.length - 1]?.[1] ?? new Map<string, number>();
  const rows = [...new Set(columns.flatMap(([, c]) => [...c.keys()]))]
    .filter((n) => n !== 'whole step' && n !== WAIT && Math.max(...columns.map(([, c]) => c.get(n) ?? 0)) >= 0.05)
    .sort((a, b) => (last.get(b) ?? 0) - (last.get(a) ?? 0));
  const fmt = (v: number | undefined): string => (v === undefined ? '—' : v.toFixed(2)).padStart(13);
  const line = (n: string): string => `${n.padEnd(30)}${columns.map(([, c]) => fmt(c.get(n))).join('')}  ${n in TRAINING_KERNELS ? 'ours' : ''}`;
  return [`${`CPU ms per batch of ${BATCH}`.padEnd(30)}${columns.map(([h]) => h.padStart(13)).join('')}`, ...rows.map(line), line('whole step'), line(WAIT)].join('\n');
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--batches');
  const batches = i >= 0 ? Number(process.argv[i + 1]) : 30;
  const { tf, description } = await initBackend('wasm');
  const columns: Array<[string, Map<string, number>]> = [];
  if (!process.argv.includes('--skip-builtin')) {
    restoreWasmKernels(tf, trainingKernelOriginals(tf));
    // Without these the optimizer and BatchNorm are written with tfjs ops.
    for (const k of [OPTIMIZER_STEP, BATCH_NORM_TRAIN, BATCH_NORM_GRAD, BATCH_NORM_EVAL]) tf.unregisterKernel(k, 'wasm');
    columns.push(['built-in', await profileTrainer(tf, batches)]);
    registerTrainingKernels(tf);
  }
  setSimdKernelsEnabled(false);
  columns.push(['ours, JS', await profileTrainer(tf, batches)]);
  setSimdKernelsEnabled(true);
  columns.push(['ours + SIMD', await profileTrainer(tf, batches)]);
  console.log(`backend: ${description}; ${batches} batches of the real trainer on ${EXAMPLE}`);
  console.log(table(columns));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
