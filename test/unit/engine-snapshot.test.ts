/**
 * The best-weights snapshot keeps its copy outside the engine's tensors (on wasm, outside the 4 GiB heap) and
 * restores it exactly, buffers included.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeModel } from '../../src/model';
import { initBackend } from '../../src/trainer/backend/index';
import { WeightSnapshot } from '../../src/trainer/engine/checkpoint';
import { buildModel } from '../../src/trainer/engine/model';

describe('best-weights snapshot', () => {
  it('takes no tensor memory and restores every parameter and buffer', async () => {
    const { tf } = await initBackend('wasm');
    const analysis = analyzeModel('input: [1, 6, 6]\nlayers:\n  - Conv2d(1, 4, 3)\n  - BatchNorm2d(4)\n  - ReLU()\n  - Flatten()\n  - Linear(64, 3)\n');
    const model = buildModel(tf, analysis.graph, 5);
    const vars = [...model.params, ...model.buffers];
    const before = vars.map((v) => Array.from(v.variable.dataSync()));
    const snapshot = new WeightSnapshot(tf);
    const bytes = tf.memory().numBytes;
    await snapshot.capture(model);
    assert.equal(tf.memory().numBytes, bytes, 'the copy is not a tensor');
    for (const v of vars) tf.tidy(() => v.variable.assign(tf.add(v.variable, 1)));
    snapshot.restore(model);
    assert.deepEqual(vars.map((v) => Array.from(v.variable.dataSync())), before);
    assert.equal(tf.memory().numBytes, bytes, 'restoring leaks nothing');
    snapshot.dispose();
    model.dispose();
  });
});
