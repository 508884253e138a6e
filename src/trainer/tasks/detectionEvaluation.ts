/**
 * One evaluation pass of a detection model, batch by batch: each image's head output decoded (fcosDecode.ts) and
 * kept with its true boxes, then COCO's metrics over the pass (averagePrecision.ts) and each image's errors at the
 * shown score threshold (imageErrors.ts), for the results' worst images.
 */
import { evaluateDetections, type DetectionMetrics, type ImageDetections } from '../../model/detection/averagePrecision';
import type { FcosGrid } from '../../model/detection/fcosCoding';
import { decodeFcosOutput, fcosChannels } from '../../model/detection/fcosDecode';
import { imageErrors, worstImages, type ImageErrors } from '../../model/detection/imageErrors';
import { shownScore, type DecodeOptions } from '../../model/detection/postprocess';
import { objectsOf } from '../datasets/objectBoxes';
import type { Batch } from '../datasets/types';

export interface DetectionPassOptions {
  grid: FcosGrid;
  classes: number;
  /** The model's decoding (its DetectionHead's score_thresh, nms_thresh, …); default DECODE_DEFAULTS. */
  decode?: Partial<DecodeOptions>;
  /** The score from which a detection is shown (and counts in the worst images). Default shownScore(decode's threshold). */
  shownScore?: number;
}

export class DetectionPass {
  readonly images: ImageDetections[] = [];
  /** Set index of each image kept. */
  readonly indices: number[] = [];

  constructor(private readonly options: DetectionPassOptions) {}

  /** A batch of the pass: its images `start …` of the set and the head's outputs, [N, H, W, classes + 5] row-major; returns the batch's images. */
  add(batch: Pick<Batch, 'objects' | 'size' | 'height' | 'width'>, start: number, outputs: ArrayLike<number>): ImageDetections[] {
    if (!batch.objects) throw new Error('task detection: a batch came without its boxes');
    const { grid, classes } = this.options;
    const perImage = grid.height * grid.width * fcosChannels(classes);
    if (outputs.length !== perImage * batch.size) throw new Error(`task detection: the model gave ${outputs.length / batch.size} values per image, the head needs ${perImage} (${grid.height}×${grid.width}×${fcosChannels(classes)})`);
    for (let i = 0; i < batch.size; i++) {
      const detections = decodeFcosOutput(outputs, i * perImage, grid, classes, batch, this.options.decode);
      this.images.push({ truth: objectsOf(batch.objects, i), detections });
      this.indices.push(start + i);
    }
    return this.images.slice(this.images.length - batch.size);
  }

  metrics(): DetectionMetrics {
    return evaluateDetections(this.images, this.options.classes);
  }

  errors(): ImageErrors[] {
    const shown = this.options.shownScore ?? shownScore(this.options.decode?.scoreThreshold);
    return this.images.map((image) => imageErrors(image.truth, image.detections, shown));
  }

  /** Set indices of the images with the most missed and false detections, worst first. */
  worst(count: number): number[] {
    return worstImages(this.errors(), count).map((k) => this.indices[k]);
  }
}
