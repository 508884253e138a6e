/**
 * Shared by the ONNX and TensorFlow.js export tests: every example model and the layer fixtures as untrained run
 * folders (export-fixtures.ts: seeded weights, BatchNorm statistics moved off their defaults), read back as an
 * export would read them, with the engine's own evaluation-mode outputs on a random batch.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { transpose } from '../../src/export/pytorch/layouts';
import { readExportSource, type ExportSource } from '../../src/export/source';
import type { ModelAnalysis } from '../../src/model/types';
import type { TF } from '../../src/trainer/engine/tf';
import { analyze } from './engine-fixtures';
import { engineOutputs, randomBatch, untrainedRun } from './export-fixtures';

const ROOT = join(__dirname, '..', '..');

/** Model files the export tests run: examples/*.cnn.yaml and test/fixtures/export/*.cnn.yaml. */
export function exportCaseFiles(): string[] {
  const list = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.cnn.yaml')).map((f) => join(dir, f));
  return [...list(join(ROOT, 'examples')), ...list(join(ROOT, 'test', 'fixtures', 'export'))];
}

export interface ExportCase {
  analysis: ModelAnalysis;
  source: ExportSource;
  /** The batch in torch's order (NCHW, or [N, F]), and its size. */
  batch: Float32Array;
  n: number;
  /** The engine's outputs in torch's order, and the softmax of each sample's flattened scores (classifiers). */
  logits: Float32Array;
  probabilities: Float32Array | undefined;
}

export async function exportCase(tf: TF, file: string, root: string): Promise<ExportCase> {
  const text = readFileSync(file, 'utf8');
  const analysis = analyze(text);
  const { runDir, model } = await untrainedRun(tf, analysis, text, root);
  // VGG-16 at 224×224: one sample; a batch of 3 elsewhere.
  const n = analysis.input.length === 3 && analysis.input[1] > 64 ? 1 : 3;
  const batch = randomBatch(analysis, n);
  const logits = engineOutputs(tf, model, analysis, batch, n);
  model.dispose();
  const source = await readExportSource(runDir);
  return { analysis, source, batch, n, logits, probabilities: analysis.task === 'classification' ? softmaxRows(logits, n) : undefined };
}

function softmaxRows(logits: Float32Array, n: number): Float32Array {
  const size = logits.length / n;
  const out = new Float32Array(logits.length);
  for (let r = 0; r < n; r++) {
    const row = logits.subarray(r * size, (r + 1) * size);
    const max = Math.max(...row);
    const sum = row.reduce((s, v) => s + Math.exp(v - max), 0);
    row.forEach((v, i) => (out[r * size + i] = Math.exp(v - max) / sum));
  }
  return out;
}

/** A batch of `n` samples [c, h, w] from NCHW to NHWC (`to: 'nhwc'`) or back. */
export function relayout(batch: Float32Array, n: number, [c, h, w]: number[], to: 'nhwc' | 'nchw'): Float32Array {
  return to === 'nhwc' ? transpose(batch, [n, c, h, w], [0, 2, 3, 1]).values : transpose(batch, [n, h, w, c], [0, 3, 1, 2]).values;
}

/** Largest absolute difference, or Infinity when the lengths differ. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}
