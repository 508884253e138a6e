/**
 * The autoencoder benchmark's verdict (bench/autoencoder-compare.ts) and the PyTorch twin's own AUROC
 * (bench/torch-autoencoder.py --auroc-of, Mann–Whitney ranks) on hand-computed cases.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { python, pythonHas } from '../fixtures/python';
import { compareTwins, lockstepFailure, spread, withSeed, type TwinRun } from '../../bench/autoencoder-compare';

const run = (seed: number, testMse: number, anomalyAuroc: number | null, samplesPerSecond = 1000): TwinRun => ({ seed, trainSamples: 100, samplesPerSecond, testMse, anomalyAuroc });

describe('autoencoder benchmark verdict', () => {
  it('mean and sample standard deviation', () => {
    assert.deepEqual(spread([2, 4, 6]), { mean: 4, sd: 2 });
    assert.deepEqual(spread([5]), { mean: 5, sd: 0 });
  });

  it('passes within 10% MSE and 0.02 AUROC of the means, with the ratios', () => {
    // Means: ours MSE 0.0030, AUROC 0.87; torch MSE 0.0028, AUROC 0.86 → ×1.0714, +0.01.
    const c = compareTwins([run(1, 0.0029, 0.86, 1200), run(2, 0.0031, 0.88, 1000)], [run(1, 0.0027, 0.85, 1000), run(2, 0.0029, 0.87, 1200)], [0.86, 0.88]);
    assert.deepEqual(c.failures, []);
    assert.ok(Math.abs(c.mseRatio - 0.003 / 0.0028) < 1e-12);
    assert.ok(Math.abs((c.aurocDifference ?? NaN) - 0.01) < 1e-12);
    assert.equal(c.speedRatio, 1);
    assert.equal(c.aurocCrossCheck, 0);
  });

  it('fails on MSE beyond 10%, AUROC beyond 0.02 and a cross-check mismatch, naming each', () => {
    const c = compareTwins([run(1, 0.0034, 0.90)], [run(1, 0.0030, 0.87)], [0.8998]);
    assert.equal(c.failures.length, 3, c.failures.join('\n'));
    assert.match(c.failures[0], /^test MSE: ours 0.003400 vs PyTorch 0.003000 differ by 13.3% \(limit 10%\)/);
    assert.match(c.failures[1], /^anomaly AUROC: ours 0.9000 vs PyTorch 0.8700 differ by 0.0300 \(limit 0.02\)/);
    assert.match(c.failures[2], /^anomaly AUROC cross-check: .* differ by 2.00e-4/);
  });

  it('without include_classes: MSE only, no AUROC figures', () => {
    const c = compareTwins([run(1, 0.0030, null)], [run(1, 0.0031, null)], []);
    assert.deepEqual(c.failures, []);
    assert.equal(c.aurocDifference, null);
    assert.equal(c.aurocCrossCheck, null);
    assert.equal(c.ours.anomalyAuroc, null);
  });

  it('a NaN MSE fails', () => {
    assert.equal(compareTwins([run(1, NaN, null)], [run(1, 0.003, null)], []).failures.length, 1);
  });

  it('lockstep losses must agree to 0.1%', () => {
    assert.equal(lockstepFailure(2.8e-5, 100), null);
    assert.equal(lockstepFailure(0.001, 100), null);
    assert.equal(lockstepFailure(0.0123, 100), 'lockstep: from the same weights, the losses of 100 steps differ by up to 1.23% (limit 0.1%)');
    assert.match(lockstepFailure(NaN, 100) ?? '', /^lockstep/);
  });

  it('withSeed replaces the one train.seed of a model file and refuses ambiguity', () => {
    assert.equal(withSeed('train: { epochs: 3, seed: 42 }\n', 43), 'train: { epochs: 3, seed: 43 }\n');
    assert.throws(() => withSeed('train: { epochs: 3 }\n', 1), /found 0/);
    assert.throws(() => withSeed('data: { seed: 1 }\ntrain: { seed: 2 }\n', 1), /found 2/);
  });
});

const twin = join(__dirname, '..', '..', 'bench', 'torch-autoencoder.py');
const hasNumpy = pythonHas('numpy');

describe('the PyTorch twin’s AUROC (Mann–Whitney ranks)', { skip: hasNumpy ? false : 'needs /usr/bin/python3 with numpy' }, () => {
  const aurocOf = (errors: number[], labels: number[], includedClasses: number[]): number | null => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnlab-auroc-'));
    try {
      const file = join(dir, 'reconstructions.json');
      writeFileSync(file, JSON.stringify({ errors, labels, anomaly: { includedClasses } }));
      return (JSON.parse(execFileSync(python, [twin, '--auroc-of', file], { encoding: 'utf8' })) as { auroc: number | null }).auroc;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('counts the positive–negative pairs ranked right', () => {
    // Normal images (class 0) score 0.1 and 0.5, anomalies (class 1) 0.4 and 0.8: of the 4 anomaly–normal pairs,
    // 0.4 > 0.1, 0.8 > 0.1 and 0.8 > 0.5 are ranked right, 0.4 < 0.5 is not: 3/4.
    assert.equal(aurocOf([0.1, 0.4, 0.5, 0.8], [0, 1, 0, 1], [0]), 0.75);
  });

  it('counts a tie as one half', () => {
    // Anomaly 0.3 vs normals 0.3 (tie: ½) and 0.1 (right: 1); anomaly 0.5 beats both: (½ + 1 + 1 + 1) / 4 = 0.875.
    assert.equal(aurocOf([0.1, 0.3, 0.3, 0.5], [0, 0, 2, 2], [0]), 0.875);
  });

  it('is null with only one kind of image', () => {
    assert.equal(aurocOf([0.1, 0.2], [0, 0], [0]), null);
  });
});
