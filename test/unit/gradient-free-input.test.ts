/**
 * A training step asks no gradient of its images (EngineModel.apply(x, true, false)): the convolutions that see
 * only the images, directly or through parameter-free or frozen layers, skip that gradient (their custom gradient
 * would compute it eagerly), and every parameter's gradient is exactly what it was. Asked for (saliency), the
 * images' gradient is still there.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { buildModel, type EngineModel } from '../../src/trainer/engine/model';
import type { NamedTensorMap, TF, Tensor } from '../../src/trainer/engine/tf';
import { analyze, cpuTf } from './engine-fixtures';

// Two fusable convolutions, a pool between them (parameter-free), a residual block (a merge) and a head.
const MODEL = `
name: gradient-free
input: [3, 10, 10]
layers:
  - Conv2d(3, 4, 3, padding=1)
  - ReLU()
  - MaxPool2d(2)
  - Conv2d(4, 4, 3, padding=1, bias=False)
  - ReLU()
  - residual:
      - Conv2d(4, 4, 3, padding=1)
  - Flatten()
  - Linear(100, 3)
data: { dataset: shapes }
train: { epochs: 1, batch_size: 4, optimizer: sgd, lr: 0.1, loss: cross_entropy, seed: 3 }
`;

describe('the gradient a training step does not ask for', () => {
  let tf: TF;
  before(async () => {
    tf = await cpuTf();
  });

  /** The parameters' gradients of one loss, and the Conv2DBackpropInput calls' output shapes. */
  async function step(model: EngineModel, x: Tensor, inputGrad: boolean): Promise<{ grads: Record<string, number[]>; inputGrads: number[][] }> {
    const vars = model.trainable.map((p) => p.variable);
    let grads: NamedTensorMap = {};
    const info = await tf.profile(() => {
      grads = tf.variableGrads(() => tf.sum(tf.square(model.apply(x, true, inputGrad))) as never, vars).grads;
    });
    const values = Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, Array.from(g.dataSync())]));
    tf.dispose(Object.values(grads));
    return { grads: values, inputGrads: info.kernels.filter((k) => k.name === 'Conv2DBackpropInput').map((k) => k.outputShapes[0] as number[]) };
  }

  it("skips the images' gradient in the first convolution, and only there; the parameters' gradients are unchanged", async () => {
    const model = buildModel(tf, analyze(MODEL).graph, 3);
    const x = tf.randomNormal([4, 10, 10, 3], 0, 1, 'float32', 7);
    const asked = await step(model, x, true);
    const skipped = await step(model, x, false);
    // Asked: the images' gradient (4×10×10×3) and both later convolutions' inputs (4×5×5×4).
    assert.deepEqual(asked.inputGrads.map((s) => s.join('×')).sort(), ['4×10×10×3', '4×5×5×4', '4×5×5×4']);
    assert.deepEqual(skipped.inputGrads.map((s) => s.join('×')).sort(), ['4×5×5×4', '4×5×5×4']);
    assert.deepEqual(skipped.grads, asked.grads);
    model.dispose();
  });

  it('skips it after frozen layers too, and still gives the images their gradient when asked (saliency)', async () => {
    const model = buildModel(tf, analyze(MODEL).graph, 3);
    const x = tf.randomNormal([4, 10, 10, 3], 0, 1, 'float32', 7);
    model.freeze(new Set([1]));
    const skipped = await step(model, x, false);
    // The first convolution is frozen: no backward at all; the second sees only frozen and parameter-free layers.
    assert.deepEqual(skipped.inputGrads.map((s) => s.join('×')), ['4×5×5×4']);
    assert.equal(skipped.grads['layer1.weight'], undefined);
    model.freeze(new Set());
    const saliency = tf.grad((input: Tensor) => tf.sum(model.apply(input, false)) as never)(x);
    assert.deepEqual(saliency.shape, [4, 10, 10, 3]);
    assert.ok(Array.from(saliency.dataSync()).some((v) => v !== 0));
    model.dispose();
  });
});
