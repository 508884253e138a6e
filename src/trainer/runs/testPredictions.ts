/**
 * The test pass's per-sample predictions, written into a run folder for the Training panel's confusion-matrix
 * thumbnails: one forward pass of the (best) model over the test set in evaluation mode, recorded by a
 * PredictionRecorder. The engine calls it after its test pass, with the same weights (one line in the session);
 * it also backfills runs trained before predictions were recorded (open best/, reload the dataset, call it).
 */
import type { LossName } from '../../model/types';
import { batches, type Normalization } from '../datasets/batches';
import type { ImageSet } from '../datasets/types';
import type { EngineModel } from '../engine/model';
import type { TF } from '../engine/tf';
import { PredictionRecorder } from './predictions';

export interface PredictionPass {
  classes: readonly string[];
  /** What the outputs are (logits, log-probabilities, probabilities), for the confidences. */
  loss: LossName;
  normalize?: Normalization;
  batchSize: number;
}

/** Runs `model` over `test` and writes predictions.json / predictions.bin into `runDir`; returns the recorder. */
export async function writeTestPredictions(tf: TF, model: EngineModel, test: ImageSet, pass: PredictionPass, runDir: string): Promise<PredictionRecorder> {
  const recorder = new PredictionRecorder(pass.classes, pass.loss);
  let start = 0;
  for (const batch of batches(test, { batchSize: pass.batchSize, shuffle: false, seed: 0, normalize: pass.normalize })) {
    const output = tf.tidy(() => model.apply(tf.tensor4d(batch.x, [batch.size, test.height, test.width, test.channels]), false));
    const values = await output.data();
    output.dispose();
    recorder.addBatch(test, start, batch.y, values);
    start += batch.size;
  }
  recorder.write(runDir);
  return recorder;
}
