/**
 * The exact half of the autoencoder check: our engine and the PyTorch twin start from the same weights (ours,
 * handed over in torch's layout) and take the same optimizer steps on the same batches (the first training images
 * in file order, no shuffling, no noise), so their losses must agree step by step to float32 rounding. The seeded
 * runs of bench/autoencoder-vs-pytorch.ts then only differ by their random streams.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { analyzeModel } from '../src/model';
import { initBackend, type BackendChoice } from '../src/trainer/backend/index';
import { elementwiseLoss } from '../src/trainer/engine/losses';
import { buildModel } from '../src/trainer/engine/model';
import { createOptimizer } from '../src/trainer/engine/optimizers';
import type { Scalar, Tensor } from '../src/trainer/engine/tf';

export interface LockstepResult {
  steps: number;
  ours: number[];
  torch: number[];
  /** Largest |ours − torch| / torch over the steps. */
  maxRelativeDifference: number;
}

/** A state dict in torch's layout: `<layer index − 1>.<weight|bias>` → shape and values (conv [out,in,kh,kw], Linear [out,in]). */
type StateDict = Record<string, { shape: number[]; data: number[] }>;

/** The first `count` images of the Fashion-MNIST training file as floats in [0, 1] (one channel: NHWC = NCHW). */
function firstImages(folder: string, count: number): Float32Array {
  const bytes = gunzipSync(readFileSync(`${folder}/train-images-idx3-ubyte.gz`)).subarray(16, 16 + count * 784);
  return Float32Array.from(bytes, (b) => b / 255);
}

/** Our losses over `steps` batches, and the initial weights they started from (for the twin). */
async function oursLockstep(modelFile: string, steps: number, backend: BackendChoice, folder: string): Promise<{ state: StateDict; losses: number[] }> {
  const { tf } = await initBackend(backend);
  const analysis = analyzeModel(readFileSync(modelFile, 'utf8'));
  const [channels, height, width] = analysis.input;
  if (channels !== 1 || height !== 28 || width !== 28) throw new Error(`${modelFile}: the lockstep check feeds 1×28×28 Fashion-MNIST images`);
  const model = buildModel(tf, analysis.graph, analysis.train.seed);
  const state: StateDict = {};
  for (const p of model.params) {
    const [layer, what] = p.name.split('.');
    const v = p.variable;
    const torchLayout = tf.tidy(() => (v.rank === 4 ? tf.transpose(v, [3, 2, 0, 1]) : v.rank === 2 ? tf.transpose(v) : v.clone()));
    state[`${Number(layer.replace('layer', '')) - 1}.${what}`] = { shape: torchLayout.shape, data: Array.from(torchLayout.dataSync()) };
    torchLayout.dispose();
  }
  const optimizer = createOptimizer(tf, analysis.train, model.params);
  const vars = model.params.map((p) => p.variable);
  const batch = analysis.train.batch_size;
  const pixels = firstImages(folder, steps * batch);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const loss = tf.tidy(() => {
      const x = tf.tensor4d(pixels.subarray(s * batch * 784, (s + 1) * batch * 784), [batch, height, width, channels]);
      const { value, grads } = tf.variableGrads(() => elementwiseLoss(tf, analysis.train.loss, model.apply(x, true) as Tensor, x) as Scalar, vars);
      optimizer.step(grads, analysis.train.lr);
      return value;
    });
    losses.push((await loss.data())[0]);
    loss.dispose();
  }
  optimizer.dispose();
  model.dispose();
  return { state, losses };
}

/** Runs both engines in lockstep; `python`/`twin` run bench/torch-autoencoder.py --lockstep. */
export async function lockstep(modelFile: string, steps: number, backend: BackendChoice, python: string, twin: string, stateFile: string, folder: string): Promise<LockstepResult> {
  const ours = await oursLockstep(modelFile, steps, backend, folder);
  writeFileSync(stateFile, JSON.stringify(ours.state));
  const r = spawnSync(python, [twin, modelFile, '--lockstep', stateFile, '--steps', String(steps), '--data', folder], { encoding: 'utf8', timeout: 600_000 });
  let torch: number[];
  try {
    torch = (JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as { losses: number[] }).losses;
  } catch {
    throw new Error(`torch-autoencoder.py --lockstep failed: ${(r.stderr || r.error?.message || 'no output').trim().split('\n').pop()}`);
  }
  const maxRelativeDifference = Math.max(...ours.losses.map((l, i) => Math.abs(l - torch[i]) / Math.abs(torch[i])));
  return { steps, ours: ours.losses, torch, maxRelativeDifference: torch.length === steps ? maxRelativeDifference : Infinity };
}
