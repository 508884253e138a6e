/**
 * Evaluation passes (validation after each epoch, test at the end): mean loss, accuracy and, for the test pass,
 * per-class accuracy and the confusion matrix. Dropout off, BatchNorm on running statistics.
 */
import type { LossName } from '../../model/types';
import type { TestMetrics } from '../../protocol/runTypes';
import { batches, type Normalization } from '../datasets/batches';
import type { ImageSet } from '../datasets/types';
import { computeLoss } from './losses';
import type { EngineModel } from './model';
import type { TF } from './tf';

export interface EvaluateOptions {
  batchSize: number;
  loss: LossName;
  normalize?: Normalization;
  classCount: number;
  /**
   * Receives the raw outputs (batch × classes, row-major) of samples `start … start + labels.length − 1`, in set
   * order: the test pass's per-sample predictions come from the same forward pass as its metrics.
   */
  onOutputs?(start: number, labels: Int32Array, outputs: Float32Array): void;
}

/** Loss, accuracy, per-class accuracy and confusion matrix of `model` on `set`. */
export async function evaluate(tf: TF, model: EngineModel, set: ImageSet, options: EvaluateOptions): Promise<TestMetrics> {
  const k = options.classCount;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let lossSum = 0;
  let correct = 0;
  let start = 0;
  for (const batch of batches(set, { batchSize: options.batchSize, shuffle: false, seed: 0, normalize: options.normalize })) {
    const [lossT, predT, outputT] = tf.tidy(() => {
      const x = tf.tensor4d(batch.x, [batch.size, set.height, set.width, set.channels]);
      const y = tf.tensor1d(batch.y, 'int32');
      const output = model.apply(x, false);
      return [computeLoss(tf, options.loss, output, y), tf.argMax(output, -1), output];
    });
    const [lossValue] = await lossT.data();
    const predictions = await predT.data();
    if (options.onOutputs) options.onOutputs(start, batch.y, (await outputT.data()) as Float32Array);
    tf.dispose([lossT, predT, outputT]);
    start += batch.size;
    lossSum += lossValue * batch.size;
    for (let i = 0; i < batch.size; i++) {
      const truth = batch.y[i];
      const predicted = predictions[i];
      if (truth < k && predicted < k) confusion[truth][predicted] += 1;
      if (truth === predicted) correct += 1;
    }
  }
  const samples = set.count;
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
}
