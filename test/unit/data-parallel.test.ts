/**
 * Data-parallel steps (src/trainer/parallel): shards of a batch and their gradients' reduction by hand, then the
 * real thing on the wasm engine: two workers give the losses and weights of one worker (dropout included: each
 * shard keeps its rows of the whole batch's masks), and a worker that dies mid-step fails the training; through
 * `cnnlab train --workers 2`, such a run ends as failed with its checkpoints kept.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initBackend } from '../../src/trainer/backend';
import type { Batch } from '../../src/trainer/datasets/types';
import { buildModel } from '../../src/trainer/engine/model';
import type { NamedTensorMap, TF, Variable } from '../../src/trainer/engine/tf';
import { localForward, localSteps } from '../../src/trainer/engine/steps';
import { prefetchBatches } from '../../src/trainer/datasets/prefetch';
import { STEP_PHASES, StepProfile, type PhaseTotals } from '../../src/trainer/engine/stepPhases';
import { trainModel, type TrainData, type TrainOptions } from '../../src/trainer/engine/train';
import { physicalCores } from '../../src/trainer/parallel/cores';
import { DataParallelSteps } from '../../src/trainer/parallel/dataParallel';
import { SharedGradients } from '../../src/trainer/parallel/sharedGradients';
import { shardRanges, sliceBatch } from '../../src/trainer/parallel/shards';
import { createTask } from '../../src/trainer/tasks/registry';
import { analyze, QUADRANT_MODEL, quadrantSet, tinyShapesModel } from './engine-fixtures';

describe('shards', () => {
  it('splits rows contiguously, the first shards taking the remainder', () => {
    assert.deepEqual(shardRanges(64, 2), [[0, 32], [32, 64]]);
    assert.deepEqual(shardRanges(7, 3), [[0, 3], [3, 5], [5, 7]]);
    assert.deepEqual(shardRanges(1, 2), [[0, 1], [1, 1]]);
  });

  it('slices every per-row field of a batch alike, objects rebased', () => {
    const batch: Batch = {
      x: Float32Array.from({ length: 3 * 4 }, (_, i) => i),
      y: Int32Array.from([5, 6, 7]),
      masks: Uint8Array.from({ length: 3 * 2 }, (_, i) => i),
      objects: { start: Uint32Array.from([0, 1, 3, 4]), classes: Uint16Array.from([1, 2, 3, 4]), boxes: Float32Array.from({ length: 16 }, (_, i) => i) },
      size: 3,
      height: 2,
      width: 2,
      channels: 1,
    };
    const shard = sliceBatch(batch, 1, 3);
    assert.deepEqual(Array.from(shard.x), [4, 5, 6, 7, 8, 9, 10, 11]);
    assert.deepEqual(Array.from(shard.y), [6, 7]);
    assert.deepEqual(Array.from(shard.masks ?? []), [2, 3, 4, 5]);
    assert.deepEqual(Array.from(shard.objects?.start ?? []), [0, 2, 3]);
    assert.deepEqual(Array.from(shard.objects?.classes ?? []), [2, 3, 4]);
    assert.deepEqual(Array.from(shard.objects?.boxes ?? []), [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    assert.equal(shard.size, 2);
  });
});

describe('shared gradients', () => {
  it('gives each worker shard its own region, zero where the loss does not reach a variable, seen alike by every view', () => {
    const shared = new SharedGradients([2, 3], 3);
    shared.weights(1).set([7, 8, 9]);
    shared.setGradient(1, 1, Float32Array.from([1, 2, 3]));
    shared.setGradient(2, 1, Float32Array.from([3, 4, 5]));
    shared.gradient(2, 0).fill(NaN);
    shared.setGradient(2, 0, undefined);
    // A second view of the same memory (a worker's) sees what this one wrote; regions do not overlap.
    const view = new SharedGradients([2, 3], 3, shared.buffer);
    assert.deepEqual(Array.from(view.weights(1)), [7, 8, 9]);
    assert.deepEqual(Array.from(view.gradient(1, 1)), [1, 2, 3]);
    assert.deepEqual(Array.from(view.gradient(2, 1)), [3, 4, 5]);
    assert.deepEqual(Array.from(view.gradient(2, 0)), [0, 0]);
    // Shard 0's gradients stay in the coordinator's engine.
    assert.throws(() => shared.gradient(0, 0), /shard 0 has no shared gradients/);
  });
});

describe('data-parallel training on the wasm engine', () => {
  let tf: TF;
  const saved = process.env.CNNLAB_TEST_STEP_WORKER_EXIT;
  before(async () => {
    tf = (await initBackend('wasm')).tf;
  });
  after(() => {
    if (saved === undefined) delete process.env.CNNLAB_TEST_STEP_WORKER_EXIT;
    else process.env.CNNLAB_TEST_STEP_WORKER_EXIT = saved;
  });

  // Batches of 15 over 192 samples: uneven shards (8 + 7) and a last batch of 12; dropout draws masks every step.
  // The test pass's last batch has one image: the worker's shard is empty.
  const analysis = analyze(QUADRANT_MODEL.replace('  - Linear(64, 4)', '  - Dropout(0.3)\n  - Linear(64, 4)').replace('batch_size: 16', 'batch_size: 15'));
  const data = (): TrainData => ({ train: quadrantSet(192, 8, 1), validation: quadrantSet(32, 8, 2), test: quadrantSet(31, 8, 3), classes: ['a', 'b', 'c', 'd'] });
  const setup = { graph: analysis.graph, seed: analysis.train.seed, task: { name: 'classification' as const, context: { loss: analysis.train.loss, classes: ['a', 'b', 'c', 'd'] } }, backend: 'wasm' as const };

  interface Run {
    losses: number[];
    weights: Float32Array[];
    status: string;
    /** Each epoch's validation loss and accuracy, then the test pass's. */
    evaluations: number[];
    /** The test pass's outputs, in test-set order. */
    outputs: number[];
    profile: StepProfile;
    /** Steps the workers received ahead, while the step before was being finished. */
    stepsAhead: number;
  }

  /** A 2-epoch run with `workers` (1: this thread only), timed by phase. */
  async function run(workers: number): Promise<Run> {
    const model = buildModel(tf, analysis.graph, analysis.train.seed);
    const profile = new StepProfile();
    const steps = workers > 1 ? await DataParallelSteps.start(model, workers, setup, profile) : undefined;
    const [losses, evaluations, outputs]: number[][] = [[], [], []];
    try {
      const options: TrainOptions = { config: analysis.train, task: createTask('classification', setup.task.context), dataWorkers: 0, progressIntervalMs: 0, steps, forward: steps, profile };
      const outcome = await trainModel(tf, model, data(), options, {
        onBatch: (m) => losses.push(m.loss),
        onEpoch: (m) => void evaluations.push(m.valLoss ?? NaN, m.valAccuracy ?? NaN),
        onTestOutputs: (start, _labels, values) => {
          assert.equal(start * 4, outputs.length);
          outputs.push(...values);
        },
      });
      evaluations.push(outcome.test?.loss ?? NaN, outcome.test?.accuracy ?? NaN);
      return { losses, weights: model.params.map((p) => p.variable.dataSync() as Float32Array), status: outcome.status, evaluations, outputs, profile, stepsAhead: steps?.stepsAhead ?? 0 };
    } finally {
      await steps?.dispose();
      model.dispose();
    }
  }

  let runs: Promise<[Run, Run]> | undefined;
  /** The runs with one and with two workers, made once for the tests that compare them. */
  const oneAndTwo = () => (runs ??= (async () => [await run(1), await run(2)] as [Run, Run])());
  const close = (a: number[], b: number[], what: string) => {
    assert.equal(a.length, b.length, what);
    a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) <= 1e-5, `${what} ${i}: ${x} vs ${b[i]}`));
  };

  it('gives the losses and weights of one worker with two, within 1e-5, over 26 steps', async () => {
    const [one, two] = await oneAndTwo();
    assert.equal(one.losses.length, 26);
    close(one.losses, two.losses, 'step');
    // And the model learnt something: the second epoch's loss is well below the first steps'.
    assert.ok((one.losses.at(-1) as number) < one.losses[0] * 0.8, `losses ${one.losses[0]} → ${one.losses.at(-1)}`);
    one.weights.forEach((w, i) => close(Array.from(w), Array.from(two.weights[i]), `param ${i}`));
    // Every step but each epoch's first reached the worker ahead, while the coordinator finished the one before.
    assert.equal(two.stepsAhead, 2 * (13 - 1));
  });

  it('computes the batch the loop runs when it is not the one posted ahead, and evaluates after a step left posted ahead', async () => {
    const task = createTask('classification', setup.task.context);
    const set = quadrantSet(45, 8, 4);
    const batches: Batch[] = [];
    for await (const b of prefetchBatches(set, { batchSize: 15, shuffle: false, seed: 0 })) batches.push(b);
    const [b1, b2, b3] = batches;
    const sgd = (tfx: TF, vars: Variable[]) => (grads: NamedTensorMap) => vars.forEach((v) => v.assign(tfx.sub(v, tfx.mul(grads[v.name], 0.5))));
    // With one worker: b1, b3, b2, then a validation batch.
    const local = buildModel(tf, analysis.graph, analysis.train.seed);
    const parallel = buildModel(tf, analysis.graph, analysis.train.seed);
    const steps = await DataParallelSteps.start(parallel, 2, setup, undefined);
    try {
      const expected: number[] = [];
      const localVars = local.trainable.map((p) => p.variable);
      for (const b of [b1, b3, b2]) expected.push((await localSteps().run(tf, local, task, localVars, sgd(tf, localVars), b, set))[0]);
      const vars = parallel.trainable.map((p) => p.variable);
      const got: number[] = [];
      // b2 is posted ahead during b1's step, but the loop runs b3 next (then b2, ahead of nothing).
      got.push((await steps.run(tf, parallel, task, vars, sgd(tf, vars), b1, set, () => b2))[0]);
      got.push((await steps.run(tf, parallel, task, vars, sgd(tf, vars), b3, set))[0]);
      // b1 is posted ahead during b2's step and never run: the evaluation pass comes next.
      got.push((await steps.run(tf, parallel, task, vars, sgd(tf, vars), b2, set, () => b1))[0]);
      assert.equal(steps.stepsAhead, 0);
      close(got, expected, 'step loss');
      const want = await localForward.forwardPass(tf, local, task, set)(b3);
      const seen = await steps.forwardPass(tf, parallel, task, set)(b3);
      close(Array.from(seen.outputs), Array.from(want.outputs), 'output');
      local.params.forEach((p, i) => close(Array.from(p.variable.dataSync()), Array.from(parallel.params[i].variable.dataSync()), `param ${i}`));
    } finally {
      await steps.dispose();
      local.dispose();
      parallel.dispose();
    }
  });

  it('evaluates on the workers too: validation, test figures and recorded outputs of one worker, within 1e-5', async () => {
    const [one, two] = await oneAndTwo();
    assert.equal(one.evaluations.length, 6);
    close(one.evaluations, two.evaluations, 'validation/test figure');
    assert.equal(one.outputs.length, 31 * 4);
    close(one.outputs, two.outputs, 'test output');
    // The worker computed its rows of the passes.
    assert.ok(two.profile.snapshot()[1].evaluate.wallMs > 0);
  });

  it('times every phase of a step in the thread that runs it, the workers through shared memory', async () => {
    const [one, two] = await oneAndTwo();
    const spent = (t: PhaseTotals[number]) => STEP_PHASES.filter((p) => t[p].wallMs > 0);
    const [local] = one.profile.snapshot();
    assert.deepEqual(spent(local), ['compute', 'optimizer', 'loop']);
    const [coordinator, worker, ...more] = two.profile.snapshot();
    assert.equal(more.length, 0);
    assert.deepEqual(spent(coordinator), ['weights', 'batch', 'compute', 'wait', 'reduce', 'optimizer', 'loop', 'evaluate']);
    assert.deepEqual(spent(worker), ['weights', 'compute', 'gradients', 'wait', 'evaluate']);
    // Linux gives each thread's own CPU time: never more than its wall-clock time, over all phases (the kernel's
    // counter moves in steps, so a phase may be given CPU time that an adjacent one spent).
    const total = (t: PhaseTotals[number], what: 'cpuMs' | 'wallMs') => STEP_PHASES.reduce((sum, p) => sum + t[p][what], 0);
    if (process.platform === 'linux')
      for (const t of [local, coordinator, worker]) {
        for (const p of spent(t)) assert.ok(t[p].cpuMs >= 0, `${p}: ${t[p].cpuMs} ms CPU`);
        assert.ok(total(t, 'cpuMs') <= total(t, 'wallMs') + 1, `${total(t, 'cpuMs')} ms CPU in ${total(t, 'wallMs')} ms`);
      }
  });

  it('fails the training with the reason when a worker dies mid-step', async () => {
    process.env.CNNLAB_TEST_STEP_WORKER_EXIT = '5';
    await assert.rejects(run(2), /data-parallel worker 1 exited \(code 70\) \(step 5\)/);
  });
});

describe('physical cores', () => {
  it('counts distinct (physical id, core id) pairs, hyper-threads once, never more than Node may run on', () => {
    const cpu = (id: number, core: number) => `processor\t: ${id}\nphysical id\t: 0\ncore id\t\t: ${core}\n`;
    const logical = availableParallelism();
    assert.equal(physicalCores([cpu(0, 0), cpu(1, 0)].join('\n')), 1);
    assert.equal(physicalCores([cpu(0, 0), cpu(1, 1), cpu(2, 0), cpu(3, 1)].join('\n')), Math.min(2, logical));
    assert.equal(physicalCores('processor\t: 0\n'), logical);
    assert.equal(physicalCores(null), logical);
  });
});

describe('cnnlab train --workers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cnnlab-dp-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'shapes.cnn.yaml');
  writeFileSync(file, tinyShapesModel('dp-shapes', 300, 60, 2));
  const train = (env: NodeJS.ProcessEnv, out: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', resolve(__dirname, '../../src/cli.ts'), 'train', file, '--workers', '2', '--max-train-samples', '100', '--backend', 'wasm', '--out', join(dir, out), '--json'], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
      timeout: 300_000,
    });

  it('trains with two workers and says so', () => {
    const r = train({}, 'ok');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /data-parallel: 2 workers/);
    const summary = JSON.parse(readFileSync(join(JSON.parse(r.stdout.trim().split('\n').pop() ?? '').runDir, 'summary.json'), 'utf8'));
    assert.equal(summary.status, 'done');
    assert.match(summary.backendDescription, /2 data-parallel workers/);
  });

  it('ends as failed with the finished epoch\'s checkpoints when a worker dies mid-step', () => {
    // 100 samples in batches of 32: 4 steps an epoch; step 6 is in epoch 2.
    const r = train({ CNNLAB_TEST_STEP_WORKER_EXIT: '6' }, 'crash');
    assert.equal(r.status, 1, r.stderr);
    const result = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
    assert.equal(result.status, 'failed');
    assert.match(result.error, /data-parallel worker 1 exited \(code 70\) \(step 6\)/);
    const runs = readdirSync(join(dir, 'crash', 'dp-shapes'));
    assert.equal(runs.length, 1);
    const runDir = join(dir, 'crash', 'dp-shapes', runs[0]);
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
    assert.equal(summary.status, 'failed');
    assert.equal(summary.epochsCompleted, 1);
    assert.match(summary.error, /data-parallel worker 1 exited/);
    for (const kept of ['best', 'last']) assert.ok(existsSync(join(runDir, kept)), `${kept}/ kept`);
  });
});
