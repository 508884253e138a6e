/**
 * uniformRun: the seeded stream's values from any position (a data-parallel shard's rows of a dropout mask),
 * equal to the sequential generator's, and uniform enough for masks.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Random, uniformRun } from '../../src/trainer/datasets/random';

describe('uniformRun', () => {
  it("gives Random(seed)'s values, truncated to 24 bits, from any position", () => {
    const random = new Random(1234);
    const sequential = Array.from({ length: 1000 }, () => random.next());
    const whole = uniformRun(1234, 0, new Float32Array(1000));
    whole.forEach((v, i) => assert.equal(v, Math.floor(sequential[i] * 2 ** 24) / 2 ** 24, `value ${i}`));
    // A window of the stream (shard rows 300…699 of 1000) is the same slice of the whole draw.
    assert.deepEqual(uniformRun(1234, 300, new Float32Array(400)), whole.subarray(300, 700));
  });

  it('stays in [0, 1), with a uniform mean and variance, uncorrelated neighbours, and seeds that differ', () => {
    const n = 200_000;
    const v = uniformRun(7, 0, new Float32Array(n));
    let [sum, sq, lag, min, max] = [0, 0, 0, Infinity, -Infinity];
    for (let i = 0; i < n; i++) {
      sum += v[i];
      sq += v[i] * v[i];
      if (i > 0) lag += (v[i] - 0.5) * (v[i - 1] - 0.5);
      min = Math.min(min, v[i]);
      max = Math.max(max, v[i]);
    }
    const mean = sum / n;
    assert.ok(min >= 0 && max < 1, `range [${min}, ${max}]`);
    assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`);
    assert.ok(Math.abs(sq / n - mean * mean - 1 / 12) < 0.002, `variance ${sq / n - mean * mean}`);
    assert.ok(Math.abs(lag / n / (1 / 12)) < 0.01, `lag-1 correlation ${lag / n / (1 / 12)}`);
    const other = uniformRun(8, 0, new Float32Array(1000));
    assert.ok(other.filter((x, i) => x === v[i]).length < 3, 'seeds 7 and 8 draw different streams');
  });
});
