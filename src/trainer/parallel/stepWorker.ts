/**
 * A data-parallel step worker (bundled to dist/step-worker.js): its own backend (the wasm engine with CNN Lab's
 * kernels) and a copy of the model. Each step it takes the coordinator's weights from the shared memory, computes
 * its shard's gradients and writes them back, then notifies (Atomics); each evaluation batch it replies with its
 * rows' outputs, each score request with its images' class scores. Handler on top, transport at the bottom.
 */
import { parentPort } from 'node:worker_threads';
import { initBackend } from '../backend';
import type { GraphNode } from '../../model/types';
import type { ImageSet } from '../datasets/types';
import { localScores } from '../engine/classScores';
import { buildModel, type EngineModel } from '../engine/model';
import { batchStep, forwardBatch } from '../engine/steps';
import { workerClock, type PhaseClock } from '../engine/stepPhases';
import type { NamedTensorMap, TF, Variable } from '../engine/tf';
import { createTask, type EngineTask } from '../tasks/registry';
import { SharedGradients } from './sharedGradients';
import type { FromStepWorker, SetGeometry, ToStepWorker } from './stepMessages';
import { copyValues, tensorOf } from './sharedValues';

interface WorkerState {
  tf: TF;
  model: EngineModel;
  graph: GraphNode[];
  task: EngineTask;
  shared: SharedGradients;
  shard: number;
  variables: Variable[];
  clock?: PhaseClock;
  /** Evaluation batches and score requests answered so far (the crash test hook counts them). */
  forwards: number;
}

let state: WorkerState | undefined;

export async function handleStepMessage(message: ToStepWorker): Promise<FromStepWorker | null> {
  try {
    if (message.type === 'init') {
      const { tf } = await initBackend(message.backend);
      const model = buildModel(tf, message.graph, message.seed);
      const variables = [...model.params, ...model.buffers].map((p) => p.variable);
      const clock = message.phases && workerClock(message.phases, message.shard);
      state = { tf, model, graph: message.graph, task: createTask(message.task.name, message.task.context), shared: new SharedGradients(message.sizes, message.shards, message.buffer, message.parts), shard: message.shard, variables, clock, forwards: 0 };
      return { type: 'ready' };
    }
    if (!state) throw new Error(`${message.type} before init`);
    if (message.type === 'forward' || message.type === 'scores') {
      crashForTests(++state.forwards, 'CNNLAB_TEST_FORWARD_WORKER_EXIT');
      return message.type === 'forward' ? await forwardShard(state, message) : await scoreShard(state, message);
    }
    crashForTests(message.step, 'CNNLAB_TEST_STEP_WORKER_EXIT');
    await runShard(state, message);
    return null;
  } catch (err) {
    return { type: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}

async function runShard({ tf, model, task, shared, shard, variables, clock }: WorkerState, m: Extract<ToStepWorker, { type: 'step' }>): Promise<void> {
  if (m.ahead && !shared.awaitWeights(m.step)) return;
  clock?.lap('wait');
  loadWeights(tf, shared, variables, m.sync);
  clock?.lap('weights');
  model.seeds.seek(m.seedPosition);
  model.setRows(m.window);
  const set = imageSet(m.set);
  const vars = m.trainable.map((i) => variables[i]);
  const write = (grads: NamedTensorMap) => {
    for (const i of m.trainable) {
      const g = grads[variables[i].name];
      if (g) copyValues(tf, g, shared.gradient(shard, i));
      else shared.setGradient(shard, i, undefined);
    }
    clock?.lap('gradients');
  };
  const [loss, score, parts] = await batchStep(tf, model, task, vars, m.batch, set, write, { share: m.share, clock });
  shared.setStats(shard, loss, score, parts);
  shared.finish(shard, m.step);
}

async function forwardShard({ tf, model, task, shared, variables, clock }: WorkerState, m: Extract<ToStepWorker, { type: 'forward' }>): Promise<FromStepWorker> {
  clock?.lap('wait');
  loadWeights(tf, shared, variables, m.sync);
  const result = await forwardBatch(tf, model, task, m.batch, imageSet(m.set));
  clock?.lap('evaluate');
  return { type: 'outputs', id: m.id, ...result };
}

async function scoreShard({ tf, model, graph, shared, variables }: WorkerState, m: Extract<ToStepWorker, { type: 'scores' }>): Promise<FromStepWorker> {
  loadWeights(tf, shared, variables, m.sync);
  return { type: 'scores', id: m.id, values: await localScores.scoresPass(tf, model, graph)(m.rows) };
}

function loadWeights(tf: TF, shared: SharedGradients, variables: Variable[], sync: number[]): void {
  tf.tidy(() => {
    for (const i of sync) variables[i].assign(tensorOf(tf, shared.weights(i), variables[i].shape));
  });
}

/** The set a batch comes from, as far as EngineTask.tensors reads it (the images stay with the coordinator). */
function imageSet(geometry: SetGeometry): ImageSet {
  return { ...geometry, images: new Uint8Array(0), labels: new Uint8Array(0), count: 0 };
}

/**
 * Test hooks: CNNLAB_TEST_STEP_WORKER_EXIT=N ends worker thread 1 at its N-th step, CNNLAB_TEST_FORWARD_WORKER_EXIT=N
 * at its N-th evaluation batch or score request, as a crash would.
 */
function crashForTests(count: number, variable: string): void {
  if (state?.shard === 1 && Number(process.env[variable]) === count) process.exit(70);
}

// One message at a time, in order: a step posted ahead must not start (and block on its weights) while the step
// before it still awaits a read.
let queue = Promise.resolve();
parentPort?.on('message', (message: ToStepWorker) => {
  queue = queue
    .then(() => handleStepMessage(message))
    .then((reply) => {
      const data = reply?.type === 'outputs' ? reply.outputs : reply?.type === 'scores' ? reply.values : undefined;
      if (reply) parentPort?.postMessage(reply, data ? [data.buffer as ArrayBuffer] : []);
    });
});
