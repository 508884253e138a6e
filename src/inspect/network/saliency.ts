/**
 * Saliency (Simonyan et al., 2014): the gradient of one class score (before softmax) with respect to the input
 * pixels; the map is |gradient| maximised over the channels, one value per pixel.
 */
import type { Tensor, Tensor4D } from '../../trainer/engine/tf';
import { traceForward } from './forward';
import type { InspectInput } from './input';
import type { InspectableRun } from './runModel';

export interface SaliencyMap {
  height: number;
  width: number;
  /** |∂score/∂pixel| max over channels, row-major. */
  values: Float32Array;
  /** The raw gradient, HWC. */
  gradient: Float32Array;
  classIndex: number;
}

/** The saliency map of `classIndex` for one input. */
export async function saliency(run: InspectableRun, input: InspectInput, classIndex: number): Promise<SaliencyMap> {
  const { tf } = run;
  checkClass(run, classIndex);
  const score = (x: Tensor): Tensor => {
    const scores = tf.reshape(traceForward(run, x).scores, [1, -1]);
    return tf.sum(tf.slice(scores, [0, classIndex], [1, 1]));
  };
  const [grad, map] = tf.tidy(() => {
    const x = tf.tensor4d(input.x, [1, input.height, input.width, input.channels]) as Tensor4D;
    const g = tf.grad(score)(x);
    return [g, tf.max(tf.abs(g), 3)];
  });
  const gradient = (await grad.data()) as Float32Array;
  const values = (await map.data()) as Float32Array;
  tf.dispose([grad, map]);
  return { height: input.height, width: input.width, values, gradient, classIndex };
}

/** Throws a RangeError naming the valid classes when `classIndex` is not one. */
export function checkClass(run: InspectableRun, classIndex: number): void {
  const k = run.analysis.outputShape[0] ?? 0;
  if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= k) throw new RangeError(`class ${classIndex} is outside 0…${k - 1}`);
}
