/**
 * `cnnlab evaluate RUN --workers N` on a run trained by the engine in this test: two data-parallel workers give the
 * figures, the --json keys and the recorded predictions of one, within 1e-5; a worker that dies mid-pass fails the
 * evaluation with its reason and leaves the run as it was.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runEvaluate } from '../../src/cli/evaluate';
import { trainTinyRun, type TrainedRun } from './inspect-fixture';

let fixture: TrainedRun;
before(async () => {
  fixture = await trainTinyRun();
});
after(() => fixture && rmSync(fixture.root, { recursive: true, force: true }));

/** A copy of the trained run (evaluate writes into it), as a later run of the same model. */
function copyOfRun(stamp: string): string {
  const copy = join(dirname(fixture.runDir), stamp);
  cpSync(fixture.runDir, copy, { recursive: true });
  return copy;
}

async function evaluate(runDir: string, workers: number): Promise<{ status: number; stdout: string; stderr: string }> {
  const captured = { stdout: '', stderr: '' };
  const io = { out: (t: string) => void (captured.stdout += t), err: (t: string) => void (captured.stderr += t) };
  const status = await runEvaluate([runDir, '--json', '--backend', 'wasm', '--workers', String(workers)], io);
  return { status, ...captured };
}

const close = (a: number[], b: number[], what: string, tolerance = 1e-5) => {
  assert.equal(a.length, b.length, what);
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) <= tolerance, `${what} ${i}: ${x} vs ${b[i]}`));
};

describe('cnnlab evaluate --workers', () => {
  it('gives the figures, JSON keys and predictions of one worker with two, within 1e-5', { timeout: 300_000 }, async () => {
    const [oneDir, twoDir] = [copyOfRun('2999-02-01_00-00-00'), copyOfRun('2999-02-02_00-00-00')];
    try {
      const one = await evaluate(oneDir, 1);
      const two = await evaluate(twoDir, 2);
      assert.equal(one.status, 0, one.stderr);
      assert.equal(two.status, 0, two.stderr);
      assert.doesNotMatch(one.stderr, /data-parallel/);
      assert.match(two.stderr, /data-parallel: 2 workers/);
      const [a, b] = [JSON.parse(one.stdout), JSON.parse(two.stdout)];
      assert.deepEqual(Object.keys(b), Object.keys(a));
      assert.deepEqual(Object.keys(a), ['runDir', 'checkpoint', 'backend', 'testAccuracy', 'testLoss', 'samples', 'classes', 'perClassAccuracy']);
      assert.equal(a.samples, 80);
      close([a.testAccuracy, a.testLoss, ...a.perClassAccuracy], [b.testAccuracy, b.testLoss, ...b.perClassAccuracy], 'figure');
      const summary = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).test;
      assert.deepEqual(summary(twoDir).confusion, summary(oneDir).confusion);
      // The recorded predictions (the confusion matrix's thumbnails) come from the same outputs.
      const [p1, p2] = [oneDir, twoDir].map((dir) => JSON.parse(readFileSync(join(dir, 'predictions.json'), 'utf8')));
      assert.equal(p1.truth.length, 80);
      for (const key of ['truth', 'predicted', 'stored']) assert.deepEqual(p2[key], p1[key], key);
      // Confidences are rounded to 4 decimals: values 1e-5 apart may round 1e-4 apart.
      close(p1.confidence, p2.confidence, 'confidence', 1e-4);
      assert.deepEqual(readFileSync(join(twoDir, 'predictions.bin')), readFileSync(join(oneDir, 'predictions.bin')));
    } finally {
      rmSync(oneDir, { recursive: true, force: true });
      rmSync(twoDir, { recursive: true, force: true });
    }
  });

  it('fails with the reason, not a hang, when a worker dies mid-pass; the run is left as it was', { timeout: 300_000 }, async () => {
    const dir = copyOfRun('2999-02-03_00-00-00');
    const saved = process.env.CNNLAB_TEST_FORWARD_WORKER_EXIT;
    try {
      const before = readFileSync(join(dir, 'summary.json'), 'utf8');
      // 80 test images in batches of 32: the worker dies at its rows of the second batch.
      process.env.CNNLAB_TEST_FORWARD_WORKER_EXIT = '2';
      const r = await evaluate(dir, 2);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /cnnlab evaluate: data-parallel worker 1 exited \(code 70\) while evaluating/);
      assert.equal(readFileSync(join(dir, 'summary.json'), 'utf8'), before);
    } finally {
      if (saved === undefined) delete process.env.CNNLAB_TEST_FORWARD_WORKER_EXIT;
      else process.env.CNNLAB_TEST_FORWARD_WORKER_EXIT = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
