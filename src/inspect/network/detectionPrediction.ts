/**
 * What a detection run makes of one picture (`cnnlab predict`, the inspector): the head's output decoded into boxes
 * as its DetectionHead says (score_thresh, nms_thresh, topk_candidates, detections_per_img), showing those from the
 * shown score (0.3, or score_thresh when higher) unless the caller overrides it or the NMS IoU, in pixels of the picture as the model sees it, and
 * the picture with the boxes drawn in their class colours (classPalette.ts, as the training panel draws them),
 * enlarged so that a small input stays readable.
 */
import { shownScore, type DecodeOptions, type Detection } from '../../model/detection/postprocess';
import { decodeFcosOutput, fcosChannels } from '../../model/detection/fcosDecode';
import { modelDecodeOptions } from '../../model/layers/detectionHead';
import { classRgb } from '../../protocol/classPalette';
import type { Tensor4D } from '../../trainer/engine/tf';
import type { RasterImage } from '../image/png';
import type { InspectInput } from './input';
import type { InspectableRun } from './runModel';

/** The drawing is enlarged by a whole factor until its longer side reaches this many pixels. */
const DRAWN_SIDE = 256;

/** `cnnlab predict --score-threshold S --iou-threshold T`: what replaces the model's shown score and NMS IoU. */
export interface DecodeOverrides {
  scoreThreshold?: number;
  iouThreshold?: number;
}

export interface DetectionPrediction {
  detections: Detection[];
  drawn: RasterImage;
}

export async function predictBoxes(run: InspectableRun, input: InspectInput, overrides: DecodeOverrides = {}): Promise<DetectionPrediction> {
  const { tf } = run;
  const output = tf.tidy(() => run.model.apply(tf.tensor4d(input.x, [1, input.height, input.width, input.channels]) as Tensor4D, false));
  const [, h, w, channels] = output.shape as number[];
  const values = await output.data();
  output.dispose();
  const classes = channels - 5;
  if (classes < 1 || channels !== fcosChannels(classes)) throw new Error(`the model outputs ${channels} channels per location, not a detection head's classes + 5`);
  const grid = { height: h, width: w, stride: input.height / h };
  const detections = decodeFcosOutput(values, 0, grid, classes, input, predictDecoding(run.analysis, overrides));
  return { detections, drawn: drawBoxes(input, detections) };
}

/** The model's decoding with the shown score as its threshold, and the overrides. */
export function predictDecoding(analysis: Pick<InspectableRun['analysis'], 'layers'>, overrides: DecodeOverrides = {}): DecodeOptions {
  const decode = modelDecodeOptions(analysis);
  return { ...decode, scoreThreshold: overrides.scoreThreshold ?? shownScore(decode.scoreThreshold), iouThreshold: overrides.iouThreshold ?? decode.iouThreshold };
}

/** The picture in RGB, enlarged, with each detection's box outlined (2 pixels) in its class colour. */
export function drawBoxes(input: Pick<InspectInput, 'pixels' | 'height' | 'width' | 'channels'>, detections: readonly Detection[]): RasterImage {
  const scale = Math.max(1, Math.floor(DRAWN_SIDE / Math.max(input.width, input.height)));
  const [width, height] = [input.width * scale, input.height * scale];
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const src = (Math.floor(y / scale) * input.width + Math.floor(x / scale)) * input.channels;
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = input.pixels[src + (input.channels >= 3 ? c : 0)];
    }
  }
  const paint = (x: number, y: number, colour: readonly number[]) => {
    if (x >= 0 && y >= 0 && x < width && y < height) data.set(colour, (y * width + x) * 3);
  };
  for (const d of [...detections].reverse()) {
    const colour = classRgb(d.cls);
    const [x1, y1, x2, y2] = d.box.map((v) => Math.round(v * scale));
    for (let t = 0; t < 2; t++) {
      for (let x = x1; x < x2; x++) [y1 + t, y2 - 1 - t].forEach((y) => paint(x, y, colour));
      for (let y = y1; y < y2; y++) [x1 + t, x2 - 1 - t].forEach((x) => paint(x, y, colour));
    }
  }
  return { width, height, channels: 3, data };
}
