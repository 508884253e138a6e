/**
 * `npm run bench:speed -- --model examples/fashion-bn-augment.cnn.yaml --per-cpu [--steps 300] [--warmup 50]`: training steps of a
 * Fashion-MNIST model file (its batch size, optimizer, normalisation and augmentation) on our engine (trainer-steps.ts:
 * the real loop with its batch workers) against its PyTorch twin with one thread (torch-train-step.py: the same
 * layers, Adam, augmentation per batch on tensors), in the same run. The headline is samples per CPU-second: on a
 * shared machine wall-clock rates mostly measure other people's work. Both sides count every thread of their
 * process, batch preparation included, over --steps batches after --warmup ones (default 50: our engine's steps
 * still get faster for dozens of steps while V8 compiles it; PyTorch's do not); the load average is printed before
 * and after.
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { initBackend, type BackendChoice } from '../src/trainer/backend/index';
import { lastJsonLine } from './childJson';
import { trainerSteps } from './trainer-steps';

const PYTHON = process.env.CNNLAB_PYTHON ?? '/usr/bin/python3';

interface TorchSteps {
  threads: number;
  steps: number;
  batch: number;
  samplesPerSecond: number;
  samplesPerCpuSecond: number;
}

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(', ');

export async function modelSpeed(file: string, steps: number, backend: BackendChoice, warmup: number): Promise<void> {
  if (!(Number.isInteger(steps) && steps >= 1 && Number.isInteger(warmup) && warmup >= 1)) throw new Error('usage: --steps N (≥ 1) --warmup N (≥ 1) with --model FILE.cnn.yaml');
  const modelFile = resolve(file);
  const loadBefore = load();
  const { tf, description } = await initBackend(backend);
  const ours = await trainerSteps(tf, modelFile, steps, undefined, warmup);
  const torch = lastJsonLine<TorchSteps>(PYTHON, [resolve(__dirname, 'torch-train-step.py'), modelFile, String(steps), '1', '--warmup', String(warmup)]);
  const oursRate = { samplesPerSecond: ours.samples / ours.wallSeconds, samplesPerCpuSecond: ours.samples / ours.cpuSeconds };
  const r3 = (v: number): number => +v.toFixed(3);
  const cpuRatio = oursRate.samplesPerCpuSecond / torch.samplesPerCpuSecond;
  const wallRatio = oursRate.samplesPerSecond / torch.samplesPerSecond;
  const line = (label: string, r: { samplesPerSecond: number; samplesPerCpuSecond: number }) =>
    `  ${label.padEnd(20)} ${r.samplesPerCpuSecond.toFixed(0).padStart(6)} samples per CPU-second, ${r.samplesPerSecond.toFixed(0).padStart(6)} samples/s wall`;
  console.log(`${file}: ${steps} training steps of batch ${ours.batchSize} after ${warmup} warm-up ones; load average before ${loadBefore}, after ${load()}`);
  console.log(line(`CNN Lab (${description.split(' +')[0]})`, oursRate));
  console.log(line('PyTorch, 1 thread', torch));
  console.log(`  ratio CNN Lab / PyTorch: ${cpuRatio.toFixed(2)}× per CPU-second (${wallRatio.toFixed(2)}× wall)`);
  console.log(`  CNN Lab's loop waited ${((1000 * ours.waitSeconds) / steps).toFixed(2)} ms per step (wall) for its next batch`);
  console.log(
    JSON.stringify({
      model: file,
      steps,
      warmup,
      batch: ours.batchSize,
      backend: description,
      ours: { samplesPerSecond: r3(oursRate.samplesPerSecond), samplesPerCpuSecond: r3(oursRate.samplesPerCpuSecond), waitMsPerStep: r3((1000 * ours.waitSeconds) / steps) },
      torch1: torch,
      cpuSecondRatio: r3(cpuRatio),
      wallRatio: r3(wallRatio),
      loadAverage: loadavg().map((l) => +l.toFixed(2)),
    }),
  );
}
