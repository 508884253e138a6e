/**
 * The detection task's strip of fixed validation images: the pass's first STRIP_IMAGES images with their true boxes
 * and the best STRIP_DETECTIONS detections the decoding kept (score above its threshold, after NMS), so that the
 * panel's score slider can show more or fewer of them; the panel opens at `shownScore`. (An untrained head keeps 100
 * low-score detections per image: the cap keeps the strip a few tens of kilobytes.)
 */
import type { ImageDetections } from '../../model/detection/averagePrecision';
import { SHOWN_SCORE } from '../../model/detection/postprocess';
import type { Batch } from '../datasets/types';
import type { ToPixel } from './reconstructionErrors';
import { StripCollector } from './sampleStrip';

export const STRIP_DETECTIONS = 30;

export class DetectionStrip {
  private readonly strip: StripCollector;

  /** `toPixel` maps the batch's (normalised) input back to [0, 1] pixels. */
  constructor(classes: readonly string[], private readonly toPixel: ToPixel, shownScore = SHOWN_SCORE) {
    this.strip = new StripCollector(['input'], 'errors', undefined, { boxes: true, classes, shownScore });
  }

  /** The images of one batch (`images[i]` is batch image i, set index start + i), until the strip is full. */
  add(batch: Batch, start: number, images: readonly ImageDetections[]): void {
    const pixels = batch.height * batch.width * batch.channels;
    for (let i = 0; i < batch.size && !this.strip.full; i++) {
      const input = { values: batch.x, offset: i * pixels, toPixel: this.toPixel };
      this.strip.add(start + i, batch.y[i], [input], batch, null, { boxes: { truth: images[i].truth, predicted: images[i].detections.slice(0, STRIP_DETECTIONS) } });
    }
  }

  samples(epoch: number) {
    return this.strip.strip(epoch);
  }
}
