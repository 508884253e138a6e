/**
 * Principal component analysis of n points in d dimensions without forming the d×d covariance (d can be
 * thousands): seeded subspace iteration on the centred data, then a Rayleigh–Ritz step on the small k×k
 * problem for exact directions and variances.
 */
import { Random } from '../../trainer/datasets/random';
import { symmetricEigen } from './eigen';

/** Points as one row-major array of n rows of d values. */
export interface PointSet {
  n: number;
  d: number;
  data: Float32Array;
}

export interface PcaResult {
  /** k unit directions, each of length d (sign fixed: the largest entry is positive). */
  components: Float64Array[];
  /** Variance along each component (sample variance, n − 1). */
  variances: number[];
  /** Share of the total variance along each component. */
  explainedRatio: number[];
  mean: Float64Array;
  /** The points projected on the components: n rows of k values. */
  projected: Float32Array;
}

export interface PcaOptions {
  /** Number of components (default 2, at most min(n, d)). */
  components?: number;
  seed?: number;
  /** Subspace iterations (default 100; stops earlier when the subspace settles). */
  iterations?: number;
}

/** PCA of `points` (see the module comment). */
export function pca(points: PointSet, options: PcaOptions = {}): PcaResult {
  const { n, d } = points;
  const k = Math.max(1, Math.min(options.components ?? 2, n, d));
  const mean = columnMeans(points);
  const x = centred(points, mean);
  const rng = new Random(options.seed ?? 0);
  let q = orthonormalise(Array.from({ length: k }, () => Float64Array.from({ length: d }, () => rng.gaussian())));
  for (let it = 0; it < (options.iterations ?? 100); it++) {
    const next = orthonormalise(q.map((col) => multiplyTransposed(x, n, d, multiply(x, n, d, col))));
    const settled = next.every((col, j) => Math.abs(Math.abs(dot(col, q[j])) - 1) < 1e-12);
    q = next;
    if (settled) break;
  }
  // Rayleigh–Ritz: the covariance restricted to the subspace, diagonalised.
  const scores = q.map((col) => multiply(x, n, d, col));
  const small = scores.map((a) => scores.map((b) => dot(a, b) / Math.max(n - 1, 1)));
  const eig = symmetricEigen(small);
  const components = eig.vectors.map((coef) => fixSign(combine(q, coef)));
  const total = totalVariance(x, n, d);
  const variances = eig.values.map((v) => Math.max(v, 0));
  const projected = new Float32Array(n * k);
  components.forEach((comp, j) => multiply(x, n, d, comp).forEach((v, i) => (projected[i * k + j] = v)));
  return { components, variances, explainedRatio: variances.map((v) => (total > 0 ? v / total : 0)), mean, projected };
}

function columnMeans({ n, d, data }: PointSet): Float64Array {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j];
  return mean.map((s) => (n > 0 ? s / n : 0));
}

function centred({ n, d, data }: PointSet, mean: Float64Array): Float64Array {
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = data[i * d + j] - mean[j];
  return x;
}

/** x·v (n values) for x of n×d. */
function multiply(x: Float64Array, n: number, d: number, v: Float64Array): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0, o = i * d; j < d; j++) s += x[o + j] * v[j];
    out[i] = s;
  }
  return out;
}

/** xᵀ·u (d values) for x of n×d. */
function multiplyTransposed(x: Float64Array, n: number, d: number, u: Float64Array): Float64Array {
  const out = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const ui = u[i];
    for (let j = 0, o = i * d; j < d; j++) out[j] += x[o + j] * ui;
  }
  return out;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Modified Gram–Schmidt; a vector that collapses (rank deficiency) is replaced by a fresh basis vector. */
function orthonormalise(vectors: Float64Array[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const v of vectors) {
    let w = Float64Array.from(v);
    for (const u of out) subtractProjection(w, u);
    let norm = Math.sqrt(dot(w, w));
    for (let e = 0; norm < 1e-12 && e < w.length; e++) {
      w = new Float64Array(w.length);
      w[e] = 1;
      for (const u of out) subtractProjection(w, u);
      norm = Math.sqrt(dot(w, w));
    }
    out.push(w.map((x) => x / norm));
  }
  return out;
}

function subtractProjection(w: Float64Array, u: Float64Array): void {
  const p = dot(w, u);
  for (let i = 0; i < w.length; i++) w[i] -= p * u[i];
}

function combine(basis: Float64Array[], coef: number[]): Float64Array {
  const out = new Float64Array(basis[0].length);
  basis.forEach((b, j) => b.forEach((x, i) => (out[i] += coef[j] * x)));
  return out;
}

function fixSign(v: Float64Array): Float64Array {
  let big = 0;
  for (let i = 1; i < v.length; i++) if (Math.abs(v[i]) > Math.abs(v[big])) big = i;
  return v[big] < 0 ? v.map((x) => -x) : v;
}

function totalVariance(x: Float64Array, n: number, d: number): number {
  let s = 0;
  for (let i = 0; i < n * d; i++) s += x[i] * x[i];
  return n > 1 ? s / (n - 1) : 0;
}
