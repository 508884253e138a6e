/**
 * Occlusion on data-parallel workers: the occluded copies of an image split among two workers give the heatmap of
 * one (both measures), within 1e-5, on a run trained by the engine in this test; a worker that dies mid-map fails
 * the view with its reason. The inspector's session splits its occlusion requests among the workers its run was
 * opened with.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { inputFromFile } from '../../src/inspect/network/input';
import { occlusion } from '../../src/inspect/network/occlusion';
import { openRun, runWorkerSetup } from '../../src/inspect/network/runModel';
import { InspectorSession } from '../../src/inspect/session/inspectorSession';
import type { InspectRequest } from '../../src/protocol/inspect';
import { initBackend } from '../../src/trainer/backend/index';
import { DataParallelSteps } from '../../src/trainer/parallel/dataParallel';
import { trainTinyRun, type TrainedRun } from './inspect-fixture';

let fixture: TrainedRun;
before(async () => {
  fixture = await trainTinyRun();
});
after(() => fixture && rmSync(fixture.root, { recursive: true, force: true }));

const close = (a: number[], b: number[], what: string) => {
  assert.equal(a.length, b.length, what);
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) <= 1e-5, `${what} ${i}: ${x} vs ${b[i]}`));
};

describe('occlusion on data-parallel workers', () => {
  const options = (measure: 'probability' | 'score') => ({ classIndex: fixture.images[0].label, patch: 4, stride: 2, batchSize: 32, measure });

  it('gives the heatmap of one worker with two, within 1e-5 (the copies split among them)', { timeout: 300_000 }, async () => {
    const { tf } = await initBackend('wasm');
    const run = await openRun(tf, fixture.runDir);
    const input = await inputFromFile(fixture.images[0].file, run.preprocessing);
    const workers = await DataParallelSteps.start(run.model, 2, { ...runWorkerSetup(run), backend: 'wasm' });
    try {
      for (const measure of ['probability', 'score'] as const) {
        // 9 × 9 patch positions in batches of 32: uneven shards (16 + 16, then 9 + 8).
        const one = await occlusion(run, input, options(measure));
        const two = await occlusion(run, input, { ...options(measure), scores: workers });
        assert.equal(two.drops.length, 81);
        assert.ok(two.complete);
        close([one.baseline], [two.baseline], `${measure} baseline`);
        close(Array.from(one.drops), Array.from(two.drops), `${measure} drop`);
        close(Array.from(one.pixelDrops), Array.from(two.pixelDrops), `${measure} pixel drop`);
        // A heatmap worth comparing: some patches change the measure.
        assert.ok(Math.max(...Array.from(one.drops, Math.abs)) > 1e-4, `${measure}: no patch changes the measure`);
      }
    } finally {
      await workers.dispose();
      run.dispose();
    }
  });

  it('fails with the reason when a worker dies mid-map', { timeout: 300_000 }, async () => {
    const { tf } = await initBackend('wasm');
    const run = await openRun(tf, fixture.runDir);
    const input = await inputFromFile(fixture.images[0].file, run.preprocessing);
    const saved = process.env.CNNLAB_TEST_FORWARD_WORKER_EXIT;
    process.env.CNNLAB_TEST_FORWARD_WORKER_EXIT = '2';
    const workers = await DataParallelSteps.start(run.model, 2, { ...runWorkerSetup(run), backend: 'wasm' });
    try {
      await assert.rejects(occlusion(run, input, { ...options('probability'), scores: workers }), /data-parallel worker 1 exited \(code 70\) while evaluating/);
    } finally {
      if (saved === undefined) delete process.env.CNNLAB_TEST_FORWARD_WORKER_EXIT;
      else process.env.CNNLAB_TEST_FORWARD_WORKER_EXIT = saved;
      await workers.dispose();
      run.dispose();
    }
  });

  it("the inspector's session uses the workers it was opened with; a failed worker is replaced at the next request", { timeout: 300_000 }, async () => {
    const session = async (workers: number) => {
      const s = new InspectorSession(() => initBackend('wasm'));
      await s.handle({ kind: 'open', runDir: fixture.runDir, backend: 'wasm', workers });
      await s.handle({ kind: 'input', input: { kind: 'file', path: fixture.images[0].file } });
      return s;
    };
    const request: InspectRequest = { kind: 'occlusion', classIndex: fixture.images[0].label, patch: 4, stride: 2 };
    const [one, two] = [await session(1), await session(2)];
    const saved = process.env.CNNLAB_TEST_FORWARD_WORKER_EXIT;
    try {
      const expected = await one.handle(request);
      // Its workers start at its first occlusion: this one dies at its first copies.
      process.env.CNNLAB_TEST_FORWARD_WORKER_EXIT = '1';
      await assert.rejects(two.handle(request), /data-parallel worker 1 exited \(code 70\) while evaluating/);
      delete process.env.CNNLAB_TEST_FORWARD_WORKER_EXIT;
      const got = await two.handle(request);
      assert.ok(expected.kind === 'occlusion' && got.kind === 'occlusion');
      close(Array.from(expected.drops), Array.from(got.drops), 'drop');
    } finally {
      if (saved === undefined) delete process.env.CNNLAB_TEST_FORWARD_WORKER_EXIT;
      else process.env.CNNLAB_TEST_FORWARD_WORKER_EXIT = saved;
      one.dispose();
      two.dispose();
    }
  });
});
