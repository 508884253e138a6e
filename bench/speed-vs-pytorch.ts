/**
 * The speed goal, measured on the real trainer: `bench/reference-cnn.cnn.yaml` (the reference CNN, batch 64,
 * Adam) trained in this process by the same code as `cnnlab train` (runTraining), against the PyTorch 1.13 peer with
 * one thread, both in the same run. The workers column: the same training with N data-parallel workers (default the
 * physical cores) against PyTorch at its default thread count, and the scaling efficiency from 1 to N workers
 * (samples/s with N ÷ (N × samples/s with 1)).
 *
 *   npm run bench:speed -- [--samples 6400] [--repeat 1] [--backend wasm] [--workers N] [--no-torch]
 *   npm run bench:speed -- --model resnet18 [--batch 8] [--steps 3] [--backend wasm]
 *
 * With --model NAME: forward and backward passes of examples/zoo/NAME.cnn.yaml at its 224×224 input against
 * torchvision's NAME with one thread and with all threads, in the same run (bench/zoo-step.ts).
 *
 * Wall-clock samples/s are each engine's own figure (training steps only, as `cnnlab train --json` reports them).
 * On a shared machine those swing with other people's work, so the ratio is also given per CPU-second: ours from
 * process.cpuUsage() between the batch-progress events of batch 5 and the epoch's last batch (steps, batch
 * preparation and progress records included), PyTorch's from its 1- and 3-epoch runs (see torch-peer.ts).
 * The roofline is this machine's single-thread XNNPACK matmul speed, measured here.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initBackend, isBackendChoice, type BackendChoice } from '../src/trainer/backend/index';
import { runTraining } from '../src/trainer/engine/session';
import { BATCH, trainingFlopsPerSample } from './reference-cnn';
import { matmulSpeed } from './roofline';
import { physicalCores } from '../src/trainer/parallel/cores';
import { measureTorch, torchDefaultThreads, type Rate } from './torch-peer';
import { zooSpeed } from './zoo-step';

const EXAMPLE = resolve(__dirname, 'reference-cnn.cnn.yaml');
/** Batches before the CPU clock starts: XNNPACK operator caches and heap growth settle in the first steps. */
const WARMUP_BATCHES = 5;

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

interface OurRun extends Rate {
  trainSamples: number;
  testAccuracy: number | null;
  backend: string;
}

/** One epoch of the real trainer on `samples` Fashion-MNIST images (before the validation split), with `workers`. */
async function measureOurs(samples: number, backend: BackendChoice, workers: number): Promise<OurRun> {
  const outDir = mkdtempSync(join(tmpdir(), 'cnnlab-speed-'));
  let cpu0: NodeJS.CpuUsage | undefined;
  let timedSamples = 0;
  let cpuSeconds = NaN;
  let trainSamples = 0;
  try {
    const { summary } = await runTraining(
      { modelText: readFileSync(EXAMPLE, 'utf8'), modelPath: EXAMPLE, outDir, backend, epochs: 1, maxTrainSamples: samples, progressIntervalMs: 0, workers },
      {
        onEvent(e) {
          if (e.type === 'started') trainSamples = e.trainSamples;
          if (e.type !== 'progress' || e.metrics.kind !== 'batch') return;
          const m = e.metrics;
          if (m.batch === WARMUP_BATCHES) {
            cpu0 = process.cpuUsage();
            timedSamples = 0;
          } else if (cpu0 && m.batch > WARMUP_BATCHES) {
            timedSamples += m.batch < m.batches ? BATCH : trainSamples - (m.batches - 1) * BATCH;
            if (m.batch === m.batches) {
              const used = process.cpuUsage(cpu0);
              cpuSeconds = (used.user + used.system) / 1e6;
            }
          }
        },
      },
    );
    return {
      samplesPerSecond: summary.samplesPerSecond,
      samplesPerCpuSecond: timedSamples > 0 ? timedSamples / cpuSeconds : undefined,
      trainSamples: summary.trainSamples,
      testAccuracy: summary.test?.accuracy ?? null,
      backend: summary.backendDescription,
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

const fixed = (x: number | undefined, digits = 0): string => (x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits));

interface Round {
  ours: OurRun;
  torch?: Rate;
  /** With N workers, and PyTorch at its default threads. */
  oursN?: OurRun;
  torchN?: Rate;
}

async function main(): Promise<void> {
  const samples = Number(flag('samples', '6400'));
  const repeat = Number(flag('repeat', '1'));
  const backend = flag('backend', 'wasm');
  const workers = Number(flag('workers', String(physicalCores())));
  const zoo = flag('model', '');
  if (zoo && isBackendChoice(backend)) return zooSpeed(zoo, Number(flag('batch', '8')), Number(flag('steps', '3')), backend);
  if (!isBackendChoice(backend) || !(Number.isInteger(samples) && samples >= 640) || !(Number.isInteger(workers) && workers >= 1)) throw new Error('usage: --samples N (≥ 640) --backend wasm|cpu|tensorflow|… --workers N (≥ 1)');
  const { tf } = await initBackend(backend);
  const speed = matmulSpeed(tf);
  const flops = trainingFlopsPerSample();
  const roofline = (speed.gflopsPerCpuSecond * 1e9) / flops;
  const withTorch = !process.argv.includes('--no-torch');
  const torchThreads = withTorch ? torchDefaultThreads() : undefined;
  console.log(
    `roofline: XNNPACK matmul ${speed.gflopsPerCpuSecond.toFixed(1)} GFLOP per CPU-second (${speed.gflopsPerWallSecond.toFixed(1)} per wall-clock second now); ` +
      `reference CNN ${(flops / 1e6).toFixed(2)} MFLOP per training sample → ${roofline.toFixed(0)} samples per CPU-second`,
  );
  const runs: Round[] = [];
  for (let r = 0; r < repeat; r++) {
    const ours = await measureOurs(samples, backend, 1);
    const torch = withTorch ? measureTorch(ours.trainSamples) : undefined;
    const oursN = workers > 1 ? await measureOurs(samples, backend, workers) : undefined;
    const torchN = torchThreads && torchThreads > 1 ? measureTorch(ours.trainSamples, torchThreads, true) : torchThreads === 1 ? torch : undefined;
    runs.push({ ours, torch, oursN, torchN });
    const gflops = ((ours.samplesPerCpuSecond ?? NaN) * flops) / 1e9;
    console.log(`run ${r + 1}: ${ours.backend}, ${ours.trainSamples} training samples`);
    console.log(`  CNN Lab   ${fixed(ours.samplesPerSecond).padStart(6)} samples/s wall, ${fixed(ours.samplesPerCpuSecond).padStart(6)} per CPU-second, ${fixed(gflops, 2)} GFLOP per CPU-second = ${fixed((100 * gflops) / speed.gflopsPerCpuSecond)}% of roofline`);
    if (torch) {
      console.log(`  PyTorch 1 ${fixed(torch.samplesPerSecond).padStart(6)} samples/s wall, ${fixed(torch.samplesPerCpuSecond).padStart(6)} per CPU-second`);
      const cpuRatio = ours.samplesPerCpuSecond && torch.samplesPerCpuSecond ? ours.samplesPerCpuSecond / torch.samplesPerCpuSecond : undefined;
      console.log(`  ratio     ${(ours.samplesPerSecond / torch.samplesPerSecond).toFixed(2)}× wall, ${fixed(cpuRatio, 2)}× per CPU-second`);
    }
    if (oursN) {
      console.log(`  CNN Lab, ${workers} workers   ${fixed(oursN.samplesPerSecond).padStart(6)} samples/s wall, ${fixed(oursN.samplesPerCpuSecond).padStart(6)} per CPU-second; scaling efficiency ${fixed((100 * oursN.samplesPerSecond) / (workers * ours.samplesPerSecond))}%`);
    }
    if (torchN) {
      console.log(`  PyTorch, ${torchThreads} threads (default) ${fixed(torchN.samplesPerSecond).padStart(6)} samples/s wall`);
      console.log(`  ratio     ${((oursN ?? ours).samplesPerSecond / torchN.samplesPerSecond).toFixed(2)}× wall (${workers} workers vs PyTorch's default threads)`);
    }
  }
  const median = (xs: number[]): number | null => (xs.length ? ([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number) : null);
  const round3 = (x: number | null): number | null => (x === null ? null : +x.toFixed(3));
  const both = runs.filter((r): r is Round & { torch: Rate } => r.torch !== undefined);
  const oursCpu = median(runs.flatMap((r) => (r.ours.samplesPerCpuSecond ? [r.ours.samplesPerCpuSecond] : [])));
  const parallel = runs.filter((r): r is Round & { oursN: OurRun } => r.oursN !== undefined);
  const versusDefault = parallel.filter((r): r is Round & { oursN: OurRun; torchN: Rate } => r.torchN !== undefined);
  console.log(
    JSON.stringify({
      backend: runs[0]?.ours.backend,
      trainSamples: runs[0]?.ours.trainSamples,
      oursSamplesPerSecond: median(runs.map((r) => r.ours.samplesPerSecond)),
      oursSamplesPerCpuSecond: oursCpu === null ? null : Math.round(oursCpu),
      torchSamplesPerSecond: median(both.map((r) => r.torch.samplesPerSecond)),
      torchSamplesPerCpuSecond: median(both.flatMap((r) => (r.torch.samplesPerCpuSecond ? [Math.round(r.torch.samplesPerCpuSecond)] : []))),
      wallRatio: round3(median(both.map((r) => r.ours.samplesPerSecond / r.torch.samplesPerSecond))),
      cpuSecondRatio: round3(median(both.flatMap((r) => (r.ours.samplesPerCpuSecond && r.torch.samplesPerCpuSecond ? [r.ours.samplesPerCpuSecond / r.torch.samplesPerCpuSecond] : [])))),
      matmulGflopsPerCpuSecond: +speed.gflopsPerCpuSecond.toFixed(2),
      matmulGflopsPerWallSecond: +speed.gflopsPerWallSecond.toFixed(2),
      rooflineFraction: oursCpu === null ? null : +((oursCpu * flops) / 1e9 / speed.gflopsPerCpuSecond).toFixed(3),
      workers,
      oursWorkersSamplesPerSecond: median(parallel.map((r) => r.oursN.samplesPerSecond)),
      scalingEfficiency: round3(median(parallel.map((r) => r.oursN.samplesPerSecond / (workers * r.ours.samplesPerSecond)))),
      torchDefaultThreads: torchThreads ?? null,
      torchDefaultSamplesPerSecond: median(runs.flatMap((r) => (r.torchN ? [r.torchN.samplesPerSecond] : []))),
      workersVsTorchDefaultRatio: round3(median(versusDefault.map((r) => r.oursN.samplesPerSecond / r.torchN.samplesPerSecond))),
    }),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
