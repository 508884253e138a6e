/**
 * `task: classification`: integer labels are the target; cross_entropy/nll/mse/bce as losses.ts computes them;
 * accuracy, per-class accuracy and the confusion matrix; best = lowest validation loss; the test pass's
 * predictions become predictions.json/.bin (the confusion matrix's thumbnails).
 */
import type { TestMetrics } from '../../protocol/runTypes';
import { argMax } from '../engine/argMax';
import { computeLoss, countCorrect } from '../engine/losses';
import type { Tensor1D } from '../engine/tf';
import { PredictionRecorder } from '../runs/predictions';
import type { EngineTask, TaskContext, TaskEvaluation } from './types';

export function classificationTask(ctx: TaskContext): EngineTask {
  const k = ctx.classes.length;
  return {
    name: 'classification',
    tensors: (tf, batch) => ({
      input: tf.tensor4d(batch.x, [batch.size, batch.height, batch.width, batch.channels]),
      target: tf.tensor1d(batch.y, 'int32'),
    }),
    loss: (tf, output, target) => computeLoss(tf, ctx.loss, output, target as Tensor1D),
    batchScore: (tf, output, target) => countCorrect(tf, output, target as Tensor1D),
    epochScore: (correct, seen) => correct / Math.max(seen, 1),
    evaluation: (set) => confusionEvaluation(k, set.count),
    epochFields: () => ({}),
    checkData(analysis, dataset) {
      const out = analysis.outputShape;
      const n = dataset.classes.length;
      if (out.length !== 1 || out[0] !== n) {
        throw new Error(`the model outputs [${out}] per sample, but ${dataset.name} has ${n} classes: end the model with Linear(…, ${n})`);
      }
    },
    testRecorder: (dataset) => new PredictionRecorder(dataset.classes, ctx.loss),
  };
}

/** Loss, accuracy, per-class accuracy and the confusion matrix of a pass over `samples` images. */
function confusionEvaluation(k: number, samples: number): TaskEvaluation {
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let lossSum = 0;
  let correct = 0;
  return {
    add(batch, _start, outputs, meanLoss) {
      lossSum += meanLoss * batch.size;
      const width = outputs.length / Math.max(batch.size, 1);
      for (let i = 0; i < batch.size; i++) {
        const truth = batch.y[i];
        const predicted = argMax(outputs, i * width, width);
        if (truth < k && predicted < k) confusion[truth][predicted] += 1;
        if (truth === predicted) correct += 1;
      }
    },
    result(): TestMetrics {
      return {
        loss: samples > 0 ? lossSum / samples : NaN,
        accuracy: samples > 0 ? correct / samples : NaN,
        perClassAccuracy: confusion.map((row, c) => {
          const total = row.reduce((a, b) => a + b, 0);
          return total > 0 ? row[c] / total : null;
        }),
        confusion,
        samples,
      };
    },
    samples: () => null,
  };
}
