/**
 * Shared by the ONNX and TensorFlow.js export tests: every example model (but VGG-16, 138 M parameters) and the
 * layer fixtures, built by the engine with seeded weights and BatchNorm statistics / PReLU slopes moved off their
 * initial values, with the engine's own evaluation-mode outputs on a random batch.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lowerModel } from '../../src/export/graph/lower';
import { weightSource } from '../../src/export/graph/builder';
import type { ExportGraph } from '../../src/export/graph/types';
import type { ModelAnalysis } from '../../src/model/types';
import { Random } from '../../src/trainer/datasets/random';
import { buildModel, type EngineModel } from '../../src/trainer/engine/model';
import type { TF, Tensor } from '../../src/trainer/engine/tf';
import { analyze } from './engine-fixtures';

const ROOT = join(__dirname, '..', '..');

/** Model files the export tests run: examples/*.cnn.yaml (VGG-16 left out for its size) and test/fixtures/export. */
export function exportCaseFiles(): string[] {
  const examples = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.cnn.yaml') && f !== 'vgg16.cnn.yaml').map((f) => join(ROOT, 'examples', f));
  const fixtures = readdirSync(join(ROOT, 'test', 'fixtures', 'export')).filter((f) => f.endsWith('.cnn.yaml')).map((f) => join(ROOT, 'test', 'fixtures', 'export', f));
  return [...examples, ...fixtures];
}

export interface ExportCase {
  analysis: ModelAnalysis;
  graph: ExportGraph;
  /** The batch, NHWC (the engine's and TensorFlow.js's layout), and its size. */
  batch: Float32Array;
  n: number;
  /** The engine's outputs in torch's order (NCHW or [N, F]), and the softmax of the flattened scores. */
  logits: Float32Array;
  probabilities: Float32Array | undefined;
}

export function exportCase(tf: TF, file: string, n = 3, seed = 11): ExportCase {
  const analysis = analyze(readFileSync(file, 'utf8'));
  const model = buildModel(tf, analysis.graph, seed);
  try {
    perturbState(tf, model, seed);
    const weights = [...model.params, ...model.buffers].map((v) => ({ name: v.name, shape: [...v.variable.shape], values: v.variable.dataSync() as Float32Array }));
    const graph = lowerModel(analysis, weightSource(weights));
    const rng = new Random(seed);
    const batch = Float32Array.from({ length: n * analysis.input.reduce((a, b) => a * b, 1) }, () => 2 * rng.next() - 1);
    const [logits, probabilities] = tf.tidy(() => {
      const [c, h, w] = analysis.input;
      const x = analysis.input.length === 3 ? tf.tensor4d(batch, [n, h, w, c]) : tf.tensor(batch, [n, ...analysis.input]);
      const y: Tensor = model.apply(x, false);
      const torchOrder = y.rank === 4 ? tf.transpose(y, [0, 3, 1, 2]) : y;
      return [torchOrder.dataSync() as Float32Array, tf.softmax(tf.reshape(torchOrder, [n, -1])).dataSync() as Float32Array];
    });
    return { analysis, graph, batch, n, logits, probabilities: analysis.task === 'classification' ? probabilities : undefined };
  } finally {
    model.dispose();
  }
}

/** Every vector (BatchNorm statistics and γ/β, PReLU slopes, biases) random, away from its 0 / 1 / 0.25 start. */
function perturbState(tf: TF, model: EngineModel, seed: number): void {
  const rng = new Random(seed + 1);
  for (const v of [...model.params, ...model.buffers]) {
    if (v.variable.shape.length !== 1) continue;
    const values = Float32Array.from({ length: v.variable.size }, () => (v.name.endsWith('running_var') ? 0.5 + rng.next() : rng.next() - 0.5));
    v.variable.assign(tf.tensor(values, v.variable.shape));
  }
}

/** NHWC batch → NCHW (ONNX's input layout). */
export function toNchw(batch: Float32Array, n: number, [c, h, w]: number[]): Float32Array {
  const out = new Float32Array(batch.length);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let k = 0; k < c; k++) out[((b * c + k) * h + y) * w + x] = batch[((b * h + y) * w + x) * c + k];
      }
    }
  }
  return out;
}

/** Largest absolute difference, or Infinity when the lengths differ. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}
