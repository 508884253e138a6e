/**
 * Worker body of the webgpu tests (test/unit/webgpu.test.ts): starts the backend named in workerData, then on the
 * reference CNN (examples/shapes.cnn.yaml) and a batch of shapes images computes the loss's gradients and takes a few
 * Adam steps as the trainer does, and posts every figure back. Each backend runs in a worker of its own, as training does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeModel } from '../../../src/model';
import { BackendUnavailableError, initBackend, type BackendChoice } from '../../../src/trainer/backend';
import { generateShapes } from '../../../src/trainer/datasets/shapes';
import { computeLoss } from '../../../src/trainer/engine/losses';
import { buildModel } from '../../../src/trainer/engine/model';
import { createOptimizer } from '../../../src/trainer/engine/optimizers';
import type { Tensor1D, Tensor4D } from '../../../src/trainer/engine/tf';

export interface ProbeResult {
  description: string;
  /** What initBackend logged (auto: why it skipped a backend). */
  logs: string[];
  /** Gradients of the first step, by variable name. */
  grads: Record<string, Float32Array>;
  /** The loss before each Adam step. */
  losses: number[];
  /** The parameters after the steps. */
  params: Record<string, Float32Array>;
}

export type ProbeMessage = { type: 'result'; result: ProbeResult } | { type: 'unavailable'; reason: string } | { type: 'error'; message: string };

const { backend, steps, batch } = workerData as { backend: BackendChoice; steps: number; batch: number };

async function probe(): Promise<ProbeResult> {
  const logs: string[] = [];
  const { tf, description } = await initBackend(backend, { log: (m) => logs.push(m) });
  const analysis = analyzeModel(readFileSync(join(__dirname, '../../../examples/shapes.cnn.yaml'), 'utf8'));
  const [c, h, w] = analysis.input;
  const set = generateShapes(batch, h, w, c, 11);
  const x = tf.tidy(() => tf.div(tf.tensor4d(Float32Array.from(set.images), [batch, h, w, c]), 255)) as Tensor4D;
  const labels = tf.tensor1d(Int32Array.from(set.labels), 'int32') as Tensor1D;
  const model = buildModel(tf, analysis.graph, 3);
  const optimizer = createOptimizer(tf, { optimizer: 'adam', momentum: 0, nesterov: false, weight_decay: 0 }, model.params);
  const result: ProbeResult = { description, logs, grads: {}, losses: [], params: {} };
  for (let step = 0; step < steps; step++) {
    const { value, grads } = tf.variableGrads(() => computeLoss(tf, 'cross_entropy', model.apply(x, true), labels), model.params.map((p) => p.variable));
    result.losses.push((await value.data())[0]);
    if (step === 0) {
      for (const [name, g] of Object.entries(grads)) result.grads[name] = (await g.data()) as Float32Array;
    }
    optimizer.step(grads, 0.003);
    tf.dispose([value, ...Object.values(grads)]);
  }
  for (const p of model.params) result.params[p.variable.name] = (await p.variable.data()) as Float32Array;
  return result;
}

probe().then(
  (result) => parentPort?.postMessage({ type: 'result', result } satisfies ProbeMessage),
  (err: unknown) =>
    parentPort?.postMessage(
      err instanceof BackendUnavailableError ? ({ type: 'unavailable', reason: err.message } satisfies ProbeMessage) : ({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies ProbeMessage),
    ),
);
