/**
 * What a segmentation run makes of one picture (`cnnlab predict`): the class of every pixel (arg-max of its score
 * maps) as a palette PNG's indices, an overlay of the classes' colours on the picture (background left clear), and
 * the share of pixels of each class.
 */
import { maskColor, maskPalette } from '../../protocol/maskPalette';
import type { Tensor4D } from '../../trainer/engine/tf';
import type { IndexedImage, RasterImage } from '../image/png';
import type { InspectInput } from './input';
import type { InspectableRun } from './runModel';

/** How much of a pixel an overlay's class colour covers. */
export const OVERLAY_OPACITY = 0.5;

export interface SegmentationPrediction {
  mask: IndexedImage;
  overlay: RasterImage;
  /** Per class, in class order: its pixels and their share of the image. */
  classes: Array<{ class: string; index: number; pixels: number; fraction: number }>;
}

export async function predictMask(run: InspectableRun, input: InspectInput): Promise<SegmentationPrediction> {
  const { tf } = run;
  const output = tf.tidy(() => run.model.apply(tf.tensor4d(input.x, [1, input.height, input.width, input.channels]) as Tensor4D, false));
  const k = output.shape[3] ?? 1;
  const scores = await output.data();
  output.dispose();
  const pixels = input.height * input.width;
  const indices = new Uint8Array(pixels);
  const counts = new Array<number>(k).fill(0);
  for (let p = 0; p < pixels; p++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (scores[p * k + c] > scores[p * k + best]) best = c;
    indices[p] = best;
    counts[best] += 1;
  }
  return {
    mask: { width: input.width, height: input.height, indices, palette: maskPalette() },
    overlay: overlay(input, indices),
    classes: counts.map((n, c) => ({ class: run.classes[c] ?? String(c), index: c, pixels: n, fraction: n / pixels })),
  };
}

/** The picture in RGB with each non-background pixel blended towards its class colour. */
export function overlay(input: Pick<InspectInput, 'pixels' | 'height' | 'width' | 'channels'>, indices: Uint8Array): RasterImage {
  const pixels = input.height * input.width;
  const data = new Uint8Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    const colour = indices[p] === 0 ? null : maskColor(indices[p]);
    for (let c = 0; c < 3; c++) {
      const v = input.pixels[p * input.channels + (input.channels >= 3 ? c : 0)];
      data[p * 3 + c] = colour ? Math.round(v * (1 - OVERLAY_OPACITY) + colour[c] * OVERLAY_OPACITY) : v;
    }
  }
  return { width: input.width, height: input.height, channels: 3, data };
}
