/** PCA on data with known principal axes; t-SNE seeded, reproducible, and separating well-separated clusters. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { symmetricEigen } from '../../src/inspect/embed/eigen';
import { pca, type PointSet } from '../../src/inspect/embed/pca';
import { tsne, tsneAsync } from '../../src/inspect/embed/tsne';
import { Random } from '../../src/trainer/datasets/random';

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
  return ab / Math.sqrt(aa * bb);
};

describe('symmetric eigen-decomposition', () => {
  it('[[2, 1], [1, 2]] has eigenvalues 3 and 1 along (1, 1) and (1, −1)', () => {
    const { values, vectors } = symmetricEigen([[2, 1], [1, 2]]);
    assert.ok(Math.abs(values[0] - 3) < 1e-12 && Math.abs(values[1] - 1) < 1e-12);
    assert.ok(Math.abs(Math.abs(cosine(vectors[0], [1, 1])) - 1) < 1e-12);
    assert.ok(Math.abs(Math.abs(cosine(vectors[1], [1, -1])) - 1) < 1e-12);
  });
});

describe('PCA', () => {
  it('finds the hand-computed axes of four points', () => {
    // (±2, ±2) along the diagonal project to ±2√2, (±1, ∓1) across it to ±√2: variances 16/3 and 4/3 (n − 1 = 3).
    const points: PointSet = { n: 4, d: 2, data: Float32Array.from([-2, -2, 2, 2, -1, 1, 1, -1]) };
    const r = pca(points, { components: 2 });
    assert.ok(Math.abs(r.variances[0] - 16 / 3) < 1e-9, `variance ${r.variances[0]}`);
    assert.ok(Math.abs(r.variances[1] - 4 / 3) < 1e-9);
    assert.ok(Math.abs(cosine(r.components[0], [1, 1]) - 1) < 1e-9, 'first axis is +(1, 1)/√2 (sign fixed)');
    assert.ok(Math.abs(Math.abs(cosine(r.components[1], [1, -1])) - 1) < 1e-9);
    assert.ok(Math.abs(r.explainedRatio[0] - 16 / 20) < 1e-9);
    // The projection of (2, 2) on the first axis is 2√2.
    assert.ok(Math.abs(r.projected[1 * 2] - 2 * Math.SQRT2) < 1e-5);
  });

  it('recovers planted axes in 20 dimensions', () => {
    const rng = new Random(7);
    const d = 20;
    const u = new Float64Array(d).map((_, i) => (i < 4 ? 0.5 : 0)); // unit vector over dims 0..3
    const v = new Float64Array(d).map((_, i) => (i === 10 ? 1 : 0));
    const n = 500;
    const data = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      const a = rng.gaussian() * 5;
      const b = rng.gaussian() * 2;
      for (let j = 0; j < d; j++) data[i * d + j] = 3 + a * u[j] + b * v[j] + rng.gaussian() * 0.05;
    }
    const r = pca({ n, d, data }, { components: 2, seed: 1 });
    assert.ok(Math.abs(cosine(r.components[0], u)) > 0.999, `first ${cosine(r.components[0], u)}`);
    assert.ok(Math.abs(cosine(r.components[1], v)) > 0.999);
    assert.ok(Math.abs(r.mean[0] - 3) < 0.5);
    assert.ok(r.explainedRatio[0] > 0.8 && r.explainedRatio[0] + r.explainedRatio[1] > 0.98);
  });
});

/** Three tight Gaussian clusters far apart in 10-D, labelled 0..2. */
function clusters(perCluster: number, seed: number): { points: PointSet; labels: number[] } {
  const rng = new Random(seed);
  const d = 10;
  const n = 3 * perCluster;
  const data = new Float32Array(n * d);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    labels.push(c);
    for (let j = 0; j < d; j++) data[i * d + j] = (j === c ? 20 : 0) + rng.gaussian();
  }
  return { points: { n, d, data }, labels };
}

/** Share of points whose nearest other point (in 2-D) has the same label. */
function neighbourAgreement(y: Float32Array, labels: number[]): number {
  let agree = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = -1, bestD = Infinity;
    for (let j = 0; j < labels.length; j++) {
      if (i === j) continue;
      const d = (y[2 * i] - y[2 * j]) ** 2 + (y[2 * i + 1] - y[2 * j + 1]) ** 2;
      if (d < bestD) { bestD = d; best = j; }
    }
    if (labels[best] === labels[i]) agree++;
  }
  return agree / labels.length;
}

describe('t-SNE', () => {
  const { points, labels } = clusters(60, 3);

  it('is reproducible for a seed and differs for another seed', () => {
    const a = tsne(points, { seed: 5, iterations: 300, perplexity: 15 });
    const b = tsne(points, { seed: 5, iterations: 300, perplexity: 15 });
    const c = tsne(points, { seed: 6, iterations: 300, perplexity: 15 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('separates well-separated clusters (Barnes-Hut and exact)', () => {
    for (const theta of [0.5, 0]) {
      const y = tsne(points, { seed: 1, iterations: 400, perplexity: 15, theta });
      assert.ok(y.every(Number.isFinite));
      assert.equal(neighbourAgreement(y, labels), 1, `theta ${theta}`);
      // Between-cluster distances dwarf within-cluster spread.
      const centre = [0, 1, 2].map((c) => {
        const idx = labels.flatMap((l, i) => (l === c ? [i] : []));
        return [idx.reduce((s, i) => s + y[2 * i], 0) / idx.length, idx.reduce((s, i) => s + y[2 * i + 1], 0) / idx.length];
      });
      const spread = Math.max(...labels.map((l, i) => Math.hypot(y[2 * i] - centre[l][0], y[2 * i + 1] - centre[l][1])));
      const gap = Math.min(...[[0, 1], [0, 2], [1, 2]].map(([p, q]) => Math.hypot(centre[p][0] - centre[q][0], centre[p][1] - centre[q][1])));
      assert.ok(gap > 2 * spread, `gap ${gap} spread ${spread}`);
    }
  });

  it('runs the same in a worker-friendly async loop, which can be stopped', async () => {
    const options = { seed: 4, iterations: 120, perplexity: 10 };
    assert.deepEqual(await tsneAsync(points, options), tsne(points, options));
    let reports = 0;
    const stopped = await tsneAsync(points, { ...options, progressEvery: 10, onProgress: () => reports++, shouldStop: () => reports >= 2 });
    assert.equal(reports, 2);
    assert.deepEqual(stopped, tsne(points, { ...options, iterations: 20 }));
  });

  it('reports progress and handles tiny inputs', () => {
    const seen: number[] = [];
    tsne(points, { iterations: 100, progressEvery: 25, onProgress: (i) => seen.push(i) });
    assert.deepEqual(seen, [25, 50, 75, 100]);
    assert.equal(tsne({ n: 1, d: 3, data: new Float32Array(3) }).length, 2);
    const two = tsne({ n: 2, d: 1, data: Float32Array.from([0, 1]) }, { iterations: 50 });
    assert.ok(two.every(Number.isFinite));
  });
});
