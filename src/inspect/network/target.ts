/**
 * What the class-dependent views (saliency, Grad-CAM, guided backprop) differentiate, one entry per task like the
 * trainer's task registry: a classifier's class score before softmax; a segmenter's class score averaged over the
 * pixels; for a reconstruction run, which has no
 * classes, the output's error against the input (MSE), so that the views show which pixels the autoencoder
 * reconstructs worst instead of failing.
 */
import type { TaskName } from '../../model/types';
import type { Tensor } from '../../trainer/engine/tf';
import type { TracedForward } from './forward';
import type { InspectableRun } from './runModel';

export interface ViewTarget {
  /** The class whose score is differentiated; null when the task has no classes. */
  classIndex: number | null;
  /** For captions, e.g. "score of 'Shirt'" or "reconstruction error (MSE)". */
  describe: string;
  /** One value per sample ([N]) from a traced forward pass over `x`; `reference` is the clean input (NHWC), a tensor
   * of its own so that no gradient flows into it. */
  score(traced: TracedForward, reference: Tensor): Tensor;
}

type TargetMaker = (run: InspectableRun, classIndex: number) => ViewTarget;

const TARGETS: Record<TaskName, TargetMaker> = {
  classification(run, classIndex) {
    checkClass(run, classIndex);
    const { tf } = run;
    return {
      classIndex,
      describe: `score of '${run.classes[classIndex] ?? `class ${classIndex}`}'`,
      score: (traced) => {
        const n = traced.scores.shape[0] ?? 1;
        return tf.reshape(tf.slice(tf.reshape(traced.scores, [n, -1]), [0, classIndex], [n, 1]), [n]);
      },
    };
  },
  segmentation(run, classIndex) {
    checkClass(run, classIndex);
    const { tf } = run;
    return {
      classIndex,
      describe: `mean score of '${run.classes[classIndex] ?? `class ${classIndex}`}' over the pixels`,
      // NHWC scores, one channel per class: the class's score map averaged over the image.
      score: (traced) => tf.mean(tf.slice(traced.scores, [0, 0, 0, classIndex], [-1, -1, -1, 1]), [1, 2, 3]),
    };
  },
  detection(run, classIndex) {
    if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= run.classes.length) throw new RangeError(`class ${classIndex} is outside 0…${run.classes.length - 1}`);
    const { tf } = run;
    return {
      classIndex,
      describe: `highest score of '${run.classes[classIndex] ?? `class ${classIndex}`}' over the head's locations`,
      // NHWC head output, the class logits first: the location most sure of the class.
      score: (traced) => tf.max(tf.slice(traced.scores, [0, 0, 0, classIndex], [-1, -1, -1, 1]), [1, 2, 3]),
    };
  },
  reconstruction(run) {
    const { tf } = run;
    return {
      classIndex: null,
      describe: 'reconstruction error (MSE of the output against the input; this run has no classes)',
      score: (traced, reference) => {
        const n = traced.scores.shape[0] ?? 1;
        const diff = tf.sub(tf.reshape(traced.scores, [n, -1]), tf.reshape(reference, [1, -1]));
        return tf.mean(tf.square(diff), 1);
      },
    };
  },
};

/** The target of a class-dependent view for this run's task (`classIndex` is checked for classifiers, else ignored). */
export function viewTarget(run: InspectableRun, classIndex: number): ViewTarget {
  return TARGETS[run.analysis.task](run, classIndex);
}

/** Throws a RangeError naming the valid classes when `classIndex` is not one. */
export function checkClass(run: InspectableRun, classIndex: number): void {
  const k = run.analysis.outputShape[0] ?? 0;
  if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= k) throw new RangeError(`class ${classIndex} is outside 0…${k - 1}`);
}
