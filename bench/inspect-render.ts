/**
 * Inspector speed: a 64-channel layer of a 224×224 model rendered to PNGs (forward pass, read-back, channel
 * transpose, colour-mapped grid, PNG encoding), and t-SNE / PCA on feature vectors of a few thousand points.
 * Usage: node --import tsx bench/inspect-render.ts [wasm|cpu]
 */
import { analyzeModel } from '../src/model/analyze';
import { pca } from '../src/inspect/embed/pca';
import { tsne } from '../src/inspect/embed/tsne';
import { fromPixels } from '../src/inspect/network/input';
import { inspectableModel } from '../src/inspect/network/runModel';
import { featureMapsView } from '../src/inspect/session/views';
import { initBackend } from '../src/trainer/backend';
import { Random } from '../src/trainer/datasets/random';
import { generateShapes } from '../src/trainer/datasets/shapes';
import { buildModel } from '../src/trainer/engine/model';
import { median } from './cli';

const MODEL = `name: bench224
input: [3, 224, 224]
layers:
  - Conv2d(3, 64, 3, padding=1)
  - ReLU()
  - AdaptiveAvgPool2d(1)
  - Flatten()
  - Linear(64, 10)
`;

/** Wall-clock and CPU milliseconds of each run (CPU time is what counts on a machine shared with other jobs). */
async function timed<T>(runs: number, f: () => Promise<T> | T): Promise<{ ms: number[]; cpu: number[]; last: T }> {
  const ms: number[] = [];
  const cpu: number[] = [];
  let last!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    last = await f();
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    ms.push(performance.now() - t0);
  }
  return { ms, cpu, last };
}

const fmt = (t: { ms: number[]; cpu: number[] }): string => `wall min ${Math.min(...t.ms).toFixed(0)} / median ${median(t.ms).toFixed(0)} ms, CPU median ${median(t.cpu).toFixed(0)} ms`;

async function main(): Promise<void> {
  const backend = await initBackend((process.argv[2] as 'wasm' | 'cpu' | undefined) ?? 'wasm');
  const analysis = analyzeModel(MODEL);
  const run = inspectableModel(backend.tf, analysis, buildModel(backend.tf, analysis.graph, 1));
  const rng = new Random(1);
  console.log(`backend ${backend.description}`);
  const inputs = {
    'a shapes image': fromPixels(generateShapes(1, 224, 224, 3, 5).images, 224, 224, 3, undefined, 'shapes'),
    'uniform noise (worst case for PNG)': fromPixels(Uint8Array.from({ length: 224 * 224 * 3 }, () => rng.int(256)), 224, 224, 3, undefined, 'noise'),
  };
  for (const [name, input] of Object.entries(inputs)) {
    for (const layer of [1, 2]) {
      const page = await timed(5, () => featureMapsView(run, input, layer, 0, 64));
      const what = layer === 1 ? 'Conv2d(3, 64, 3)' : 'its ReLU';
      console.log(`${name}, ${what}: 64 maps of 224×224 → one grid PNG (${page.last.picture.width}×${page.last.picture.height}, ${(page.last.picture.png.length / 1e6).toFixed(2)} MB): ${fmt(page)}`);
    }
  }
  run.dispose();

  for (const n of [1000, 2000]) {
    const d = 64;
    const data = new Float32Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = (j === i % 10 ? 6 : 0) + rng.gaussian();
    const p = await timed(1, () => pca({ n, d, data }));
    const t = await timed(1, () => tsne({ n, d, data }, { seed: 1 }));
    console.log(`${n} points × ${d}: PCA ${fmt(p)}; t-SNE (750 iterations, Barnes-Hut θ=0.5) ${fmt(t)}`);
  }
}

void main();
