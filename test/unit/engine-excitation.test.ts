/**
 * SqueezeExcitation and StochasticDepth in the engine, by hand: the gate is scale_activation(fc2(activation(fc1(
 * channel means)))) multiplying each channel; stochastic depth is the identity in evaluation and, in training,
 * keeps or zeroes whole samples ('row') scaled by 1/(1−p). (Against PyTorch: test/unit/weights-logits.test.ts runs
 * MobileNetV3 / EfficientNet blocks with torch's weights.)
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { buildModel } from '../../src/trainer/engine/model';
import type { TF } from '../../src/trainer/engine/tf';
import { analyze, cpuTf } from './engine-fixtures';

let tf: TF;
before(async () => {
  tf = await cpuTf();
});

describe('SqueezeExcitation', () => {
  it('multiplies each channel by its gate', () => {
    const a = analyze('input: [2, 1, 2]\nlayers:\n  - se: SqueezeExcitation(2, 1, scale_activation="Hardsigmoid")\n');
    assert.deepEqual(a.diagnostics, []);
    assert.equal(a.totals.params, 2 * 1 + 1 + 1 * 2 + 2);
    const model = buildModel(tf, a.graph, 1);
    const [w1, b1, w2, b2] = model.params.map((p) => p.variable);
    w1.assign(tf.tensor([1, -1], [1, 1, 2, 1]));
    b1.assign(tf.tensor([0.5]));
    w2.assign(tf.tensor([2, -4], [1, 1, 1, 2]));
    b2.assign(tf.tensor([0, 1]));
    // NHWC [1, 1, 2, 2]: channel 0 = (1, 3), channel 1 = (2, 2); means 2 and 2.
    const y = model.apply(tf.tensor([1, 2, 3, 2], [1, 1, 2, 2]), false).dataSync();
    const hidden = Math.max(0, 2 - 2 + 0.5);
    const gate = (v: number) => Math.min(Math.max(v + 3, 0), 6) / 6;
    const [g0, g1] = [gate(2 * hidden), gate(-4 * hidden + 1)];
    assert.deepEqual([...y].map((v) => +v.toFixed(6)), [1 * g0, 2 * g1, 3 * g0, 2 * g1].map((v) => +v.toFixed(6)));
    model.dispose();
  });
});

describe('StochasticDepth', () => {
  it('is the identity in evaluation and keeps or drops whole samples in training', () => {
    const a = analyze('input: [1, 2, 2]\nlayers:\n  - StochasticDepth(0.5, "row")\n');
    const model = buildModel(tf, a.graph, 3);
    const x = tf.ones([64, 2, 2, 1]);
    assert.deepEqual([...model.apply(x, false).dataSync()], new Array(256).fill(1));
    const y = model.apply(x, true).arraySync() as number[][][][];
    const perSample = y.map((s) => s.flat(2));
    for (const s of perSample) assert.ok(s.every((v) => v === 0) || s.every((v) => v === 2), String(s));
    const kept = perSample.filter((s) => s[0] === 2).length;
    assert.ok(kept > 16 && kept < 48, `${kept} of 64 kept`);
    model.dispose();
  });
});
