/**
 * t-SNE (van der Maaten & Hinton, 2008) with Barnes-Hut repulsion (van der Maaten, 2014): sparse input
 * affinities, early exaggeration, momentum and per-coordinate gains, as the reference implementation does.
 * Seeded, so the same points and options always give the same picture. θ = 0 computes the exact gradient.
 */
import { Random } from '../../trainer/datasets/random';
import { yieldToEventLoop } from '../../trainer/engine/eventLoop';
import { affinities, type SparseRows } from './affinities';
import { pca, type PointSet } from './pca';
import { QuadTree, type Repulsion } from './quadtree';

export interface TsneOptions {
  /** Effective number of neighbours (default 30; lowered automatically for small sets). */
  perplexity?: number;
  /** Gradient steps (default 750: 250 exaggerated + 500, as openTSNE). */
  iterations?: number;
  /** Default max(n / 12 / 4, 50), the "auto" rule of openTSNE and scikit-learn. */
  learningRate?: number;
  /** Barnes-Hut accuracy: 0 is exact, 0.5 the usual trade-off (default). */
  theta?: number;
  seed?: number;
  /** Points with more than twice this many dimensions are first reduced to this many by PCA (default 50). */
  pcaDimensions?: number;
  /** Called every `progressEvery` iterations (default 50) with the iteration count and the total. */
  onProgress?: (iteration: number, total: number) => void;
  progressEvery?: number;
  /** Polled with each progress report: when it returns true, the embedding so far is returned. */
  shouldStop?: () => boolean;
}

const EXAGGERATION = 12;
const EXAGGERATION_ITERATIONS = 250;

/** 2-D t-SNE embedding of `points`: n rows of (x, y). Runs to the end in one go (see tsneAsync for a worker). */
export function tsne(points: PointSet, options: TsneOptions = {}): Float32Array {
  const run = new TsneRun(points, options);
  while (run.step()) {
    if (run.reportDue() && run.report()) break;
  }
  return run.result();
}

/**
 * The same embedding, yielding to the event loop at every progress report so that a worker can receive a stop
 * request meanwhile (a synchronous loop of several seconds would never see it).
 */
export async function tsneAsync(points: PointSet, options: TsneOptions = {}): Promise<Float32Array> {
  const run = new TsneRun(points, options);
  while (run.step()) {
    if (!run.reportDue()) continue;
    await yieldToEventLoop();
    if (run.report()) break;
  }
  return run.result();
}

/** The optimisation state: one gradient step at a time. */
class TsneRun {
  private readonly n: number;
  private readonly p: SparseRows | undefined;
  private readonly y: Float64Array;
  private readonly update: Float64Array;
  private readonly gains: Float64Array;
  private readonly grad: Float64Array;
  private readonly iterations: number;
  private readonly rate: number;
  private readonly theta: number;
  private it = 0;

  constructor(points: PointSet, private readonly options: TsneOptions) {
    this.n = points.n;
    const seed = options.seed ?? 0;
    const dims = options.pcaDimensions ?? 50;
    // Fewer than two points need no optimisation: they sit at the origin.
    this.iterations = this.n < 2 ? 0 : (options.iterations ?? 750);
    if (this.n >= 2) {
      const reduced = points.d > 2 * dims ? reduce(points, dims, seed) : points;
      this.p = affinities(reduced, options.perplexity ?? 30);
    }
    this.rate = options.learningRate ?? Math.max(this.n / EXAGGERATION / 4, 50);
    this.theta = options.theta ?? 0.5;
    const rng = new Random(seed);
    this.y = Float64Array.from({ length: 2 * this.n }, () => (this.n < 2 ? 0 : rng.gaussian() * 1e-4));
    this.update = new Float64Array(2 * this.n);
    this.gains = new Float64Array(2 * this.n).fill(1);
    this.grad = new Float64Array(2 * this.n);
  }

  /** One gradient step; false when all iterations are done. */
  step(): boolean {
    if (this.it >= this.iterations || !this.p) return false;
    const early = this.it < EXAGGERATION_ITERATIONS;
    gradient(this.y, this.n, this.p, early ? EXAGGERATION : 1, this.theta, this.grad);
    const momentum = early ? 0.5 : 0.8;
    const { y, update, gains, grad, rate } = this;
    for (let i = 0; i < 2 * this.n; i++) {
      // Delta-bar-delta gains: grow where the step keeps its direction, shrink where it flips.
      gains[i] = Math.sign(grad[i]) !== Math.sign(update[i]) ? gains[i] + 0.2 : Math.max(gains[i] * 0.8, 0.01);
      update[i] = momentum * update[i] - rate * gains[i] * grad[i];
      y[i] += update[i];
    }
    recentre(y, this.n);
    this.it++;
    return true;
  }

  reportDue(): boolean {
    return this.it % (this.options.progressEvery ?? 50) === 0 || this.it === this.iterations;
  }

  /** Reports progress; returns true when the caller asked to stop. */
  report(): boolean {
    this.options.onProgress?.(this.it, this.iterations);
    return this.options.shouldStop?.() ?? false;
  }

  result(): Float32Array {
    return Float32Array.from(this.y);
  }
}

/** ∂KL/∂y: 4 Σⱼ (exaggeration·pᵢⱼ − qᵢⱼ) wᵢⱼ (yᵢ − yⱼ), with the q part from the quadtree. */
function gradient(y: Float64Array, n: number, p: SparseRows, exaggeration: number, theta: number, out: Float64Array): void {
  const tree = new QuadTree(y, n);
  const rep: Repulsion = { fx: 0, fy: 0, z: 0 };
  const repX = new Float64Array(n);
  const repY = new Float64Array(n);
  let z = 0;
  for (let i = 0; i < n; i++) {
    tree.repulsion(i, theta, rep);
    repX[i] = rep.fx;
    repY[i] = rep.fy;
    z += rep.z;
  }
  for (let i = 0; i < n; i++) {
    let ax = 0;
    let ay = 0;
    for (let e = p.rowStart[i]; e < p.rowStart[i + 1]; e++) {
      const j = p.columns[e];
      const dx = y[2 * i] - y[2 * j];
      const dy = y[2 * i + 1] - y[2 * j + 1];
      const w = (exaggeration * p.values[e]) / (1 + dx * dx + dy * dy);
      ax += w * dx;
      ay += w * dy;
    }
    out[2 * i] = 4 * (ax - repX[i] / z);
    out[2 * i + 1] = 4 * (ay - repY[i] / z);
  }
}

function recentre(y: Float64Array, n: number): void {
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += y[2 * i];
    my += y[2 * i + 1];
  }
  mx /= n;
  my /= n;
  for (let i = 0; i < n; i++) {
    y[2 * i] -= mx;
    y[2 * i + 1] -= my;
  }
}

function reduce(points: PointSet, dims: number, seed: number): PointSet {
  const k = Math.min(dims, points.n, points.d);
  return { n: points.n, d: k, data: pca(points, { components: k, seed, iterations: 8 }).projected };
}
