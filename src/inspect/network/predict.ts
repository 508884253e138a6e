/** Top-k predictions: softmax of the class scores, sorted. */
import type { Tensor4D } from '../../trainer/engine/tf';
import { traceForward } from './forward';
import type { InspectInput } from './input';
import type { InspectableRun } from './runModel';

export interface Prediction {
  classIndex: number;
  className: string;
  probability: number;
}

/** Class probabilities for one input (softmax of the scores). */
export async function classProbabilities(run: InspectableRun, input: InspectInput): Promise<Float32Array> {
  const { tf } = run;
  const probs = tf.tidy(() => {
    const x = tf.tensor4d(input.x, [1, input.height, input.width, input.channels]) as Tensor4D;
    return tf.softmax(tf.reshape(traceForward(run, x).scores, [1, -1]));
  });
  const data = (await probs.data()) as Float32Array;
  probs.dispose();
  return data;
}

/** The k most probable classes, most probable first. */
export function topK(probabilities: ArrayLike<number>, classes: string[], k: number): Prediction[] {
  return Array.from(probabilities, (p, i) => ({ classIndex: i, className: classes[i] ?? `class ${i}`, probability: p }))
    .sort((a, b) => b.probability - a.probability || a.classIndex - b.classIndex)
    .slice(0, Math.max(0, k));
}

/** Top-k predictions for one input. */
export async function predict(run: InspectableRun, input: InspectInput, k = 3): Promise<Prediction[]> {
  return topK(await classProbabilities(run, input), run.classes, k);
}
