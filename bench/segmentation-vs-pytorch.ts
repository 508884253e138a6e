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
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { analyzeModel, TASKS } from '../src/model';
import { namedClasses } from '../src/model/infer/modelChecks';
import { loadDataset } from '../src/trainer/datasets';
import { readMetrics } from '../src/trainer/runs/reader';
import { RUN_FILES } from '../src/trainer/runs/store';
import type { ImageSet } from '../src/trainer/datasets/types';
import { lastJsonLine } from './childJson';
import { withSeed } from './autoencoder-compare';

const ROOT = resolve(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const TWIN = join(ROOT, 'bench', 'torch-segmentation.py');
const PYTHON = process.env.CNNLAB_PYTHON ?? '/usr/bin/python3';
export const MIOU_LIMIT = 0.02;

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

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

/** The run's dataset, loaded as cnnlab train loads it, written as SPLIT-images.u8 / SPLIT-masks.u8 + data.json. */
export async function exportData(modelFile: string, text: string, folder: string): Promise<number> {
  const analysis = analyzeModel(text);
  const dataset = await loadDataset({
    input: analysis.input as [number, number, number], data: analysis.data, pipeline: analysis.pipeline, seed: analysis.train.seed,
    target: TASKS[analysis.task].target, maskClasses: analysis.outputShape[0], classes: namedClasses(analysis.classes), baseDir: dirname(modelFile),
  });
  const splits: Record<string, ImageSet> = { train: dataset.train, validation: dataset.validation, test: dataset.test };
  for (const [name, set] of Object.entries(splits)) {
    writeFileSync(join(folder, `${name}-images.u8`), set.images.subarray(0, set.count * set.height * set.width * set.channels));
    writeFileSync(join(folder, `${name}-masks.u8`), (set.masks as Uint8Array).subarray(0, set.count * set.height * set.width));
  }
  const { height, width, channels } = dataset.train;
  const counts = Object.fromEntries(Object.entries(splits).map(([name, set]) => [name, set.count]));
  writeFileSync(join(folder, 'data.json'), JSON.stringify({ height, width, channels, classes: dataset.classes, splits: counts }));
  return dataset.train.count;
}

async function seedRuns(modelFile: string, seed: number, epochs: string[], backend: string, outDir: string): Promise<{ ours: Run; torch: Run }> {
  const copy = join(outDir, `seed-${seed}.cnn.yaml`);
  const text = withSeed(readFileSync(modelFile, 'utf8'), seed);
  writeFileSync(copy, text);
  const data = join(outDir, `data-${seed}`);
  rmSync(data, { recursive: true, force: true });
  mkdirSync(data);
  const exported = await exportData(modelFile, text, data);
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

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main(): Promise<number> {
  const modelFile = resolve(flag('model') ?? join(ROOT, 'examples', 'unet-shapes.cnn.yaml'));
  const seeds = Number(flag('seeds') ?? '1');
  if (!(Number.isInteger(seeds) && seeds >= 1)) throw new Error('usage: --seeds N (≥ 1)');
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`node scripts/build.mjs\` (npm run bench:segmentation does)`);
  const epochs = flag('epochs') ? ['--epochs', flag('epochs') as string] : [];
  const backend = flag('backend') ?? 'wasm';
  const firstSeed = Number(/\bseed:\s*(\d+)/.exec(readFileSync(modelFile, 'utf8'))?.[1] ?? '42');
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
