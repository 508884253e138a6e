/**
 * The speed goal, measured on the real trainer: `bench/reference-cnn.cnn.yaml` (the reference CNN, batch 64,
 * Adam) trained in this process by the same code as `cnnlab train` (runTraining), against the PyTorch 1.13 peer with
 * one thread, both in the same run. The workers column: the same training with each count of data-parallel workers
 * of `--workers` (default 1 and the physical cores; `--workers N` alone means 1 and N) against PyTorch at its
 * default thread count, and the scaling efficiency from 1 to N workers (samples/s with N ÷ (N × samples/s with 1)).
 * `--profile` adds where each step's time goes, per thread and phase (bench/step-phases-table.ts). The scaling is
 * also measured within one run, 1 and N workers in alternating windows of steps (bench/alternating-steps.ts): on a
 * shared machine whose speed drifts, the figure to rank by.
 *
 *   npm run bench:speed -- [--samples 60000] [--repeat 1] [--backend wasm] [--workers 1,2] [--profile] [--no-torch]
 *   npm run bench:speed -- --workers 2 --alternating [--model FILE.cnn.yaml] [--samples N]   (only the alternating-windows scaling, below)
 *   npm run bench:speed -- --model resnet18 [--batch 8] [--steps 3] [--backend wasm]
 *   npm run bench:speed -- --model examples/fashion-bn-augment.cnn.yaml --per-cpu [--steps 300] [--warmup 50] [--rounds 3] [--backend wasm]
 *
 * With --model NAME: forward and backward passes of examples/zoo/NAME.cnn.yaml at its 224×224 input against
 * torchvision's NAME with one thread and with all threads, in the same run (bench/zoo-step.ts).
 * With --model FILE.cnn.yaml (a Fashion-MNIST classifier): its training steps, augmentation included, against its
 * PyTorch twin with one thread, as samples per CPU-second (--per-cpu, the only figure this mode ranks by; see
 * bench/model-speed.ts).
 *
 * Both engines are timed in their steady state: ours over its second epoch, between the batch-progress events of
 * its first and last batch (wall clock, and process.cpuUsage() for the CPU figure), PyTorch's from its 1- and
 * 3-epoch runs; our first epoch after its batch 50 is shown too.
 * On a shared machine wall-clock figures swing with other people's work, so the ratio is also given per CPU-second:
 * ours counts every thread of the process (the data-parallel workers too; steps, batch preparation and progress
 * records included), PyTorch's (torch-peer.ts) its process, with one thread and with its default threads.
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
import { StepProfile, type PhaseTotals } from '../src/trainer/engine/stepPhases';
import { perStep, phaseLines } from './step-phases-table';
import { measureTorch, torchDefaultThreads, type Rate } from './torch-peer';
import { zooSpeed } from './zoo-step';
import { modelSpeed } from './model-speed';
import { AlternatingSteps, type AlternatingScaling } from './alternating-steps';
import { flagOr, medianOrNull } from './cli';

const EXAMPLE = resolve(__dirname, 'reference-cnn.cnn.yaml');
/**
 * Ours is timed over its second epoch, as PyTorch's CPU figure is over its 2nd and 3rd (its 3-epoch minus its
 * 1-epoch run): V8's optimising compiler is still at work for hundreds of steps, twice over with two workers (each
 * has its own isolate), and some of it only starts once a step's code has run in every form (validation's).
 * The first epoch after its 50th batch is shown beside it.
 */
const WARMUP_BATCHES = 50;

interface OurRun extends Rate {
  trainSamples: number;
  testAccuracy: number | null;
  backend: string;
  /** The first epoch after its warm-up batches: samples per wall-clock second. */
  firstEpochSamplesPerSecond: number;
  /** With --profile: ms per step by thread and phase, over the timed steps. */
  phases?: PhaseTotals;
}

/** The clocks of one timed stretch of an epoch's batches: wall, the process's CPU and (optionally) step phases. */
class Stretch {
  private cpu0: NodeJS.CpuUsage | undefined;
  private wall0 = NaN;
  private phases0: PhaseTotals | undefined;
  private steps = 0;
  samples = 0;
  wallSeconds = NaN;
  cpuSeconds = NaN;
  phases: PhaseTotals | undefined;

  constructor(
    readonly epoch: number,
    readonly firstBatch: number,
    private readonly profile: StepProfile | undefined,
  ) {}

  /** Counts batch `m` (its event comes after its step): the clocks start at firstBatch and stop at the epoch's last. */
  see(m: { epoch: number; batch: number; batches: number }, batchSize: number): void {
    if (m.epoch !== this.epoch || m.batch < this.firstBatch) return;
    if (m.batch === this.firstBatch) {
      [this.cpu0, this.wall0, this.phases0] = [process.cpuUsage(), performance.now(), this.profile?.snapshot()];
      return;
    }
    this.samples += batchSize;
    this.steps += 1;
    if (m.batch < m.batches || !this.cpu0) return;
    const used = process.cpuUsage(this.cpu0);
    this.cpuSeconds = (used.user + used.system) / 1e6;
    this.wallSeconds = (performance.now() - this.wall0) / 1000;
    if (this.profile && this.phases0) this.phases = perStep(this.phases0, this.profile.snapshot(), this.steps);
  }
}

/** Two epochs of the real trainer on `samples` Fashion-MNIST images (before the validation split), with `workers`. */
async function measureOurs(samples: number, backend: BackendChoice, workers: number, profile: boolean): Promise<OurRun> {
  const outDir = mkdtempSync(join(tmpdir(), 'cnnlab-speed-'));
  const stepProfile = profile ? new StepProfile() : undefined;
  const first = new Stretch(1, WARMUP_BATCHES, undefined);
  const steady = new Stretch(2, 1, stepProfile);
  let trainSamples = 0;
  try {
    const { summary } = await runTraining(
      { modelText: readFileSync(EXAMPLE, 'utf8'), modelPath: EXAMPLE, outDir, backend, epochs: 2, maxTrainSamples: samples, progressIntervalMs: 0, workers },
      {
        stepProfile,
        onEvent(e) {
          if (e.type === 'started') trainSamples = e.trainSamples;
          if (e.type !== 'progress' || e.metrics.kind !== 'batch') return;
          const m = e.metrics;
          const size = m.batch < m.batches ? BATCH : trainSamples - (m.batches - 1) * BATCH;
          first.see(m, size);
          steady.see(m, size);
        },
      },
    );
    if (!(first.samples > 0)) throw new Error(`--samples: more than ${WARMUP_BATCHES} batches of ${BATCH} needed (the first ${WARMUP_BATCHES} are warm-up)`);
    return {
      // Over the timed batches, as the CPU figure (the loop between steps included); the run's own figure counts warm-up.
      samplesPerSecond: steady.samples / steady.wallSeconds,
      samplesPerCpuSecond: steady.samples / steady.cpuSeconds,
      firstEpochSamplesPerSecond: first.samples / first.wallSeconds,
      trainSamples: summary.trainSamples,
      testAccuracy: summary.test?.accuracy ?? null,
      backend: summary.backendDescription,
      phases: steady.phases,
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** Steps per window of the alternating measurement: 16 windows an epoch, ~0.7 s each with one worker. */
const WINDOW_STEPS = 50;

/**
 * Scaling measured within one run (bench/alternating-steps.ts): three epochs, the first one warm-up, with 1 and
 * `workers` workers in alternating windows of WINDOW_STEPS steps.
 */
async function measureAlternating(samples: number, backend: BackendChoice, workers: number, model = EXAMPLE): Promise<AlternatingScaling | undefined> {
  const outDir = mkdtempSync(join(tmpdir(), 'cnnlab-speed-'));
  let alternating: AlternatingSteps | undefined;
  try {
    await runTraining(
      { modelText: readFileSync(model, 'utf8'), modelPath: model, outDir, backend, epochs: 3, maxTrainSamples: samples, progressIntervalMs: 0, workers },
      {
        stepRunner: (parallel) => parallel && (alternating = new AlternatingSteps(parallel, workers, WINDOW_STEPS, 2)),
        onEvent(e) {
          if (e.type === 'progress' && e.metrics.kind === 'batch' && e.metrics.batch === e.metrics.batches) alternating?.endEpoch();
        },
      },
    );
    return alternating?.scaling();
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

function alternatingLine(a: AlternatingScaling | undefined, workers: number): string {
  if (!a) return `  alternating windows: no pair of windows timed (${workers} workers ran as one: the backend has its own threads?)`;
  return (
    `  alternating windows of ${a.windowSteps} steps in one run (epochs 2–3): 1 worker ${a.oneWorkerSamplesPerSecond}, ${workers} workers ${a.workersSamplesPerSecond} samples/s; ` +
    `scaling efficiency ${fixed(100 * a.scalingEfficiency)}% (per CPU-second ${fixed(100 * a.perCpuScaling)}%), median of ${a.pairs} windows`
  );
}

const fixed = (x: number | undefined, digits = 0): string => (x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits));

interface Round {
  /** By worker count: 1 first, then the others of --workers. */
  ours: Map<number, OurRun>;
  torch?: Rate;
  /** PyTorch at its default threads. */
  torchN?: Rate;
}

/** --workers: "1,2" (each count), or "N" alone (1 and N, as before lists). */
function workerCounts(text: string): number[] {
  const counts = text.split(',').map(Number);
  if (!counts.every((n) => Number.isInteger(n) && n >= 1)) throw new Error(`--workers ${text}: worker counts (≥ 1), comma-separated`);
  return [...new Set([1, ...counts])].sort((a, b) => a - b);
}

const ratio = (a: number | undefined, b: number | undefined): number | undefined => (a && b ? a / b : undefined);
const round3 = (x: number | null): number | null => (x === null ? null : +x.toFixed(3));
const medianOf = (xs: Array<number | undefined>): number | null => medianOrNull(xs.filter((x): x is number => x !== undefined && Number.isFinite(x)));

async function main(): Promise<void> {
  // The whole training set by default: epoch 2 is then steps 845–1688, as in a real run.
  const samples = Number(flagOr('samples', '60000'));
  const repeat = Number(flagOr('repeat', '1'));
  const backend = flagOr('backend', 'wasm');
  const counts = workerCounts(flagOr('workers', String(physicalCores())));
  const workers = counts[counts.length - 1] as number;
  const profile = process.argv.includes('--profile');
  const zoo = flagOr('model', '');
  if (process.argv.includes('--alternating') && isBackendChoice(backend)) {
    // Only the within-one-run scaling figure (a minute), of the reference CNN or --model FILE.cnn.yaml.
    const a = await measureAlternating(samples, backend, workers, zoo ? resolve(zoo) : EXAMPLE);
    console.log(alternatingLine(a, workers));
    console.log(JSON.stringify({ model: zoo || 'bench/reference-cnn.cnn.yaml', workers, alternating: a ?? null }));
    return;
  }
  if (zoo.endsWith('.cnn.yaml') && isBackendChoice(backend)) return modelSpeed(zoo, Number(flagOr('steps', '300')), backend, Number(flagOr('warmup', '50')), Number(flagOr('rounds', '3')));
  if (zoo && isBackendChoice(backend)) return zooSpeed(zoo, Number(flagOr('batch', '8')), Number(flagOr('steps', '3')), backend);
  if (!isBackendChoice(backend) || !(Number.isInteger(samples) && samples >= 6400)) throw new Error('usage: --samples N (≥ 6400) --backend wasm|cpu|tensorflow|… --workers 1,N');
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
    const ours = new Map<number, OurRun>();
    for (const n of counts) ours.set(n, await measureOurs(samples, backend, n, profile));
    const one = ours.get(1) as OurRun;
    const torch = withTorch ? measureTorch(one.trainSamples) : undefined;
    const torchN = torchThreads && torchThreads > 1 ? measureTorch(one.trainSamples, torchThreads) : torchThreads === 1 ? torch : undefined;
    runs.push({ ours, torch, torchN });
    const gflops = ((one.samplesPerCpuSecond ?? NaN) * flops) / 1e9;
    console.log(`run ${r + 1}: ${one.backend}, ${one.trainSamples} training samples`);
    console.log(`  CNN Lab   ${fixed(one.samplesPerSecond).padStart(6)} samples/s wall, ${fixed(one.samplesPerCpuSecond).padStart(6)} per CPU-second, ${fixed(gflops, 2)} GFLOP per CPU-second = ${fixed((100 * gflops) / speed.gflopsPerCpuSecond)}% of roofline (epoch 2; epoch 1 after batch ${WARMUP_BATCHES}: ${fixed(one.firstEpochSamplesPerSecond)} samples/s)`);
    if (torch) {
      console.log(`  PyTorch 1 ${fixed(torch.samplesPerSecond).padStart(6)} samples/s wall, ${fixed(torch.samplesPerCpuSecond).padStart(6)} per CPU-second`);
      console.log(`  ratio     ${(one.samplesPerSecond / torch.samplesPerSecond).toFixed(2)}× wall, ${fixed(ratio(one.samplesPerCpuSecond, torch.samplesPerCpuSecond), 2)}× per CPU-second`);
    }
    if (torchN && torchThreads && torchThreads > 1) console.log(`  PyTorch, ${torchThreads} threads (default) ${fixed(torchN.samplesPerSecond).padStart(6)} samples/s wall, ${fixed(torchN.samplesPerCpuSecond).padStart(6)} per CPU-second`);
    for (const [n, run] of ours) {
      if (n === 1) continue;
      console.log(`  CNN Lab, ${n} workers   ${fixed(run.samplesPerSecond).padStart(6)} samples/s wall, ${fixed(run.samplesPerCpuSecond).padStart(6)} per CPU-second; scaling efficiency ${fixed((100 * run.samplesPerSecond) / (n * one.samplesPerSecond))}% (per CPU-second ${fixed((100 * (run.samplesPerCpuSecond ?? NaN)) / (one.samplesPerCpuSecond ?? NaN))}%; epoch 1 after batch ${WARMUP_BATCHES}: ${fixed(run.firstEpochSamplesPerSecond)} samples/s, ${fixed((100 * run.firstEpochSamplesPerSecond) / (n * one.firstEpochSamplesPerSecond))}%)`);
      if (torch) console.log(`    vs PyTorch 1 thread ${fixed(ratio(run.samplesPerSecond, torch.samplesPerSecond), 2)}× wall, ${fixed(ratio(run.samplesPerCpuSecond, torch.samplesPerCpuSecond), 2)}× per CPU-second`);
      if (torchN) console.log(`    vs PyTorch ${torchThreads} thread${torchThreads === 1 ? '' : 's'} (default) ${fixed(ratio(run.samplesPerSecond, torchN.samplesPerSecond), 2)}× wall, ${fixed(ratio(run.samplesPerCpuSecond, torchN.samplesPerCpuSecond), 2)}× per CPU-second`);
    }
    if (profile) for (const [n, run] of ours) if (run.phases) console.log(phaseLines(n, run.phases).join('\n'));
  }
  // The same comparison within one run, where the machine's drift cancels out.
  const alternating = workers > 1 ? await measureAlternating(samples, backend, workers) : undefined;
  if (workers > 1) console.log(alternatingLine(alternating, workers));
  const both = runs.filter((r): r is Round & { torch: Rate } => r.torch !== undefined);
  const oneOf = (r: Round) => r.ours.get(1) as OurRun;
  const nOf = (r: Round) => (workers > 1 ? r.ours.get(workers) : undefined);
  const oursCpu = medianOf(runs.map((r) => oneOf(r).samplesPerCpuSecond));
  console.log(
    JSON.stringify({
      backend: runs[0] && oneOf(runs[0]).backend,
      trainSamples: runs[0] && oneOf(runs[0]).trainSamples,
      oursSamplesPerSecond: medianOrNull(runs.map((r) => oneOf(r).samplesPerSecond)),
      oursFirstEpochSamplesPerSecond: medianOrNull(runs.map((r) => oneOf(r).firstEpochSamplesPerSecond)),
      oursSamplesPerCpuSecond: oursCpu === null ? null : Math.round(oursCpu),
      torchSamplesPerSecond: medianOrNull(both.map((r) => r.torch.samplesPerSecond)),
      torchSamplesPerCpuSecond: medianOf(both.map((r) => r.torch.samplesPerCpuSecond && Math.round(r.torch.samplesPerCpuSecond))),
      wallRatio: round3(medianOrNull(both.map((r) => oneOf(r).samplesPerSecond / r.torch.samplesPerSecond))),
      cpuSecondRatio: round3(medianOf(both.map((r) => ratio(oneOf(r).samplesPerCpuSecond, r.torch.samplesPerCpuSecond)))),
      matmulGflopsPerCpuSecond: +speed.gflopsPerCpuSecond.toFixed(2),
      matmulGflopsPerWallSecond: +speed.gflopsPerWallSecond.toFixed(2),
      rooflineFraction: oursCpu === null ? null : +((oursCpu * flops) / 1e9 / speed.gflopsPerCpuSecond).toFixed(3),
      workers,
      oursWorkersSamplesPerSecond: medianOf(runs.map((r) => nOf(r)?.samplesPerSecond)),
      oursWorkersSamplesPerCpuSecond: medianOf(runs.map((r) => nOf(r)?.samplesPerCpuSecond)),
      oursWorkersFirstEpochSamplesPerSecond: medianOf(runs.map((r) => nOf(r)?.firstEpochSamplesPerSecond)),
      scalingEfficiency: round3(medianOf(runs.map((r) => ratio(nOf(r)?.samplesPerSecond, workers * oneOf(r).samplesPerSecond)))),
      torchDefaultThreads: torchThreads ?? null,
      torchDefaultSamplesPerSecond: medianOf(runs.map((r) => r.torchN?.samplesPerSecond)),
      torchDefaultSamplesPerCpuSecond: medianOf(runs.map((r) => r.torchN?.samplesPerCpuSecond)),
      workersVsTorchDefaultRatio: round3(medianOf(runs.map((r) => ratio((nOf(r) ?? oneOf(r)).samplesPerSecond, r.torchN?.samplesPerSecond)))),
      alternating: alternating ?? null,
      ...(profile ? { phases: Object.fromEntries(counts.map((n) => [n, runs[runs.length - 1]?.ours.get(n)?.phases ?? null])) } : {}),
    }),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
