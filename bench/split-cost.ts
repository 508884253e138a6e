/**
 * What bounds data-parallel scaling on a machine, measured without the data-parallel code: training steps of the
 * reference CNN (forward, backward, Adam) on random images in worker threads, each with its own model.
 *
 * - Split cost: ms per step at batch 1, half the batch and the whole batch, one thread alone. A step has a part that
 *   does not shrink with its rows (~120 kernels' dispatch and the gradient tape, Adam over 0.2 M weights), so two
 *   workers' halves cost more than one whole: `whole ÷ (2 × half)` bounds the scaling before any coordination.
 * - Contention: ms per half-batch step of one thread alone, then of two threads stepping at once (interleaved
 *   rounds): how much two busy cores slow each other here (shared caches, memory, the host's clocks).
 *
 *   node --import tsx bench/split-cost.ts [--batch 64] [--steps 150] [--rounds 6]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { analyzeModel } from '../src/model/analyze';
import { initBackend } from '../src/trainer/backend/index';
import { buildModel } from '../src/trainer/engine/model';
import { createOptimizer } from '../src/trainer/engine/optimizers';
import { batchStep } from '../src/trainer/engine/steps';
import { createTask } from '../src/trainer/tasks/registry';
import { median, numberFlag } from './cli';

const MODEL = resolve(__dirname, 'reference-cnn.cnn.yaml');

/** A worker thread that times `steps` training steps of batch `rows` per request (this file, under tsx). */
function stepper(seed: number): Worker {
  const tsx = 'tsx/cjs';
  return new Worker(`require(${JSON.stringify(require.resolve(tsx))}); require(${JSON.stringify(__filename)});`, { eval: true, workerData: seed });
}

function msPerStep(worker: Worker, rows: number, steps: number): Promise<number> {
  return new Promise((done) => {
    worker.once('message', done);
    worker.postMessage({ rows, steps });
  });
}

async function main(): Promise<void> {
  const [batch, steps, rounds] = [numberFlag('batch', 64), numberFlag('steps', 150), numberFlag('rounds', 6)];
  const half = Math.ceil(batch / 2);
  const threads = [stepper(1), stepper(2)];
  await Promise.all(threads.map((t) => new Promise((ready) => t.once('message', ready))));
  try {
    for (const t of threads) for (const rows of [1, half, batch]) await msPerStep(t, rows, 100); // warm-up
    const sizes = { one: [] as number[], half: [] as number[], whole: [] as number[], both: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      const t = threads[r % 2] as Worker;
      sizes.one.push(await msPerStep(t, 1, steps));
      sizes.half.push(await msPerStep(t, half, steps));
      sizes.whole.push(await msPerStep(t, batch, steps));
      const both = await Promise.all(threads.map((w) => msPerStep(w, half, steps)));
      sizes.both.push((both[0] + both[1]) / 2);
    }
    const [one, halfMs, whole, both] = [median(sizes.one), median(sizes.half), median(sizes.whole), median(sizes.both)];
    const rowMs = (whole - halfMs) / (batch - half);
    console.log(`reference CNN training steps (Adam), ms per step, median of ${rounds} rounds of ${steps}, one thread alone:`);
    console.log(`  batch 1: ${one.toFixed(2)}   batch ${half}: ${halfMs.toFixed(2)}   batch ${batch}: ${whole.toFixed(2)}   → ${rowMs.toFixed(3)} ms per row, ${(whole - batch * rowMs).toFixed(2)} ms per step that no split divides`);
    console.log(`  split cost: batch ${batch} ÷ (2 × batch ${half}) = ${(whole / (2 * halfMs)).toFixed(3)}`);
    console.log(`  contention: batch ${half} with two threads stepping at once ${both.toFixed(2)} ms = ×${(both / halfMs).toFixed(3)} of one alone`);
    console.log(`  bound on 2-worker scaling before any coordination: ${((100 * whole) / (2 * both)).toFixed(0)}%`);
    console.log(JSON.stringify({ batch, half, msPerStep: { one, half: halfMs, whole, halfWithTwoThreads: both }, splitCost: +(whole / (2 * halfMs)).toFixed(3), contention: +(both / halfMs).toFixed(3), scalingBound: +(whole / (2 * both)).toFixed(3) }));
  } finally {
    await Promise.all(threads.map((t) => t.terminate()));
  }
}

/** In a worker: builds the model and answers each { rows, steps } with its ms per step. */
async function serve(seed: number): Promise<void> {
  const { tf } = await initBackend('wasm');
  const analysis = analyzeModel(readFileSync(MODEL, 'utf8'));
  const model = buildModel(tf, analysis.graph, seed);
  const task = createTask('classification', { loss: analysis.train.loss, classes: Array.from({ length: 10 }, (_, i) => String(i)) });
  const optimizer = createOptimizer(tf, { optimizer: 'adam', momentum: 0, nesterov: false, weight_decay: 0 }, model.params);
  const vars = model.trainable.map((p) => p.variable);
  const set = { height: 28, width: 28, channels: 1, images: new Uint8Array(0), labels: new Uint8Array(0), count: 0 };
  parentPort?.on('message', async ({ rows, steps }: { rows: number; steps: number }) => {
    const batch = { x: Float32Array.from({ length: rows * 784 }, () => Math.random()), y: Int32Array.from({ length: rows }, (_, i) => i % 10), size: rows, height: 28, width: 28, channels: 1 };
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await batchStep(tf, model, task, vars, batch, set, (grads) => optimizer.step(grads, 0.001));
    parentPort?.postMessage((performance.now() - t0) / steps);
  });
  parentPort?.postMessage('ready');
}

if (isMainThread) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  });
} else {
  void serve(workerData as number);
}
