/**
 * Training steps of a model file by the engine's own loop (trainModel: batch workers, augmentation, the step,
 * progress), on the first `(warm-up + timed batches) × batch size` training images, without validation or test
 * passes: what kernels-bench.ts profiles and the per-CPU-second comparison (model-speed.ts) times.
 *
 * CPU time is process.cpuUsage() from the progress event of the last warm-up batch to that of the last batch: every
 * thread of the process (the batch workers' augmentation included), not only the trainer's.
 */
import { readFileSync } from 'node:fs';
import { analyzeModel, TASKS } from '../src/model';
import type { TF } from '../src/trainer/backend/index';
import { loadDataset } from '../src/trainer/datasets';
import { buildModel } from '../src/trainer/engine/model';
import { trainModel } from '../src/trainer/engine/train';
import { createTask } from '../src/trainer/tasks/registry';

/** Batches before the clocks start: XNNPACK operator caches, heap growth and the batch workers settle. */
export const WARMUP_BATCHES = 5;

export interface StepTiming {
  batchSize: number;
  /** Training samples in the timed batches. */
  samples: number;
  cpuSeconds: number;
  wallSeconds: number;
  /** Wall-clock seconds the training loop spent waiting for its next batch (between a step's end and the next one's start). */
  waitSeconds: number;
}

/** Trains `timedBatches` batches after `warmup` ones; `onTiming(true/false)` marks the timed span (kernel meters). */
export async function trainerSteps(tf: TF, modelFile: string, timedBatches: number, onTiming?: (on: boolean) => void, warmup = WARMUP_BATCHES): Promise<StepTiming> {
  const analysis = analyzeModel(readFileSync(modelFile, 'utf8'));
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`${modelFile}: ${errors.map((d) => d.message).join('; ')}`);
  const batchSize = analysis.train.batch_size;
  const input = analysis.input as [number, number, number];
  // The file's task decides the targets (labels, images, masks) and the loss, as a real run's session does.
  const target = TASKS[analysis.task].target;
  const maxTrainSamples = (timedBatches + warmup) * batchSize;
  const data = await loadDataset({ input, data: analysis.data, seed: analysis.train.seed, searchPaths: [], maxTrainSamples, target, maskClasses: analysis.outputShape[0] });
  const task = createTask(analysis.task, { loss: analysis.train.loss, classes: data.classes, classWeights: analysis.train.class_weights, ignoreIndex: analysis.train.ignore_index });
  const model = buildModel(tf, analysis.graph, analysis.train.seed);
  let cpu0: NodeJS.CpuUsage | undefined;
  let wall0 = 0;
  let stepEnd = 0;
  const timing: StepTiming = { batchSize, samples: data.train.count - warmup * batchSize, cpuSeconds: NaN, wallSeconds: NaN, waitSeconds: 0 };
  try {
    const config = { ...analysis.train, epochs: 1 };
    const sets = { ...data, validation: { ...data.validation, count: 0 }, test: { ...data.test, count: 0 } };
    await trainModel(tf, model, sets, { config, task, transforms: { train: analysis.pipeline.train, test: analysis.pipeline.test }, progressIntervalMs: 0 }, {
      beforeBatch() {
        if (cpu0) timing.waitSeconds += (performance.now() - stepEnd) / 1000;
      },
      onBatch(m) {
        stepEnd = performance.now();
        if (m.batch === warmup) {
          onTiming?.(true);
          cpu0 = process.cpuUsage();
          wall0 = stepEnd;
        } else if (m.batch === m.batches && cpu0) {
          onTiming?.(false);
          const used = process.cpuUsage(cpu0);
          timing.cpuSeconds = (used.user + used.system) / 1e6;
          timing.wallSeconds = (stepEnd - wall0) / 1000;
        }
      },
    });
  } finally {
    model.dispose();
  }
  if (!Number.isFinite(timing.cpuSeconds)) throw new Error(`${modelFile}: fewer than ${warmup + 1} batches trained`);
  return timing;
}
