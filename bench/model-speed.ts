/**
 * `npm run bench:speed -- --model examples/fashion-bn-augment.cnn.yaml --per-cpu [--steps 300] [--warmup 50] [--rounds 3]`: training steps of a
 * Fashion-MNIST model file (its batch size, optimizer, normalisation and augmentation) on our engine (trainer-steps.ts:
 * the real loop with its batch workers) against its PyTorch twin with one thread (torch-train-step.py: the same
 * layers, Adam, augmentation per batch on tensors), in the same run. The headline is samples per CPU-second: on a
 * shared machine wall-clock rates mostly measure other people's work. Both sides count every thread of their
 * process, batch preparation included, over --steps batches after --warmup ones (default 50: our engine's steps
 * still get faster for dozens of steps while V8 compiles it; PyTorch's do not); the load average is printed before
 * and after. --rounds N (default 3) alternates the two engines N times and ranks by the median of the rounds'
 * ratios: on a shared virtual machine one engine's rate drifts by ±10% from minute to minute, and alternating puts
 * both sides of each ratio in the same minutes.
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { initBackend, type BackendChoice } from '../src/trainer/backend/index';
import { lastJsonLine } from './childJson';
import { trainerSteps } from './trainer-steps';
import { median } from './cli';

const PYTHON = process.env.CNNLAB_PYTHON ?? '/usr/bin/python3';

interface TorchSteps {
  threads: number;
  steps: number;
  batch: number;
  samplesPerSecond: number;
  samplesPerCpuSecond: number;
}

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(', ');

interface Rate {
  samplesPerSecond: number;
  samplesPerCpuSecond: number;
}

interface Round {
  ours: Rate & { waitMsPerStep: number };
  torch1: TorchSteps;
  cpuSecondRatio: number;
  wallRatio: number;
}

export async function modelSpeed(file: string, steps: number, backend: BackendChoice, warmup: number, roundCount = 3): Promise<void> {
  const usage = 'usage: --steps N (≥ 1) --warmup N (≥ 1) --rounds N (≥ 1) with --model FILE.cnn.yaml';
  if (![steps, warmup, roundCount].every((n) => Number.isInteger(n) && n >= 1)) throw new Error(usage);
  const modelFile = resolve(file);
  const loadBefore = load();
  const { tf, description } = await initBackend(backend);
  const r3 = (v: number): number => +v.toFixed(3);
  const line = (label: string, r: Rate) =>
    `  ${label.padEnd(20)} ${r.samplesPerCpuSecond.toFixed(0).padStart(6)} samples per CPU-second, ${r.samplesPerSecond.toFixed(0).padStart(6)} samples/s wall`;
  console.log(`${file}: ${roundCount} rounds of ${steps} training steps per engine (batch, after ${warmup} warm-up ones); load average before ${loadBefore}`);
  const rounds: Round[] = [];
  for (let i = 0; i < roundCount; i++) {
    const ours = await trainerSteps(tf, modelFile, steps, undefined, warmup);
    const torch = lastJsonLine<TorchSteps>(PYTHON, [resolve(__dirname, 'torch-train-step.py'), modelFile, String(steps), '1', '--warmup', String(warmup)]);
    const oursRate = { samplesPerSecond: r3(ours.samples / ours.wallSeconds), samplesPerCpuSecond: r3(ours.samples / ours.cpuSeconds), waitMsPerStep: r3((1000 * ours.waitSeconds) / steps) };
    const round = { ours: oursRate, torch1: torch, cpuSecondRatio: r3(oursRate.samplesPerCpuSecond / torch.samplesPerCpuSecond), wallRatio: r3(oursRate.samplesPerSecond / torch.samplesPerSecond) };
    rounds.push(round);
    console.log(` round ${i + 1} (batch ${ours.batchSize}):`);
    console.log(line(`CNN Lab (${description.split(' +')[0]})`, oursRate));
    console.log(line('PyTorch, 1 thread', torch));
    console.log(`  ratio ${round.cpuSecondRatio.toFixed(2)}× per CPU-second (${round.wallRatio.toFixed(2)}× wall); CNN Lab's loop waited ${oursRate.waitMsPerStep.toFixed(2)} ms per step for its next batch`);
  }
  const cpuRatio = median(rounds.map((r) => r.cpuSecondRatio));
  const wallRatio = median(rounds.map((r) => r.wallRatio));
  const oursMedian = { samplesPerSecond: median(rounds.map((r) => r.ours.samplesPerSecond)), samplesPerCpuSecond: median(rounds.map((r) => r.ours.samplesPerCpuSecond)), waitMsPerStep: median(rounds.map((r) => r.ours.waitMsPerStep)) };
  const torchMedian = { ...(rounds[0] as Round).torch1, samplesPerSecond: median(rounds.map((r) => r.torch1.samplesPerSecond)), samplesPerCpuSecond: median(rounds.map((r) => r.torch1.samplesPerCpuSecond)) };
  console.log(`ratio CNN Lab / PyTorch, median of ${roundCount} rounds: ${cpuRatio.toFixed(2)}× per CPU-second (${wallRatio.toFixed(2)}× wall); load average after ${load()}`);
  console.log(
    JSON.stringify({
      model: file,
      steps,
      warmup,
      batch: torchMedian.batch,
      backend: description,
      ours: oursMedian,
      torch1: torchMedian,
      cpuSecondRatio: r3(cpuRatio),
      wallRatio: r3(wallRatio),
      rounds,
      loadAverage: loadavg().map((l) => +l.toFixed(2)),
    }),
  );
}
