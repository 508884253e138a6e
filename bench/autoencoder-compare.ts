/**
 * The verdict of bench/autoencoder-vs-pytorch.ts, apart from the processes it runs: per-engine means and spreads
 * over seeds, the ratios, and which limits fail: the (test MSE within 10 %, anomaly AUROC within 0.02) and
 * the bench's own (our AUROC equal to the Python twin's computation on our per-image errors; the lockstep losses
 * equal to float32 rounding).
 */

/** One training run of either engine. */
export interface TwinRun {
  seed: number;
  trainSamples: number;
  samplesPerSecond: number;
  testMse: number;
  /** null without data.include_classes. */
  anomalyAuroc: number | null;
}

export interface Spread {
  mean: number;
  /** Sample standard deviation over the seeds (0 for one run). */
  sd: number;
}

export interface EngineFigures {
  runs: number;
  samplesPerSecond: Spread;
  testMse: Spread;
  anomalyAuroc: Spread | null;
}

export interface Limits {
  /** Largest |ours / torch − 1| of the mean test MSE. */
  mseRelative: number;
  /** Largest |ours − torch| of the mean AUROC. */
  auroc: number;
  /** Largest |our AUROC − the twin's computation on our errors| (our errors are stored with 6 significant digits). */
  aurocCrossCheck: number;
  /** Largest |ours / torch − 1| of a lockstep loss (same weights, same batches). */
  lockstepRelative: number;
}

export const BENCH_LIMITS: Limits = { mseRelative: 0.1, auroc: 0.02, aurocCrossCheck: 1e-4, lockstepRelative: 1e-3 };

export interface Comparison {
  ours: EngineFigures;
  torch: EngineFigures;
  /** Mean test MSE, ours / torch. */
  mseRatio: number;
  /** Mean AUROC, ours − torch; null without include_classes. */
  aurocDifference: number | null;
  /** Mean samples/s, ours / torch. */
  speedRatio: number;
  /** Largest |our AUROC − the twin's computation on our errors| over our runs; null without include_classes. */
  aurocCrossCheck: number | null;
  /** One sentence per limit exceeded; empty when the comparison passes. */
  failures: string[];
}

export function spread(values: number[]): Spread {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const sd = values.length > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, sd };
}

function figures(runs: TwinRun[]): EngineFigures {
  const aurocs = runs.map((r) => r.anomalyAuroc);
  return {
    runs: runs.length,
    samplesPerSecond: spread(runs.map((r) => r.samplesPerSecond)),
    testMse: spread(runs.map((r) => r.testMse)),
    anomalyAuroc: aurocs.every((a): a is number => a !== null) ? spread(aurocs) : null,
  };
}

/**
 * `ours` and `torch` are runs of the same recipe over the same seeds; `crossChecked` holds, per run of ours, the
 * twin's AUROC of that run's stored errors (empty without include_classes).
 */
export function compareTwins(ours: TwinRun[], torch: TwinRun[], crossChecked: number[], limits: Limits = BENCH_LIMITS): Comparison {
  if (ours.length === 0 || torch.length === 0) throw new Error('compareTwins needs at least one run of each engine');
  const [o, t] = [figures(ours), figures(torch)];
  const mseRatio = o.testMse.mean / t.testMse.mean;
  const aurocDifference = o.anomalyAuroc && t.anomalyAuroc ? o.anomalyAuroc.mean - t.anomalyAuroc.mean : null;
  const aurocCrossCheck = o.anomalyAuroc
    ? Math.max(...ours.map((r, i) => (crossChecked[i] === undefined ? Infinity : Math.abs((r.anomalyAuroc as number) - crossChecked[i]))))
    : null;
  const failures: string[] = [];
  if (!(Math.abs(mseRatio - 1) <= limits.mseRelative)) {
    failures.push(`test MSE: ours ${o.testMse.mean.toPrecision(4)} vs PyTorch ${t.testMse.mean.toPrecision(4)} differ by ${(100 * Math.abs(mseRatio - 1)).toFixed(1)}% (limit ${100 * limits.mseRelative}%)`);
  }
  if ((o.anomalyAuroc === null) !== (t.anomalyAuroc === null)) failures.push('anomaly AUROC: only one engine reported it');
  if (aurocDifference !== null && !(Math.abs(aurocDifference) <= limits.auroc)) {
    failures.push(`anomaly AUROC: ours ${o.anomalyAuroc?.mean.toFixed(4)} vs PyTorch ${t.anomalyAuroc?.mean.toFixed(4)} differ by ${Math.abs(aurocDifference).toFixed(4)} (limit ${limits.auroc})`);
  }
  if (aurocCrossCheck !== null && !(aurocCrossCheck <= limits.aurocCrossCheck)) {
    failures.push(`anomaly AUROC cross-check: ours and the twin's computation on our errors differ by ${aurocCrossCheck.toExponential(2)} (limit ${limits.aurocCrossCheck})`);
  }
  return { ours: o, torch: t, mseRatio, aurocDifference, speedRatio: o.samplesPerSecond.mean / t.samplesPerSecond.mean, aurocCrossCheck, failures };
}

/** The failure of a lockstep comparison, or null when its largest relative loss difference is within the limit. */
export function lockstepFailure(maxRelativeDifference: number, steps: number, limits: Limits = BENCH_LIMITS): string | null {
  if (maxRelativeDifference <= limits.lockstepRelative) return null;
  return `lockstep: from the same weights, the losses of ${steps} steps differ by up to ${(100 * maxRelativeDifference).toPrecision(3)}% (limit ${100 * limits.lockstepRelative}%)`;
}

/** The model file with `seed: N` of its train section replaced (the bench's other seeds); throws when not exactly one. */
export function withSeed(modelText: string, seed: number): string {
  const matches = modelText.match(/\bseed:\s*\d+/g) ?? [];
  if (matches.length !== 1) throw new Error(`expected one 'seed: N' in the model file, found ${matches.length}`);
  return modelText.replace(/\bseed:\s*\d+/, `seed: ${seed}`);
}
