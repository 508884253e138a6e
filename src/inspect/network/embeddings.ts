/**
 * Feature vectors for many images, in batches: what the classifier head sees (the input of the last Linear layer),
 * or the output of a chosen layer (an autoencoder's bottleneck).
 */
import { imageToFloat } from '../../trainer/datasets/batches';
import type { ImageSet } from '../../trainer/datasets/types';
import { yieldToEventLoop } from '../../trainer/engine/eventLoop';
import type { Tensor4D } from '../../trainer/engine/tf';
import type { PointSet } from '../embed/pca';
import { traceForward } from './forward';
import type { InspectableRun } from './runModel';

/** Thrown when a long computation was asked to stop. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/**
 * Features of images `indices` of `set`: n rows of d values, the output of layer `layer` when given. Throws
 * CancelledError when `shouldStop` says so.
 */
export async function featureVectors(
  run: InspectableRun,
  set: ImageSet,
  indices: number[],
  batchSize = 64,
  onProgress?: (done: number, total: number) => void,
  shouldStop?: () => boolean,
  layer?: number,
): Promise<PointSet> {
  const { tf } = run;
  const size = set.height * set.width * set.channels;
  const rows: Float32Array[] = [];
  let d = 0;
  for (let start = 0; start < indices.length; start += batchSize) {
    if (shouldStop?.()) throw new CancelledError();
    const chunk = indices.slice(start, start + batchSize);
    const x = new Float32Array(chunk.length * size);
    chunk.forEach((index, b) => x.set(imageToFloat(set, index, run.normalize), b * size));
    const features = tf.tidy(() => {
      const input = tf.tensor4d(x, [chunk.length, set.height, set.width, set.channels]) as Tensor4D;
      const f = layer === undefined ? traceForward(run, input, { features: true }).features : traceForward(run, input, { keep: new Set([layer]) }).outputs.get(layer);
      return tf.reshape(f ?? tf.zeros([chunk.length, 1]), [chunk.length, -1]);
    });
    d = features.shape[1] ?? 0;
    rows.push((await features.data()) as Float32Array);
    features.dispose();
    onProgress?.(Math.min(start + batchSize, indices.length), indices.length);
    // A cancel message reaches the worker only between macrotasks.
    await yieldToEventLoop();
  }
  const data = new Float32Array(indices.length * d);
  let offset = 0;
  for (const r of rows) {
    data.set(r, offset);
    offset += r.length;
  }
  return { n: indices.length, d, data };
}
