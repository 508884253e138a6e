/**
 * The command line and the data folder shared by the benches that train an example with `cnnlab train --json` and
 * with its PyTorch twin on the same exported data (segmentation, detection): their options, and each seed's copy of
 * the model file with its exported dataset.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { analyzeModel, TASKS } from '../src/model';
import { namedClasses } from '../src/model/infer/modelChecks';
import { loadDataset } from '../src/trainer/datasets';
import { objectsOf } from '../src/trainer/datasets/objectBoxes';
import type { ImageSet } from '../src/trainer/datasets/types';
import { withSeed } from './autoencoder-compare';
import { flag } from './cli';

export interface TwinBenchArgs {
  modelFile: string;
  seeds: number;
  /** ['--epochs', N] or []. */
  epochs: string[];
  backend: string;
  firstSeed: number;
}

/** --model, --seeds, --epochs, --backend, checked; the first seed is the model file's. */
export function twinBenchArgs(defaultModel: string, cli: string, script: string): TwinBenchArgs {
  const modelFile = resolve(flag('model') ?? defaultModel);
  const seeds = Number(flag('seeds') ?? '1');
  if (!(Number.isInteger(seeds) && seeds >= 1)) throw new Error('usage: --seeds N (≥ 1)');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`node scripts/build.mjs\` (npm run ${script} does)`);
  const firstSeed = Number(/\bseed:\s*(\d+)/.exec(readFileSync(modelFile, 'utf8'))?.[1] ?? '42');
  return { modelFile, seeds, epochs: flag('epochs') ? ['--epochs', flag('epochs') as string] : [], backend: flag('backend') ?? 'wasm', firstSeed };
}

/**
 * The run's dataset, loaded as cnnlab train loads it, written as SPLIT-images.u8 + data.json, with SPLIT-masks.u8
 * (segmentation) or SPLIT-objects.json (detection: per image, [class, x1, y1, x2, y2] in pixels) when the task has them.
 */
export async function exportData(modelFile: string, text: string, folder: string): Promise<number> {
  const analysis = analyzeModel(text);
  const dataset = await loadDataset({
    input: analysis.input as [number, number, number], data: analysis.data, pipeline: analysis.pipeline, seed: analysis.train.seed,
    target: TASKS[analysis.task].target, maskClasses: analysis.outputShape[0], classes: namedClasses(analysis.classes), baseDir: dirname(modelFile),
  });
  const splits: Record<string, ImageSet> = { train: dataset.train, validation: dataset.validation, test: dataset.test };
  for (const [name, set] of Object.entries(splits)) {
    writeFileSync(join(folder, `${name}-images.u8`), set.images.subarray(0, set.count * set.height * set.width * set.channels));
    if (set.masks) writeFileSync(join(folder, `${name}-masks.u8`), set.masks.subarray(0, set.count * set.height * set.width));
    if (set.objects) {
      const objects = set.objects;
      writeFileSync(join(folder, `${name}-objects.json`), JSON.stringify(Array.from({ length: set.count }, (_, i) => objectsOf(objects, i).map((o) => [o.cls, ...o.box]))));
    }
  }
  const { height, width, channels } = dataset.train;
  const counts = Object.fromEntries(Object.entries(splits).map(([name, set]) => [name, set.count]));
  writeFileSync(join(folder, 'data.json'), JSON.stringify({ height, width, channels, classes: dataset.classes, splits: counts }));
  return dataset.train.count;
}

/** The model file with `seed`, written to outDir, and its dataset exported to a fresh data-SEED folder. */
export async function seedCopy(modelFile: string, seed: number, outDir: string): Promise<{ copy: string; text: string; data: string; exported: number }> {
  const copy = join(outDir, `seed-${seed}.cnn.yaml`);
  const text = withSeed(readFileSync(modelFile, 'utf8'), seed);
  writeFileSync(copy, text);
  const data = join(outDir, `data-${seed}`);
  rmSync(data, { recursive: true, force: true });
  mkdirSync(data);
  return { copy, text, data, exported: await exportData(modelFile, text, data) };
}

export const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
