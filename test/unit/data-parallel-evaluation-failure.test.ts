/**
 * A data-parallel worker that fails during an evaluation pass: the pass fails with the worker's reason, never as an
 * unhandled rejection (its reply may be rejected while this thread still computes its own rows, or after they
 * failed), and through `cnnlab train --workers 2` the run ends as failed with its checkpoints kept, without hanging.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { initBackend } from '../../src/trainer/backend';
import { batches } from '../../src/trainer/datasets/batches';
import { buildModel } from '../../src/trainer/engine/model';
import { DataParallelSteps } from '../../src/trainer/parallel/dataParallel';
import { createTask } from '../../src/trainer/tasks/registry';
import { analyze, QUADRANT_MODEL, quadrantSet, tinyShapesModel } from './engine-fixtures';

const HOOK = 'CNNLAB_TEST_FORWARD_WORKER_EXIT';

describe('a data-parallel worker failing mid-evaluation', () => {
  const saved = process.env[HOOK];
  after(() => {
    if (saved === undefined) delete process.env[HOOK];
    else process.env[HOOK] = saved;
  });

  it('fails the pass with its reason and leaves no unhandled rejection, even when this thread\'s rows failed first', async () => {
    const { tf } = await initBackend('wasm');
    const analysis = analyze(QUADRANT_MODEL);
    const context = { loss: analysis.train.loss, classes: ['a', 'b', 'c', 'd'] };
    const model = buildModel(tf, analysis.graph, analysis.train.seed);
    // The worker exits on its first evaluation batch.
    process.env[HOOK] = '1';
    const steps = await DataParallelSteps.start(model, 2, { graph: analysis.graph, seed: analysis.train.seed, task: { name: 'classification', context }, backend: 'wasm' });
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      // This thread's rows fail (its task only: the worker builds its own), so nothing awaits the worker's reply.
      const task = { ...createTask('classification', context), tensors: () => { throw new Error('own rows failed'); } };
      const set = quadrantSet(8, 8, 1);
      const forward = steps.forwardPass(tf, model, task, set);
      const [batch] = batches(set, { batchSize: 8, shuffle: false, seed: 1 });
      await assert.rejects(forward(batch), /own rows failed/);
      // Until the worker's exit is seen, each batch fails here again with a reply pending; then with the worker's reason.
      let reason = '';
      for (let tries = 0; tries < 600 && !/exited/.test(reason); tries++) {
        reason = await forward(batch).then(() => '', (err: Error) => err.message);
        await sleep(50);
      }
      assert.match(reason, /^data-parallel worker 1 exited \(code 70\) while evaluating$/);
      await sleep(50);
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', record);
      await steps.dispose();
      model.dispose();
    }
  });

  describe('through cnnlab train --workers 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnlab-dp-eval-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'shapes.cnn.yaml');
    writeFileSync(file, tinyShapesModel('dp-eval', 300, 60, 2));

    it('ends as failed with the finished epoch\'s checkpoints when a worker dies mid-validation', () => {
      // 100 training samples, ~12 validation ones: one validation batch an epoch; the second is epoch 2's.
      const r = spawnSync(process.execPath, ['--import', 'tsx', resolve(__dirname, '../../src/cli.ts'), 'train', file, '--workers', '2', '--max-train-samples', '100', '--backend', 'wasm', '--out', dir, '--json'], {
        encoding: 'utf8',
        env: { ...process.env, [HOOK]: '2' },
        timeout: 300_000,
      });
      assert.equal(r.status, 1, `exit ${r.status} ${r.signal ?? ''}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /unhandled/i);
      const result = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
      assert.equal(result.status, 'failed');
      assert.match(result.error, /data-parallel worker 1 exited \(code 70\) while evaluating/);
      const [run] = readdirSync(join(dir, 'dp-eval'));
      const runDir = join(dir, 'dp-eval', run);
      const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
      assert.equal(summary.status, 'failed');
      assert.equal(summary.epochsCompleted, 1);
      for (const kept of ['best', 'last']) assert.ok(existsSync(join(runDir, kept)), `${kept}/ kept`);
    });
  });
});
