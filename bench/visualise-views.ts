/**
 * `npm run bench:views`: wall time of each inspector visualisation (what the worker computes for one request, PNG
 * encoding included) on examples/fashion-mnist.cnn.yaml (Fashion-MNIST test images from the local copy) and on
 * examples/resnet-mini.cnn.yaml (seeded random 3×32×32 images: CIFAR-10 is not installed here). The weights are
 * the engine's seeded initialisation: every view costs the same forward/backward passes on trained weights.
 * PyTorch (one thread, bench/torch-views.py) times the gradient pass behind three of the views in the same run: the
 * ratio says how our whole view (PNG included) compares with its bare pass.
 * The last lines time what data-parallel workers split outside training with 1 and 2 workers (bench/workerViews.ts).
 * Usage: npm run bench:views [-- --backend wasm|cpu|auto] [-- --workers] (default: auto, as the panel uses; --workers:
 * the workers' lines only).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeModel } from '../src/model/analyze';
import { initBackend, type BackendChoice } from '../src/trainer/backend/index';
import { loadDataset } from '../src/trainer/datasets';
import type { ImageSet } from '../src/trainer/datasets/types';
import { buildModel } from '../src/trainer/engine/model';
import { VISUALISE_DEFAULTS } from '../src/protocol/inspect';
import { inputFromSet } from '../src/inspect/network/input';
import { inspectableModel, type InspectableRun } from '../src/inspect/network/runModel';
import { activationMaxView, imageSource, receptiveFieldView, topImagesView } from '../src/inspect/session/fieldViews';
import { deconvnetView, gradCamView, guidedBackpropView, saliencyView } from '../src/inspect/session/gradientViews';
import { defaultCamLayer } from '../src/inspect/network/gradCam';
import { defaultSearchCount } from '../src/inspect/network/topImages';
import { benchWorkers } from './workerViews';

const LIMIT_MS = 2000;
const PYTHON = process.env.CNNLAB_PYTHON ?? '/usr/bin/python3';

/** Which PyTorch pass (bench/torch-views.py) does the work of a view, for the ratio column. */
const TORCH_PASS: Record<string, string> = {
  'saliency (gradient)': 'input gradient (1 image)',
  'saliency (SmoothGrad, 25 copies)': 'input gradient (25 copies)',
  'receptive fields (32 test images)': 'central-unit gradient (32 images)',
};

/** PyTorch's milliseconds per pass and model (one thread), or undefined without PyTorch. */
function torchTimes(): Record<string, Record<string, number>> | undefined {
  const r = spawnSync(PYTHON, [join(__dirname, 'torch-views.py'), '--threads', '1'], { encoding: 'utf8', timeout: 600_000 });
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Record<string, Record<string, number>>;
  } catch {
    process.stderr.write(`PyTorch unavailable: ${(r.stderr || r.error?.message || 'no output').trim().split('\n').pop()}\n`);
    return undefined;
  }
}

async function openExample(tf: Awaited<ReturnType<typeof initBackend>>['tf'], file: string): Promise<InspectableRun> {
  const analysis = analyzeModel(readFileSync(join(__dirname, '..', 'examples', file), 'utf8'));
  return inspectableModel(tf, analysis, buildModel(tf, analysis.graph, analysis.train.seed));
}

function randomImages(count: number, c: number, h: number, w: number): ImageSet {
  let s = 12345;
  const images = Uint8Array.from({ length: count * c * h * w }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s >>> 24;
  });
  return { images, labels: new Uint8Array(count).map((_, i) => i % 10), count, height: h, width: w, channels: c };
}

async function bench(run: InspectableRun, test: ImageSet, name: string, torch: Record<string, number> | undefined): Promise<boolean> {
  const input = inputFromSet(test, 0, run.preprocessing, 'test #0');
  const layer = defaultCamLayer(run) as number;
  const views: Array<[string, () => Promise<unknown>, boolean]> = [
    ['saliency (gradient)', () => saliencyView(run, input, { kind: 'saliency', classIndex: 0 }), true],
    ['saliency (SmoothGrad, 25 copies)', () => saliencyView(run, input, { kind: 'saliency', classIndex: 0, method: 'smoothgrad' }), true],
    ['saliency (Integrated Gradients, 32 steps)', () => saliencyView(run, input, { kind: 'saliency', classIndex: 0, method: 'integrated' }), true],
    [`Grad-CAM (layer ${layer})`, () => gradCamView(run, input, { kind: 'gradCam', classIndex: 0 }), true],
    ['guided backprop + guided Grad-CAM', () => guidedBackpropView(run, input, { kind: 'guidedBackprop', classIndex: 0 }), true],
    [`deconvnet (layer ${layer})`, () => deconvnetView(run, input, layer), true],
    ['receptive fields (32 test images)', () => receptiveFieldView(run, imageSource(run, test, input, VISUALISE_DEFAULTS.fieldImages), input, { kind: 'receptiveField', layer }, {}), true],
    [`top-9 images of a channel (${defaultSearchCount(run, layer)} test images)`, () => topImagesView(run, test, { kind: 'topImages', layer, channel: 0, k: 9 }, {}), true],
    ['activation max (16 channels, 64 steps; shows progress)', () => activationMaxView(run, { kind: 'activationMax', layer, count: 16, steps: 64 }, {}), false],
  ];
  console.log(`\n${name}`);
  let ok = true;
  await views[0][1](); // warm-up: kernels compile and caches fill once
  for (const [label, f, limited] of views) {
    const t0 = performance.now();
    await f();
    const ms = performance.now() - t0;
    const verdict = limited ? (ms < LIMIT_MS ? 'ok' : 'OVER 2 s') : 'no limit';
    if (limited && ms >= LIMIT_MS) ok = false;
    const peer = torch?.[TORCH_PASS[label] ?? ''];
    const ratio = peer ? `  ×${(ms / peer).toFixed(1)} PyTorch's ${TORCH_PASS[label]} (${peer.toFixed(0)} ms)` : '';
    console.log(`  ${label.padEnd(56)} ${ms.toFixed(0).padStart(6)} ms  ${verdict.padEnd(8)}${ratio}`);
  }
  return ok;
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--backend');
  const backend = await initBackend((at > 0 ? process.argv[at + 1] : 'auto') as BackendChoice);
  console.log(`backend: ${backend.description}`);
  const fashion = await openExample(backend.tf, 'fashion-mnist.cnn.yaml');
  const data = await loadDataset({ input: fashion.input, data: fashion.analysis.data, pipeline: fashion.analysis.pipeline, seed: 0, searchPaths: [], download: false, maxTrainSamples: 1 });
  const resnet = await openExample(backend.tf, 'resnet-mini.cnn.yaml');
  const random = randomImages(1000, 3, 32, 32);
  const workers = async () => {
    console.log('\ndata-parallel workers, 1 vs 2');
    await benchWorkers({ run: fashion, test: data.test }, [{ run: fashion, test: data.test, name: 'fashion-mnist' }, { run: resnet, test: random, name: 'resnet-mini' }]);
  };
  if (process.argv.includes('--workers')) return void (await workers());
  const torch = torchTimes();
  const ok = [
    await bench(fashion, data.test, 'examples/fashion-mnist.cnn.yaml (Fashion-MNIST test set)', torch?.['fashion-mnist']),
    await bench(resnet, random, 'examples/resnet-mini.cnn.yaml (random 3×32×32 images)', torch?.['resnet-mini']),
  ];
  await workers();
  fashion.dispose();
  resnet.dispose();
  console.log(ok.every(Boolean) ? '\nevery view but activation maximisation under 2 s' : '\nsome views took 2 s or more');
}

void main();
