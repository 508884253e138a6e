/**
 * Where a training step of the reference CNN (batch 64) spends its CPU time, kernel by kernel, with the
 * wasm backend's built-in kernels ("before") and with CNN Lab's training kernels ("after"). The built-in
 * backend has no Conv2DBackpropFilter, so "before" borrows ours for that one kernel.
 *
 *   node --import tsx bench/kernels-bench.ts [--steps 10]
 *
 * Times are CPU milliseconds (process.cpuUsage around each kernel call): on a shared machine wall-clock
 * times mostly measure other people's work. "outside kernels" is the rest of the step (tfjs's tape and
 * bookkeeping, our JS data handling).
 */
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { initBackend, type TF } from '../src/trainer/backend/index';
import { registerTrainingKernels, restoreWasmKernels, TRAINING_KERNELS, trainingKernelOriginals } from '../src/trainer/kernels/register';
import { batchAt, createWeights, loadFashionMnist, trainStep } from './reference-cnn';

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Re-registers every wasm kernel wrapped with a CPU-time meter; returns the totals and an undo function. */
function meterKernels(tf: TF): { totals: Map<string, number>; undo: () => void } {
  const totals = new Map<string, number>();
  const originals: KernelConfig[] = tf.getKernelsForBackend('wasm');
  for (const config of originals) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
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

/** Mean CPU ms per training step of each kernel over `steps` steps (after a warm-up), plus the step total. */
function profileKernels(tf: TF, steps: number): Map<string, number> {
  const data = loadFashionMnist(64 * (steps + 5));
  const weights = createWeights(tf);
  const opt = tf.train.adam(1e-3);
  const step = (i: number): void => {
    const b = batchAt(tf, data, i);
    trainStep(tf, opt, weights, b.x, b.y);
    tf.dispose([b.x, b.y]);
  };
  for (let i = 0; i < 5; i++) step(i);
  const { totals, undo } = meterKernels(tf);
  const t0 = cpuMs();
  for (let i = 0; i < steps; i++) step(i + 5);
  const whole = cpuMs() - t0;
  undo();
  tf.dispose(weights);
  opt.dispose();
  const perStep = new Map([...totals].map(([n, ms]) => [n, ms / steps]));
  perStep.set('outside kernels', whole / steps - [...perStep.values()].reduce((s, v) => s + v, 0));
  perStep.set('whole step', whole / steps);
  return perStep;
}

function table(before: Map<string, number>, after: Map<string, number>): string {
  const rows = [...new Set([...before.keys(), ...after.keys()])]
    .filter((n) => n !== 'whole step' && Math.max(before.get(n) ?? 0, after.get(n) ?? 0) >= 0.05)
    .sort((a, b) => (after.get(b) ?? 0) - (after.get(a) ?? 0));
  const fmt = (v: number | undefined): string => (v === undefined ? '—' : v.toFixed(2)).padStart(9);
  const line = (n: string): string => `${n.padEnd(30)}${fmt(before.get(n))}${fmt(after.get(n))}  ${n in TRAINING_KERNELS ? 'ours' : ''}`;
  return [`${'CPU ms per batch of 64'.padEnd(30)}${'before'.padStart(9)}${'after'.padStart(9)}`, ...rows.map(line), line('whole step')].join('\n');
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--steps');
  const steps = i >= 0 ? Number(process.argv[i + 1]) : 10;
  const { tf, description } = await initBackend('wasm');
  restoreWasmKernels(tf, trainingKernelOriginals(tf));
  const before = profileKernels(tf, steps);
  registerTrainingKernels(tf);
  const after = profileKernels(tf, steps);
  console.log(`backend: ${description}; "before" = tfjs-backend-wasm's built-ins (+ our Conv2DBackpropFilter, which it lacks)`);
  console.log(table(before, after));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
