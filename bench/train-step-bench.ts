/**
 * Training speed of the reference CNN (batch 64, Adam 1e-3, Fashion-MNIST) on our embedded engine, against
 * PyTorch with one thread measured in the same run, plus the roofline fraction.
 *
 *   node --import tsx bench/train-step-bench.ts [--steps 100] [--repeat 3] [--backend wasm] [--no-torch] [--builtin]
 *
 * --builtin measures the wasm backend's own kernels (only the missing Conv2DBackpropFilter is ours).
 * Samples/s counts training samples over the time spent in training steps (data already in memory),
 * like the peer script. The roofline is this machine's single-thread wasm matmul speed, measured here.
 * On a shared, loaded machine wall-clock rates swing with other people's work, so the ratio is also given
 * per CPU-second: ours from process.cpuUsage() around the steps, PyTorch's from the CPU time of two peer
 * runs of 1 and 3 epochs over the same N samples (the difference cancels start-up, data loading and test).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { initBackend, isBackendChoice, type TF } from '../src/trainer/backend/index';
import { restoreWasmKernels, trainingKernelOriginals } from '../src/trainer/kernels/register';
import { BATCH, batchAt, createWeights, loadFashionMnist, trainingFlopsPerSample, trainStep } from './reference-cnn';

const PEER = '/work/shared/peer/torch_reference.py';
const PYTHON = '/usr/bin/python3';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

interface Rate {
  /** Training samples per wall-clock second. */
  samplesPerSecond: number;
  /** Training samples per CPU second (user + system) of the training process. */
  samplesPerCpuSecond?: number;
}

/** Samples/s of `steps` training steps after a short warm-up (XNNPACK operator caches, heap growth). */
function measureOurs(tf: TF, steps: number, data: ReturnType<typeof loadFashionMnist>): Rate & { loss: number } {
  const weights = createWeights(tf);
  const opt = tf.train.adam(1e-3);
  const step = (i: number): number => {
    const b = batchAt(tf, data, i);
    const loss = trainStep(tf, opt, weights, b.x, b.y);
    tf.dispose([b.x, b.y]);
    return loss;
  };
  for (let i = 0; i < 5; i++) step(i);
  let samples = 0;
  let loss = NaN;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    loss = step(i);
    samples += Math.min(BATCH, data.y.length - ((i * BATCH) % data.y.length));
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  tf.dispose(weights);
  opt.dispose();
  return { samplesPerSecond: samples / seconds, samplesPerCpuSecond: samples / ((cpu.user + cpu.system) / 1e6), loss };
}

/** One peer run: its reported samples/s and the CPU seconds the python process used (bash's `time`). */
function runPeer(samples: number, epochs: number): { samplesPerSecond: number; cpuSeconds: number } | undefined {
  const script = `TIMEFORMAT='cpu %U %S'; time ${PYTHON} ${PEER} --threads 1 --max-train-samples ${samples} --epochs ${epochs} --json`;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 300_000 });
  const line = r.stdout?.trim().split('\n').pop();
  const cpu = /cpu ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  try {
    const { samplesPerSecond } = JSON.parse(line ?? '') as { samplesPerSecond: number };
    return { samplesPerSecond, cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN };
  } catch {
    process.stderr.write(`PyTorch peer unavailable: ${(r.stderr || r.error?.message || 'no output').trim().split('\n').pop()}\n`);
    return undefined;
  }
}

/** The peer's rates with one thread on as many samples as we train, or undefined without PyTorch. */
function measureTorch(samples: number): Rate | undefined {
  if (!existsSync(PEER)) return undefined;
  const once = runPeer(samples, 1);
  const thrice = once && runPeer(samples, 3);
  if (!once || !thrice) return undefined;
  const extraCpu = thrice.cpuSeconds - once.cpuSeconds;
  return { samplesPerSecond: once.samplesPerSecond, samplesPerCpuSecond: extraCpu > 0 ? (2 * samples) / extraCpu : undefined };
}

/**
 * GFLOP per CPU-second of a large XNNPACK matmul: the single-thread arithmetic limit the roofline is
 * measured against (CPU time, so that other processes on the machine do not lower it).
 */
function matmulGflops(tf: TF): number {
  const [m, k, n] = [512, 1024, 512];
  const a = tf.randomUniform([m, k]);
  const b = tf.randomUniform([k, n]);
  tf.matMul(a, b).dispose();
  const reps = 8;
  let seconds = Infinity;
  for (let r = 0; r < 3; r++) {
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < reps; i++) tf.matMul(a, b).dispose();
    const cpu = process.cpuUsage(cpu0);
    seconds = Math.min(seconds, (cpu.user + cpu.system) / 1e6);
  }
  tf.dispose([a, b]);
  return (2 * m * k * n * reps) / seconds / 1e9;
}

async function main(): Promise<void> {
  const steps = Number(flag('steps', '100'));
  const repeat = Number(flag('repeat', '3'));
  const choice = flag('backend', 'wasm');
  if (!isBackendChoice(choice)) throw new Error(`unknown backend ${choice}`);
  const init = await initBackend(choice, { log: (m) => process.stderr.write(`${m}\n`) });
  const { tf } = init;
  let { description } = init;
  if (process.argv.includes('--builtin') && init.name === 'wasm') {
    restoreWasmKernels(tf, trainingKernelOriginals(tf));
    description = 'wasm built-in kernels (+ our Conv2DBackpropFilter, which it lacks)';
  }
  const data = loadFashionMnist(steps * BATCH);
  const flops = trainingFlopsPerSample();
  const peak = matmulGflops(tf);
  console.log(`backend: ${description}`);
  console.log(`reference CNN: ${(flops / 1e6).toFixed(2)} MFLOP per training sample; XNNPACK matmul here ${peak.toFixed(1)} GFLOP per CPU-second → roofline ${Math.round((peak * 1e9) / flops)} samples per CPU-second`);
  const rows: Array<{ ours: Rate; torch?: Rate }> = [];
  for (let r = 0; r < repeat; r++) {
    const ours = measureOurs(tf, steps, data);
    const torch = process.argv.includes('--no-torch') ? undefined : measureTorch(steps * BATCH);
    rows.push({ ours, torch });
    const gflops = ((ours.samplesPerCpuSecond ?? ours.samplesPerSecond) * flops) / 1e9;
    const cpuRatio = torch?.samplesPerCpuSecond && ours.samplesPerCpuSecond ? `, per CPU-second ${(ours.samplesPerCpuSecond / torch.samplesPerCpuSecond).toFixed(2)}× (${ours.samplesPerCpuSecond.toFixed(0)} vs ${torch.samplesPerCpuSecond.toFixed(0)})` : '';
    const ratio = torch ? ` | PyTorch 1 thread ${torch.samplesPerSecond.toFixed(0)} samples/s | ratio ${(ours.samplesPerSecond / torch.samplesPerSecond).toFixed(2)}×${cpuRatio}` : '';
    console.log(
      `run ${r + 1}: ours ${ours.samplesPerSecond.toFixed(0)} samples/s (${gflops.toFixed(2)} GFLOP per CPU-second, ${((100 * gflops) / peak).toFixed(0)}% of roofline, loss ${ours.loss.toFixed(3)})${ratio}`,
    );
  }
  const best = (xs: number[]): number => Math.max(...xs);
  const median = (xs: number[]): number | null => (xs.length ? ([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number) : null);
  const torchRuns = rows.flatMap((r) => (r.torch ? [r.torch.samplesPerSecond] : []));
  const oursBest = best(rows.map((r) => r.ours.samplesPerSecond));
  const cpuRatios = rows.flatMap((r) => (r.torch?.samplesPerCpuSecond && r.ours.samplesPerCpuSecond ? [r.ours.samplesPerCpuSecond / r.torch.samplesPerCpuSecond] : []));
  console.log(
    JSON.stringify({
      backend: description,
      oursSamplesPerSecond: Math.round(oursBest),
      torchSamplesPerSecond: torchRuns.length ? Math.round(best(torchRuns)) : null,
      ratioPerRun: rows.map((r) => (r.torch ? +(r.ours.samplesPerSecond / r.torch.samplesPerSecond).toFixed(3) : null)),
      cpuSecondRatioMedian: cpuRatios.length ? +(median(cpuRatios) as number).toFixed(3) : null,
      rooflineFraction: +((best(rows.map((r) => r.ours.samplesPerCpuSecond ?? 0)) * flops) / 1e9 / peak).toFixed(3),
      matmulGflops: +peak.toFixed(2),
    }),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
