/**
 * Graph models in the engine (embedded wasm backend, as training runs): a small U-Net-style classifier on generated shapes learns (its loss
 * falls), and a graph's checkpoint saved and loaded into a fresh model gives the same outputs. Outputs against
 * PyTorch for the same weights are in engine-torch.test.ts (the "graph:" case).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateShapes, SHAPE_CLASSES } from '../../src/trainer/datasets/shapes';
import { loadCheckpoint, saveCheckpoint } from '../../src/trainer/engine/checkpoint';
import { buildModel } from '../../src/trainer/engine/model';
import type { TF } from '../../src/trainer/engine/tf';
import { trainModel } from '../../src/trainer/engine/train';
import { initBackend } from '../../src/trainer/backend';
import { analyze } from './engine-fixtures';

const UNET_CLASSIFIER = `
name: unet-ish
input: [1, 16, 16]
layers:
  - Conv2d(1, 4, 3, padding=1)
  - e1 = ReLU()
  - MaxPool2d(2)
  - Conv2d(4, 8, 3, padding=1)
  - ReLU()
  - up = ConvTranspose2d(8, 4, 2, stride=2)
  - concat(up, e1)
  - conv2d: {out_channels: 8, kernel_size: 3, padding: 1}
    as: f
  - add(f, f)
  - ReLU()
  - MaxPool2d(4)
  - Flatten()
  - Linear(128, ${SHAPE_CLASSES.length})
train: { epochs: 4, batch_size: 16, optimizer: adam, lr: 0.005, seed: 5 }
`;

let tf: TF;
const dir = mkdtempSync(join(tmpdir(), 'cnnlab-graph-'));
before(async () => {
  tf = (await initBackend('wasm')).tf;
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('graph models in the engine', () => {
  it('a U-Net-style graph on shapes trains: the loss falls', async () => {
    const analysis = analyze(UNET_CLASSIFIER);
    const model = buildModel(tf, analysis.graph, 5);
    assert.equal(model.paramCount(), analysis.totals.params);
    const data = { train: generateShapes(480, 16, 16, 1, 1), validation: generateShapes(64, 16, 16, 1, 2), test: generateShapes(64, 16, 16, 1, 3), classes: [...SHAPE_CLASSES] };
    const losses: number[] = [];
    const outcome = await trainModel(tf, model, data, { config: analysis.train }, { onEpoch: (m) => void losses.push(m.loss) });
    assert.equal(outcome.status, 'done');
    assert.equal(losses.length, 4);
    assert.ok(losses[3] < 0.8 * losses[0], `training loss per epoch: ${losses}`);
    model.dispose();
  });

  it('a checkpoint of a graph loads into a fresh model with the same outputs', async () => {
    const analysis = analyze(UNET_CLASSIFIER);
    const a = buildModel(tf, analysis.graph, 1);
    const b = buildModel(tf, analysis.graph, 2);
    const x = tf.randomNormal([2, 16, 16, 1], 0, 1, 'float32', 4);
    await saveCheckpoint(tf, a, analysis, dir, { epoch: 1 });
    await loadCheckpoint(tf, b, dir);
    const [ya, yb] = [a, b].map((m) => Array.from(tf.tidy(() => m.apply(x, false)).dataSync()));
    assert.deepEqual(yb, ya);
    tf.dispose(x);
    a.dispose();
    b.dispose();
  });
});
