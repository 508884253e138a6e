/**
 * Shared fixtures of the export tests: a run folder made from a model file without training (the engine's seeded
 * initial weights, BatchNorm statistics moved off their defaults), and the engine's own outputs on a batch.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelAnalysis } from '../../src/model/types';
import { saveCheckpoint } from '../../src/trainer/engine/checkpoint';
import { buildModel, type EngineModel } from '../../src/trainer/engine/model';
import type { TF, Tensor } from '../../src/trainer/engine/tf';
import { Random } from '../../src/trainer/datasets/random';
import { readRun } from '../../src/trainer/runs/reader';
import { python, pythonHas } from '../fixtures/python';
import { CONFIG_DEFAULTS } from '../../src/config';
import { freePort } from '../../src/training/pytorch/freePort';
import { torchrunLauncher } from '../../src/training/pytorch/torchrunCommand';

export { python as PYTHON } from '../fixtures/python';

/** Whether PyTorch can be imported (CI installs Debian's python3-torch; elsewhere the tests skip). */
export const HAS_TORCH = pythonHas('torch, torchvision, numpy');

/**
 * `python3 -m torch.distributed.run` arguments for N local processes, as "Train with PyTorch" launches them (the
 * default cnnlab.pytorch.command): a c10d rendezvous on a port free right now, so test files launching torchrun at
 * the same time (node --test runs files concurrently) do not fight over one; --redirects 1 --tee 1, without which
 * Debian's torch 1.13 on Python 3.11 crashes.
 */
export async function torchrunArgs(nproc: number): Promise<string[]> {
  return torchrunLauncher({ command: CONFIG_DEFAULTS.pytorchCommand, python, nprocPerNode: nproc, port: await freePort() }).slice(1);
}

/**
 * Runs an export's train.py (`launcher`: the arguments before it, e.g. torchrunArgs) for `epochs` into `out`, and reads
 * back the run folder it wrote for model `name` (which must have finished: status done), with train.py's stdout.
 */
export function runTrainPy(dir: string, name: string, epochs: number, out: string, launcher: string[] = []): { run: ReturnType<typeof readRun>; stdout: string } {
  const r = spawnSync(python, [...launcher, join(dir, 'train.py'), '--epochs', String(epochs), '--out', out], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const [stamp] = readdirSync(join(out, name));
  const run = readRun(join(out, name, stamp));
  assert.equal(run.summary?.status, 'done');
  return { run, stdout: r.stdout };
}

/** A run folder for `analysis` under `root`, with the model's initial weights as last/ (and best/). */
export async function untrainedRun(tf: TF, analysis: ModelAnalysis, modelText: string, root: string, seed = 7): Promise<{ runDir: string; model: EngineModel }> {
  const runDir = join(root, analysis.name, '2026-01-01_00-00-00');
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, 'model.cnn.yaml'), modelText);
  const model = buildModel(tf, analysis.graph, seed);
  // Running statistics away from 0 / 1, so that a layout or naming slip in them shows.
  const rng = new Random(seed);
  for (const b of model.buffers) {
    if (b.name.endsWith('num_batches_tracked')) continue;
    const values = Float32Array.from({ length: b.variable.size }, () => (b.name.endsWith('running_var') ? 0.5 + rng.next() : rng.next() - 0.5));
    b.variable.assign(tf.tensor(values, b.variable.shape));
  }
  for (const dir of ['last', 'best']) await saveCheckpoint(tf, model, analysis, join(runDir, dir), { epoch: 1 });
  return { runDir, model };
}

/** A random batch of `n` samples in NCHW (torch's order), as float32. */
export function randomBatch(analysis: ModelAnalysis, n: number, seed = 3): Float32Array {
  const rng = new Random(seed);
  const size = n * analysis.input.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: size }, () => 2 * rng.next() - 1);
}

/** The engine's evaluation-mode outputs on an NCHW batch, in torch's order (NCHW or [N, F]). */
export function engineOutputs(tf: TF, model: EngineModel, analysis: ModelAnalysis, batch: Float32Array, n: number): Float32Array {
  return tf.tidy(() => {
    const x = analysis.input.length === 3 ? tf.transpose(tf.tensor(batch, [n, ...analysis.input]), [0, 2, 3, 1]) : tf.tensor(batch, [n, ...analysis.input]);
    const y: Tensor = model.apply(x, false);
    return (y.rank === 4 ? tf.transpose(y, [0, 3, 1, 2]) : y).dataSync() as Float32Array;
  });
}
