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

/** The model's raw class scores (logits) for one input, and their softmax, both in class order. */
export async function classScores(run: InspectableRun, input: InspectInput): Promise<{ logits: Float32Array; probabilities: Float32Array }> {
  const { tf } = run;
  const [logits, probs] = tf.tidy(() => {
    const x = tf.tensor4d(input.x, [1, input.height, input.width, input.channels]) as Tensor4D;
    const scores = tf.reshape(traceForward(run, x).scores, [1, -1]);
    return [scores, tf.softmax(scores)];
  });
  const result = { logits: (await logits.data()) as Float32Array, probabilities: (await probs.data()) as Float32Array };
  tf.dispose([logits, probs]);
  return result;
}

/** Class probabilities for one input (softmax of the scores). */
export async function classProbabilities(run: InspectableRun, input: InspectInput): Promise<Float32Array> {
  return (await classScores(run, input)).probabilities;
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
