/**
 * The detection check against PyTorch (issue 15): examples/detector-shapes.cnn.yaml trained by the real
 * `cnnlab train --json` and by its PyTorch twin (bench/torch-detection.py, which reads the same file and uses the
 * DetectionHead of the file's exported model.py) on the same generated scenes and boxes, exported as the run loads
 * them (same seed: same scenes, same validation split). Seed by seed, one thread each, one after the other.
 *
 *   npm run bench:detection -- [--seeds 1] [--model FILE] [--epochs N] [--backend wasm] [--twin torch-detection.py|train.py]
 *
 * `--twin train.py` trains the PyTorch side with the exported train.py of CNN Lab's run instead (bench/exportedTwin.ts:
 * `cnnlab export --format pytorch`, one process, one thread): the code a user keeps, on the same generated scenes,
 * with its own validation split.
 *
 * The limit applies to the mean over the seeds: test mAP@0.5 within 0.03 of PyTorch's. mAP@[.5:.95] and the samples/s
 * of both engines (training steps only) are printed. Exit 1 when the limit fails or a run fails.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { analyzeModel } from '../src/model';
import { modelPy } from '../src/export/pytorch/modelPy';
import { readMetrics } from '../src/trainer/runs/reader';
import { RUN_FILES } from '../src/trainer/runs/store';
import { lastJsonLine } from './childJson';
import { trainExportedTwin } from './exportedTwin';
import { mean, seedCopy, twinBenchArgs } from './twinBench';

const ROOT = resolve(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const TWIN = join(ROOT, 'bench', 'torch-detection.py');
const PYTHON = process.env.CNNLAB_PYTHON ?? '/usr/bin/python3';
export const MAP50_LIMIT = 0.03;

interface Run {
  seed: number;
  trainSamples: number;
  samplesPerSecond: number;
  testMap50: number;
  testMap: number;
  seconds: number;
  /** Validation mAP@0.5 after each epoch. */
  valMap50: number[];
}

/** Which PyTorch side: bench/torch-detection.py (default) or the exported train.py. */
type Twin = 'torch-detection.py' | 'train.py';

function twinArg(): Twin {
  const i = process.argv.indexOf('--twin');
  const twin = i >= 0 ? process.argv[i + 1] : 'torch-detection.py';
  if (twin !== 'torch-detection.py' && twin !== 'train.py') throw new Error('usage: --twin torch-detection.py|train.py');
  return twin;
}

async function seedRuns(modelFile: string, seed: number, epochs: string[], backend: string, outDir: string, twin: Twin): Promise<{ ours: Run; torch: Run }> {
  const { copy, text, data, exported } = await seedCopy(modelFile, seed, outDir);
  const analysis = analyzeModel(text);
  writeFileSync(join(data, 'model.py'), modelPy(analysis, analysis.classes, basename(modelFile)));
  let start = Date.now();
  const mine = lastJsonLine<Omit<Run, 'valMap50'> & { runDir: string; status: string; error: string | null; task: string }>(process.execPath, [CLI, 'train', copy, '--json', '--out', outDir, '--backend', backend, ...epochs]);
  const oursSeconds = (Date.now() - start) / 1000;
  if (mine.status !== 'done' || mine.task !== 'detection') throw new Error(`cnnlab train (seed ${seed}): ${mine.status} ${mine.error ?? mine.task}`);
  if (mine.trainSamples !== exported) throw new Error(`the exported training set has ${exported} images but the run trained on ${mine.trainSamples}: not the same data`);
  const ourCurve = readMetrics(join(mine.runDir, RUN_FILES.metrics)).flatMap((m) => (m.kind === 'epoch' ? [m.valMap50 ?? NaN] : []));
  const pick = (r: Omit<Run, 'valMap50' | 'seconds' | 'seed'>, seconds: number, valMap50: number[]): Run => ({ seed, trainSamples: r.trainSamples, samplesPerSecond: r.samplesPerSecond, testMap50: r.testMap50, testMap: r.testMap, seconds, valMap50 });
  if (twin === 'train.py') {
    const t = trainExportedTwin(CLI, PYTHON, mine.runDir, join(outDir, `exported-${seed}`), epochs);
    const s = t.summary;
    const figures = { trainSamples: s.trainSamples ?? 0, samplesPerSecond: s.samplesPerSecond ?? 0, testMap50: s.testMap50 as number, testMap: s.testMap as number };
    return { ours: pick(mine, oursSeconds, ourCurve), torch: pick(figures, t.seconds, t.epochs.map((e) => e.valMap50 ?? NaN)) };
  }
  start = Date.now();
  const theirs = lastJsonLine<Omit<Run, 'valMap50'> & { epochLog: Array<{ valMap50: number }> }>(PYTHON, [TWIN, copy, '--data', data, '--json', '--seed', String(seed), ...epochs]);
  const torchSeconds = (Date.now() - start) / 1000;
  return { ours: pick(mine, oursSeconds, ourCurve), torch: pick(theirs, torchSeconds, theirs.epochLog.map((e) => e.valMap50)) };
}

async function main(): Promise<number> {
  const { modelFile, seeds, epochs, backend, firstSeed } = twinBenchArgs(join(ROOT, 'examples', 'detector-shapes.cnn.yaml'), CLI, 'bench:detection');
  const twin = twinArg();
  const outDir = mkdtempSync(join(tmpdir(), 'cnnlab-det-bench-'));
  const ours: Run[] = [];
  const torch: Run[] = [];
  console.log(`${basename(modelFile)}, ${seeds} seed(s) from ${firstSeed}, ${epochs.join(' ') || 'the file\'s epochs'}; backend ${backend}, PyTorch 1 thread (${twin}); the same exported scenes and boxes`);
  try {
    for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
      const runs = await seedRuns(modelFile, seed, epochs, backend, outDir, twin);
      ours.push(runs.ours);
      torch.push(runs.torch);
      const curve = (r: Run) => r.valMap50.map((x) => x.toFixed(2)).join(' ');
      console.log(`  seed ${seed}, validation mAP@0.5 per epoch: CNN Lab ${curve(runs.ours)}; PyTorch ${curve(runs.torch)}`);
      const line = (r: Run) => `mAP@0.5 ${r.testMap50.toFixed(4)}, mAP@[.5:.95] ${r.testMap.toFixed(4)} (${r.samplesPerSecond.toFixed(0)} samples/s, ${r.seconds.toFixed(0)} s)`;
      console.log(`  seed ${seed}: CNN Lab ${line(runs.ours)}; PyTorch ${line(runs.torch)}`);
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  const [oursMap50, torchMap50] = [mean(ours.map((r) => r.testMap50)), mean(torch.map((r) => r.testMap50))];
  const [oursSpeed, torchSpeed] = [mean(ours.map((r) => r.samplesPerSecond)), mean(torch.map((r) => r.samplesPerSecond))];
  const difference = oursMap50 - torchMap50;
  const pass = Math.abs(difference) <= MAP50_LIMIT;
  console.log(`ours − PyTorch: test mAP@0.5 ${difference >= 0 ? '+' : ''}${difference.toFixed(4)} (limit ±${MAP50_LIMIT}); samples/s ${oursSpeed.toFixed(0)} vs ${torchSpeed.toFixed(0)} (×${(oursSpeed / torchSpeed).toFixed(2)})`);
  console.log(JSON.stringify({
    model: basename(modelFile), twin, seeds, date: new Date().toISOString().slice(0, 10), options: epochs.join(' '), backend,
    oursTestMap50: +oursMap50.toFixed(4), torchTestMap50: +torchMap50.toFixed(4), map50Difference: +difference.toFixed(4),
    oursTestMap: +mean(ours.map((r) => r.testMap)).toFixed(4), torchTestMap: +mean(torch.map((r) => r.testMap)).toFixed(4),
    oursSamplesPerSecond: Math.round(oursSpeed), torchSamplesPerSecond: Math.round(torchSpeed), speedRatio: +(oursSpeed / torchSpeed).toFixed(3),
    oursSeconds: Math.round(mean(ours.map((r) => r.seconds))), torchSeconds: Math.round(mean(torch.map((r) => r.seconds))), pass,
  }));
  if (!pass) console.error(`FAIL test mAP@0.5 differs by ${difference.toFixed(4)}, more than ${MAP50_LIMIT}`);
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
