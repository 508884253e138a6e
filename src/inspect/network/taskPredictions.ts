/**
 * What `cnnlab predict` says for each task: the top-k classes of a classifier; the reconstruction (as an image) and its
 * error for an autoencoder; the mask of a segmentation model, its overlay and each class's share of the pixels; the boxes
 * of a detector (class, score, x1 y1 x2 y2 in the model input's pixels) drawn on the picture. One entry per task, like the trainer's task registry.
 */
import type { TaskName } from '../../model/types';
import type { Tensor4D } from '../../trainer/engine/tf';
import { imageErrors, outputToPixel } from '../../trainer/tasks/reconstructionErrors';
import type { PredictedBoxData } from '../../protocol/inspect';
import type { IndexedImage, PixelChannels, RasterImage } from '../image/png';
import { predictBoxes, type DecodeOverrides } from './detectionPrediction';
import { predictMask } from './segmentationPrediction';
import type { InspectInput } from './input';
import { classScores, topK, type Prediction } from './predict';
import type { InspectableRun } from './runModel';

export interface TaskPrediction {
  /** Task-specific fields of the --json line. */
  json: Record<string, unknown>;
  /** Lines for people. */
  text: string;
  /** The top-k classes, for tasks that classify (the inspector draws them as bars). */
  predictions?: Prediction[];
  /** The image `--out` writes, for tasks whose output is an image, and its error against the input. */
  image?: RasterImage;
  error?: number;
  /** Segmentation: the predicted class of every pixel (a palette PNG for `--out`) and its overlay on the picture. */
  mask?: IndexedImage;
  overlay?: RasterImage;
  /** Detection: the boxes found (`image` is then the picture with them drawn). */
  boxes?: PredictedBoxData[];
}

type Predictor = (run: InspectableRun, input: InspectInput, topK: number, overrides: DecodeOverrides) => Promise<TaskPrediction>;

const PREDICTORS: Record<TaskName, Predictor> = {
  async classification(run, input, k) {
    const { logits, probabilities } = await classScores(run, input);
    const predictions = topK(probabilities, run.classes, k);
    const width = Math.max(...predictions.map((p) => p.className.length), 5);
    return {
      predictions,
      // logits and probabilities: every class in class order, for comparisons with other runtimes (exports).
      json: {
        predictions: predictions.map((p) => ({ class: p.className, index: p.classIndex, probability: p.probability })),
        logits: Array.from(logits),
        probabilities: Array.from(probabilities),
      },
      text: predictions.map((p, i) => `${String(i + 1).padStart(2)}. ${p.className.padEnd(width)} ${(100 * p.probability).toFixed(2).padStart(6)}%\n`).join(''),
    };
  },
  async reconstruction(run, input) {
    const { tf } = run;
    const output = tf.tidy(() => run.model.apply(tf.tensor4d(input.x, [1, input.height, input.width, input.channels]) as Tensor4D, false));
    const values = await output.data();
    output.dispose();
    const toPixel = outputToPixel(run.analysis.train.loss, run.normalize);
    const set = { images: input.pixels, labels: new Uint8Array(1), count: 1, height: input.height, width: input.width, channels: input.channels };
    const [error] = imageErrors(set, 0, 1, values, toPixel);
    const data = Uint8Array.from(values, (v, i) => Math.round(255 * Math.min(1, Math.max(0, toPixel(v, i % input.channels)))));
    return {
      json: { error },
      text: `reconstruction error (MSE per pixel, [0, 1] units): ${error.toFixed(6)}\n`,
      image: { width: input.width, height: input.height, channels: input.channels as PixelChannels, data },
      error,
    };
  },
  async segmentation(run, input) {
    const { mask, overlay, classes } = await predictMask(run, input);
    const width = Math.max(...classes.map((c) => c.class.length), 5);
    const shown = classes.filter((c) => c.pixels > 0);
    return {
      mask,
      overlay,
      json: { size: [input.height, input.width], classes },
      text: shown.map((c) => `${c.class.padEnd(width)} ${(100 * c.fraction).toFixed(2).padStart(6)}% of the pixels\n`).join(''),
    };
  },
  async detection(run, input, _k, overrides) {
    const { detections, drawn } = await predictBoxes(run, input, overrides);
    const round = (v: number) => Math.round(v * 100) / 100;
    const boxes = detections.map((d) => ({ class: run.classes[d.cls] ?? String(d.cls), score: d.score, x1: round(d.box[0]), y1: round(d.box[1]), x2: round(d.box[2]), y2: round(d.box[3]) }));
    const width = Math.max(...boxes.map((b) => b.class.length), 5);
    return {
      image: drawn,
      boxes,
      json: { size: [input.height, input.width], boxes },
      text: boxes.length
        ? boxes.map((b) => `${b.class.padEnd(width)} ${(100 * b.score).toFixed(1).padStart(5)}%  (${b.x1}, ${b.y1}) – (${b.x2}, ${b.y2})\n`).join('')
        : 'no objects found\n',
    };
  },
};

/** `overrides`: detection's shown score and NMS IoU instead of the model's (`cnnlab predict --score-threshold/--iou-threshold`). */
export function predictForTask(run: InspectableRun, input: InspectInput, topK: number, overrides: DecodeOverrides = {}): Promise<TaskPrediction> {
  return PREDICTORS[run.analysis.task](run, input, topK, overrides);
}
