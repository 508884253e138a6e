/** Shared fixtures of the engine tests: a backend, analysed model files and small learnable image sets. */
import assert from 'node:assert/strict';
import { analyzeModel } from '../../src/model';
import type { ModelAnalysis } from '../../src/model/types';
import { initBackend } from '../../src/trainer/backend';
import { Random } from '../../src/trainer/datasets/random';
import { SHAPE_CLASSES } from '../../src/trainer/datasets/shapes';
import type { ImageSet } from '../../src/trainer/datasets/types';
import type { TF } from '../../src/trainer/engine/tf';

/** The pure-JS reference backend: slow but exact, fine for tiny models. */
export async function cpuTf(): Promise<TF> {
  return (await initBackend('cpu')).tf;
}

/** Analyses a model file and fails the test on any error diagnostic. */
export function analyze(text: string): ModelAnalysis {
  const analysis = analyzeModel(text);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors.map((d) => d.message), []);
  return analysis;
}

/**
 * `count` noisy images of size×size×1 whose class k (of 4) is a bright quadrant k: learnable in a few steps.
 * With `randomLabels` the labels ignore the pixels (nothing generalises: validation loss rises as it memorises).
 */
export function quadrantSet(count: number, size: number, seed: number, randomLabels = false): ImageSet {
  const rng = new Random(seed);
  const images = new Uint8Array(count * size * size);
  const labels = new Uint8Array(count);
  const half = size / 2;
  for (let i = 0; i < count; i++) {
    const k = rng.int(4);
    labels[i] = randomLabels ? rng.int(4) : k;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const quadrant = (y < half ? 0 : 2) + (x < half ? 0 : 1);
        images[i * size * size + y * size + x] = (quadrant === k ? 180 : 40) + rng.int(60);
      }
    }
  }
  return { images, labels, count, height: size, width: size, channels: 1 };
}

/** A small CNN for quadrantSet images. */
export const QUADRANT_MODEL = `
name: quadrants
input: [1, 8, 8]
classes: [a, b, c, d]
layers:
  - Conv2d(1, 4, 3, padding=1)
  - ReLU()
  - MaxPool2d(2)
  - Flatten()
  - Linear(64, 4)
train: { epochs: 2, batch_size: 16, optimizer: adam, lr: 0.01, seed: 7 }
`;

/** A one-convolution model on a few generated shapes: fast enough for tests that start whole runs. */
export function tinyShapesModel(name: string, trainSamples: number, testSamples: number, epochs: number): string {
  return `name: ${name}
input: [1, 16, 16]
layers:
  - Conv2d(1, 4, 3, padding=1)
  - ReLU()
  - MaxPool2d(4)
  - Flatten()
  - Linear(64, ${SHAPE_CLASSES.length})
data: { dataset: shapes, train_samples: ${trainSamples}, test_samples: ${testSamples} }
train: { epochs: ${epochs}, batch_size: 32, seed: 1 }
`;
}
