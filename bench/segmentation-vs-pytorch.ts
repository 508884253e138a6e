/**
 * The segmentation check against PyTorch (issue 14): examples/unet-shapes.cnn.yaml trained by the real
 * `cnnlab train --json` and by its PyTorch twin (bench/torch-segmentation.py, which reads the same file) on the same
 * generated images and masks: this script loads the dataset exactly as the run does (same seed: same scenes, same
 * validation split) and exports the three splits as raw bytes for the twin. Seed by seed, one thread each, one
 * after the other, in the same run.
 *
 *   npm run bench:segmentation -- [--seeds 1] [--model FILE] [--epochs N] [--backend wasm]
 *
 * The limit applies to the mean over the seeds: test mIoU within 0.02 of PyTorch's. Samples/s of both engines are
 * printed (training steps only). Exit 1 when the limit fails or a run fails.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { readMetrics } from '../src/trainer/runs/reader';
import { RUN_FILES } from '../src/trainer/runs/store';
import { lastJsonLine } from './childJson';
import { mean, seedCopy, twinBenchArgs } from './twinBench';

const ROOT = resolve(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const TWIN = join(ROOT, 'bench', 'torch-segmentation.py');
const PYTHON = process.env.CNNLAB_PYTHON ?? '/usr/bin/python3';
export const MIOU_LIMIT = 0.02;

interface Run {
  seed: number;
  trainSamples: number;
  samplesPerSecond: number;
  testMeanIou: number;
  testAccuracy: number;
  seconds: number;
  /** Validation mIoU after each epoch: where the two engines' curves part, if they do. */
  valMeanIou: number[];
}

async function seedRuns(modelFile: string, seed: number, epochs: string[], backend: string, outDir: string): Promise<{ ours: Run; torch: Run }> {
  const { copy, data, exported } = await seedCopy(modelFile, seed, outDir);
  let start = Date.now();
  const mine = lastJsonLine<Run & { runDir: string; status: string; error: string | null; task: string }>(process.execPath, [CLI, 'train', copy, '--json', '--out', outDir, '--backend', backend, ...epochs]);
  const oursSeconds = (Date.now() - start) / 1000;
  if (mine.status !== 'done' || mine.task !== 'segmentation') throw new Error(`cnnlab train (seed ${seed}): ${mine.status} ${mine.error ?? mine.task}`);
  if (mine.trainSamples !== exported) throw new Error(`the exported training set has ${exported} images but the run trained on ${mine.trainSamples}: not the same data`);
  start = Date.now();
  const theirs = lastJsonLine<Run & { epochLog: Array<{ valMeanIou: number }> }>(PYTHON, [TWIN, copy, '--data', data, '--json', '--seed', String(seed), ...epochs]);
  const torchSeconds = (Date.now() - start) / 1000;
  const pick = (r: Omit<Run, 'valMeanIou'>, seconds: number, valMeanIou: number[]): Run => ({ seed, trainSamples: r.trainSamples, samplesPerSecond: r.samplesPerSecond, testMeanIou: r.testMeanIou, testAccuracy: r.testAccuracy, seconds, valMeanIou });
  const ourCurve = readMetrics(join(mine.runDir, RUN_FILES.metrics)).flatMap((m) => (m.kind === 'epoch' ? [m.valMeanIou ?? NaN] : []));
  return { ours: pick(mine, oursSeconds, ourCurve), torch: pick(theirs, torchSeconds, theirs.epochLog.map((e) => e.valMeanIou)) };
}

async function main(): Promise<number> {
  const { modelFile, seeds, epochs, backend, firstSeed } = twinBenchArgs(join(ROOT, 'examples', 'unet-shapes.cnn.yaml'), CLI, 'bench:segmentation');
  const outDir = mkdtempSync(join(tmpdir(), 'cnnlab-seg-bench-'));
  const ours: Run[] = [];
  const torch: Run[] = [];
  console.log(`${basename(modelFile)}, ${seeds} seed(s) from ${firstSeed}, ${epochs.join(' ') || 'the file\'s epochs'}; backend ${backend}, PyTorch 1 thread; the same exported images and masks`);
  try {
    for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
      const runs = await seedRuns(modelFile, seed, epochs, backend, outDir);
      ours.push(runs.ours);
      torch.push(runs.torch);
      const curve = (r: Run) => r.valMeanIou.map((x) => x.toFixed(2)).join(' ');
      console.log(`  seed ${seed}, validation mIoU per epoch: CNN Lab ${curve(runs.ours)}; PyTorch ${curve(runs.torch)}`);
      console.log(`  seed ${seed}: CNN Lab mIoU ${runs.ours.testMeanIou.toFixed(4)} (${runs.ours.samplesPerSecond.toFixed(0)} samples/s, ${runs.ours.seconds.toFixed(0)} s); PyTorch mIoU ${runs.torch.testMeanIou.toFixed(4)} (${runs.torch.samplesPerSecond.toFixed(0)} samples/s, ${runs.torch.seconds.toFixed(0)} s)`);
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  const [oursIou, torchIou] = [mean(ours.map((r) => r.testMeanIou)), mean(torch.map((r) => r.testMeanIou))];
  const [oursSpeed, torchSpeed] = [mean(ours.map((r) => r.samplesPerSecond)), mean(torch.map((r) => r.samplesPerSecond))];
  const difference = oursIou - torchIou;
  const pass = Math.abs(difference) <= MIOU_LIMIT;
  console.log(`ours − PyTorch: test mIoU ${difference >= 0 ? '+' : ''}${difference.toFixed(4)} (limit ±${MIOU_LIMIT}); samples/s ${oursSpeed.toFixed(0)} vs ${torchSpeed.toFixed(0)} (×${(oursSpeed / torchSpeed).toFixed(2)})`);
  console.log(JSON.stringify({
    model: basename(modelFile), seeds, date: new Date().toISOString().slice(0, 10), options: epochs.join(' '), backend,
    oursTestMeanIou: +oursIou.toFixed(4), torchTestMeanIou: +torchIou.toFixed(4), meanIouDifference: +difference.toFixed(4),
    oursPixelAccuracy: +mean(ours.map((r) => r.testAccuracy)).toFixed(4), torchPixelAccuracy: +mean(torch.map((r) => r.testAccuracy)).toFixed(4),
    oursSamplesPerSecond: Math.round(oursSpeed), torchSamplesPerSecond: Math.round(torchSpeed), speedRatio: +(oursSpeed / torchSpeed).toFixed(3),
    oursSeconds: Math.round(mean(ours.map((r) => r.seconds))), torchSeconds: Math.round(mean(torch.map((r) => r.seconds))), pass,
  }));
  if (!pass) console.error(`FAIL test mIoU differs by ${difference.toFixed(4)}, more than ${MIOU_LIMIT}`);
  return pass ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
