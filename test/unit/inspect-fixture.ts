/**
 * A small trained run for the inspector's tests: the engine trains a tiny CNN on the synthetic shapes dataset
 * (a few hundred samples, one epoch, seconds) into a temporary folder, and writes a few test images as PNG files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePng } from '../../src/inspect/image/png';
import { generateShapes, SHAPE_CLASSES } from '../../src/trainer/datasets/shapes';
import { runTraining } from '../../src/trainer/engine/session';

export interface TrainedRun {
  root: string;
  runDir: string;
  /** PNG files of generated shapes, with their labels. */
  images: Array<{ file: string; label: number }>;
}

/** The model: two conv blocks and a two-layer head, on 1×20×20 images. */
export function tinyModel(augment = false): string {
  return [
    'name: inspect-tiny',
    'input: [1, 20, 20]',
    'layers:',
    '  - Conv2d(1, 6, 3, padding=1)',
    '  - ReLU()',
    '  - MaxPool2d(2)',
    '  - Conv2d(6, 8, 3, padding=1)',
    '  - ReLU()',
    '  - MaxPool2d(2)',
    '  - Flatten()',
    '  - Linear(200, 16)',
    '  - ReLU()',
    `  - Linear(16, ${SHAPE_CLASSES.length})`,
    'data:',
    '  dataset: shapes',
    '  train_samples: 400',
    '  test_samples: 80',
    ...(augment ? ['  augment: {horizontal_flip: true, random_affine: {degrees: 20}}'] : []),
    'train: {epochs: 2, batch_size: 32, lr: 0.003, seed: 3}',
    '',
  ].join('\n');
}

/** Trains the tiny model with the wasm engine into a fresh temporary folder (removed again if training fails). */
export async function trainTinyRun(augment = false): Promise<TrainedRun> {
  const root = mkdtempSync(join(tmpdir(), 'cnnlab-inspect-'));
  try {
    const modelPath = join(root, 'tiny.cnn.yaml');
    const modelText = tinyModel(augment);
    writeFileSync(modelPath, modelText);
    const result = await runTraining({ modelText, modelPath, outDir: join(root, 'runs'), backend: 'wasm' });
    const set = generateShapes(3, 20, 20, 1, 12345);
    const images = Array.from({ length: set.count }, (_, i) => {
      const file = join(root, `shape${i}.png`);
      writeFileSync(file, encodePng({ width: 20, height: 20, channels: 1, data: set.images.slice(i * 400, (i + 1) * 400) }));
      return { file, label: set.labels[i] };
    });
    return { root, runDir: result.runDir, images };
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
}
