/**
 * t-SNE's input affinities: for each point, a Gaussian over its 3·perplexity nearest neighbours whose width
 * is found by bisection so that the distribution's perplexity matches, then symmetrised P = (P + Pᵀ)/2n.
 * Sparse, as in Barnes-Hut-SNE (van der Maaten, 2014): a few thousand points stay fast.
 */
import type { PointSet } from './pca';

/** A sparse symmetric matrix in compressed rows. */
export interface SparseRows {
  rowStart: Int32Array;
  columns: Int32Array;
  values: Float64Array;
}

/** The symmetrised affinities of `points` for a perplexity (clamped so that it fits the point count). */
export function affinities(points: PointSet, perplexity: number): SparseRows {
  const { n } = points;
  const k = Math.max(1, Math.min(n - 1, Math.floor(3 * perplexity)));
  const target = Math.log(Math.min(perplexity, Math.max(1, (n - 1) / 3)));
  const neighbours = new Int32Array(n * k);
  const conditional = new Float64Array(n * k);
  const distances = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    squaredDistancesFrom(points, i, distances);
    const nearest = nearestIndices(distances, i, k);
    neighbours.set(nearest, i * k);
    const row = calibrateRow(Float64Array.from(nearest, (j) => distances[j]), target);
    conditional.set(row, i * k);
  }
  return symmetrise(n, k, neighbours, conditional);
}

function squaredDistancesFrom({ n, d, data }: PointSet, i: number, out: Float64Array): void {
  const a = i * d;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let t = 0, b = j * d; t < d; t++) {
      const diff = data[a + t] - data[b + t];
      s += diff * diff;
    }
    out[j] = s;
  }
}

/** Indices of the k smallest distances, excluding `self`, nearest first (a bounded max-heap: O(n log k)). */
function nearestIndices(distances: Float64Array, self: number, k: number): Int32Array {
  const heap = new Int32Array(k);
  let size = 0;
  const farther = (a: number, b: number): boolean => distances[a] > distances[b] || (distances[a] === distances[b] && a > b);
  const siftDown = (from: number): void => {
    let i = from;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && farther(heap[l], heap[m])) m = l;
      if (r < size && farther(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (let j = 0; j < distances.length; j++) {
    if (j === self) continue;
    if (size < k) {
      let i = size++;
      heap[i] = j;
      while (i > 0 && farther(heap[i], heap[(i - 1) >> 1])) {
        const parent = (i - 1) >> 1;
        [heap[i], heap[parent]] = [heap[parent], heap[i]];
        i = parent;
      }
    } else if (farther(heap[0], j)) {
      heap[0] = j;
      siftDown(0);
    }
  }
  return heap.slice(0, size).sort((a, b) => distances[a] - distances[b] || a - b);
}

/** Conditional probabilities p(j|i) over the neighbours whose entropy is `target` nats (bisection on β). */
function calibrateRow(d2: Float64Array, target: number): Float64Array {
  const p = new Float64Array(d2.length);
  const dMin = d2.reduce((m, v) => Math.min(m, v), Infinity);
  let beta = 1;
  let lo = 0;
  let hi = Infinity;
  for (let step = 0; step < 200; step++) {
    let sum = 0;
    let weighted = 0;
    for (let j = 0; j < d2.length; j++) {
      // Shifting by the smallest distance keeps exp() from underflowing for far-apart data.
      p[j] = Math.exp(-beta * (d2[j] - dMin));
      sum += p[j];
      weighted += p[j] * (d2[j] - dMin);
    }
    const entropy = Math.log(sum) + (beta * weighted) / sum;
    for (let j = 0; j < d2.length; j++) p[j] /= sum;
    if (Math.abs(entropy - target) < 1e-5) break;
    if (entropy > target) {
      lo = beta;
      beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
    } else {
      hi = beta;
      beta = (beta + lo) / 2;
    }
  }
  return p;
}

function symmetrise(n: number, k: number, neighbours: Int32Array, conditional: Float64Array): SparseRows {
  const rows = Array.from({ length: n }, () => new Map<number, number>());
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const j = neighbours[i * k + t];
      const v = conditional[i * k + t] / (2 * n);
      rows[i].set(j, (rows[i].get(j) ?? 0) + v);
      rows[j].set(i, (rows[j].get(i) ?? 0) + v);
    }
  }
  const rowStart = new Int32Array(n + 1);
  rows.forEach((r, i) => (rowStart[i + 1] = rowStart[i] + r.size));
  const columns = new Int32Array(rowStart[n]);
  const values = new Float64Array(rowStart[n]);
  rows.forEach((r, i) => {
    let o = rowStart[i];
    for (const [j, v] of r) {
      columns[o] = j;
      values[o++] = v;
    }
  });
  return { rowStart, columns, values };
}
