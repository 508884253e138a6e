/**
 * The transfer experiment of docs/results.md: a CNN trained by CNN Lab on Fashion-MNIST, transferred to a small
 * imagefolder task generated here, against the same network trained from scratch with the same budget.
 *
 *   node scripts/build.mjs && node --import tsx bench/transfer-experiment.ts [-- --out DIR] [--source-samples 30000]
 *       [--source-epochs 2] [--epochs 15] [--per-class 75]
 *
 * 1. The task ("garments", 4 classes: tops = T-shirt, Pullover, Coat, Shirt; bottoms = Trouser, Dress; footwear =
 *    Sandal, Sneaker, Ankle boot; bags = Bag): Fashion-MNIST's t10k images, which the source network never sees,
 *    inverted (a dark garment on a light ground), shifted by up to 3 pixels and noised, written as PNG files:
 *    --per-class in train/ and 50 per class in test/ (disjoint images).
 * 2. The source: bench/transfer/fashion-source.cnn.yaml trained by `cnnlab train` on Fashion-MNIST's training set.
 * 3. Three runs of bench/transfer/garments.cnn.yaml (the same layers, a 4-class head) with the same budget
 *    (--epochs, batch 32, Adam): from scratch; transfer (the source's weights through `--weights RUN/best`,
 *    `features` frozen: feature caching trains the head on cached features); fine-tune (the source's weights, every
 *    layer trains, lr 10× lower).
 * Prints each run's test accuracy, wall time (the CLI process, start to end) and the commands.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { encodePng } from '../src/inspect/image/png';
import { Random } from '../src/trainer/datasets/random';
import { flagOr } from './cli';

const ROOT = resolve(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const FASHION = '/usr/share/datasets/fashion-mnist';

/** Fashion-MNIST class → garments class. */
const GROUPS: Record<string, number[]> = { tops: [0, 2, 4, 6], bottoms: [1, 3], footwear: [5, 7, 9], bags: [8] };

function generate(dir: string, perClass: number): void {
  const images = gunzipSync(readFileSync(join(FASHION, 't10k-images-idx3-ubyte.gz'))).subarray(16);
  const labels = gunzipSync(readFileSync(join(FASHION, 't10k-labels-idx1-ubyte.gz'))).subarray(8);
  const rng = new Random(2026);
  const counts = new Map<string, number>();
  const quota = { train: perClass, test: 50 };
  for (let i = 0; i < labels.length; i++) {
    const group = Object.keys(GROUPS).find((g) => GROUPS[g].includes(labels[i])) as string;
    const n = counts.get(group) ?? 0;
    if (n >= quota.train + quota.test) continue;
    counts.set(group, n + 1);
    const split = n < quota.train ? 'train' : 'test';
    const [dx, dy] = [rng.int(7) - 3, rng.int(7) - 3];
    const out = new Uint8Array(28 * 28);
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
      const [sx, sy] = [x - dx, y - dy];
      const v = sx >= 0 && sx < 28 && sy >= 0 && sy < 28 ? images[i * 784 + sy * 28 + sx] : 0;
      out[y * 28 + x] = Math.max(0, Math.min(255, 255 - v + Math.round((rng.next() - 0.5) * 60)));
    }
    const folder = join(dir, split, group);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `${i}.png`), encodePng({ width: 28, height: 28, channels: 1, data: out }));
  }
}

interface RunResult {
  runDir: string;
  testAccuracy: number;
  samplesPerSecond: number;
  status: string;
}

function train(args: string[]): RunResult & { seconds: number; command: string } {
  const t0 = performance.now();
  const json = execFileSync(process.execPath, [CLI, 'train', ...args, '--json'], { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 }).toString();
  const result = JSON.parse(json.trim().split('\n').pop() as string) as RunResult;
  if (result.status !== 'done') throw new Error(`cnnlab train ${args.join(' ')}: ${result.status}`);
  return { ...result, seconds: (performance.now() - t0) / 1000, command: `node dist/cli.js train ${args.join(' ')}` };
}

function main(): void {
  const out = resolve(flagOr('out', '/tmp/cnnlab-transfer'));
  const epochs = flagOr('epochs', '15');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  generate(join(out, 'garments'), Number(flagOr('per-class', '75')));
  const source = train([join(ROOT, 'bench', 'transfer', 'fashion-source.cnn.yaml'), '--epochs', flagOr('source-epochs', '2'), '--max-train-samples', flagOr('source-samples', '30000'), '--out', join(out, 'runs')]);
  console.log(`source: ${source.command} → test accuracy ${source.testAccuracy.toFixed(4)} on Fashion-MNIST, ${source.seconds.toFixed(0)} s`);
  const target = readFileSync(join(ROOT, 'bench', 'transfer', 'garments.cnn.yaml'), 'utf8');
  const variants: Array<[string, string, string[]]> = [
    ['from scratch', target, []],
    ['transfer: features frozen, new head', target.replace(/^( *)seed: (\d+)$/m, '$1seed: $2\n$1freeze: [features]'), ['--weights', join(source.runDir, 'best')]],
    ['fine-tune: every layer, lr / 10', target.replace(/lr: ([\d.]+)/, (_, lr: string) => `lr: ${Number(lr) / 10}`), ['--weights', join(source.runDir, 'best')]],
  ];
  const rows = variants.map(([label, text, extra], i) => {
    const file = join(out, `garments-${i}.cnn.yaml`);
    writeFileSync(file, text);
    const r = train([file, '--epochs', epochs, '--out', join(out, 'runs'), ...extra]);
    console.log(`${label}: ${r.command}`);
    return { label, ...r };
  });
  console.log(`\n| run | test accuracy | time (s) | training samples/s |\n|---|---|---|---|`);
  for (const r of rows) console.log(`| ${r.label} | ${(100 * r.testAccuracy).toFixed(1)}% | ${r.seconds.toFixed(1)} | ${r.samplesPerSecond.toFixed(0)} |`);
}

main();
