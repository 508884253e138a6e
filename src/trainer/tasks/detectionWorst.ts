/**
 * The test pass's worst images (task detection), detection-worst.json (protocol DetectionWorst): every test image's
 * head output is decoded against its stored boxes (DetectionPass), and the WORST_IMAGES images with the most missed
 * plus false detections at the shown score are written with their pictures, truths and detections for the results
 * view. Truth comes from the stored test set, whose geometry the test pipeline's per-batch steps keep (Normalize).
 */
import { join } from 'node:path';
import type { FcosGrid } from '../../model/detection/fcosCoding';
import { gatherObjects } from '../datasets/objectBoxes';
import type { ImageSet } from '../datasets/types';
import type { BoxXyxy, DetectionWorst } from '../../protocol/detectionWorst';
import { writeJsonAtomic } from '../runs/atomic';
import { RUN_FILES } from '../runs/store';
import { shownScore, type DecodeOptions } from '../../model/detection/postprocess';
import { DetectionPass } from './detectionEvaluation';
import { StripCollector } from './sampleStrip';
import type { TestRecorder } from './types';

export const WORST_IMAGES = 16;

export class DetectionWorstRecorder implements TestRecorder {
  private pass: DetectionPass | undefined;
  private set: ImageSet | undefined;
  private readonly shown: number;

  constructor(private readonly classes: string[], private readonly gridOf: (set: ImageSet) => FcosGrid, private readonly decode?: DecodeOptions) {
    this.shown = shownScore(decode?.scoreThreshold);
  }

  get count(): number {
    return this.pass?.images.length ?? 0;
  }

  addBatch(set: ImageSet, start: number, labels: ArrayLike<number>, outputs: ArrayLike<number>): void {
    if (!set.objects) return;
    this.set = set;
    this.pass ??= new DetectionPass({ grid: this.gridOf(set), classes: this.classes.length, decode: this.decode, shownScore: this.shown });
    const indices = Array.from({ length: labels.length }, (_, i) => start + i);
    this.pass.add({ objects: gatherObjects(set.objects, indices), size: labels.length, height: set.height, width: set.width }, start, outputs);
  }

  result(): DetectionWorst | null {
    const { pass, set } = this;
    if (!pass || !set) return null;
    const errors = pass.errors();
    const worst = pass.worst(WORST_IMAGES);
    const strip = new StripCollector(['input'], 'errors', WORST_IMAGES);
    const pixels = set.height * set.width * set.channels;
    const images = worst.map((index) => {
      const k = pass.indices.indexOf(index);
      const { truth, detections } = pass.images[k];
      const shown = detections.filter((d) => d.score >= this.shown);
      const e = errors[k];
      strip.add(index, set.labels[index], [{ values: set.images, offset: index * pixels, toPixel: (v) => v / 255 }], set, e.missed.length + e.falseDetections.length);
      return {
        index,
        truth: truth.map((t) => ({ cls: t.cls, box: [...t.box] as BoxXyxy })),
        detections: shown.map((d) => ({ cls: d.cls, score: d.score, box: [...d.box] as BoxXyxy })),
        missed: e.missed,
        // errors() indexes all detections; shown ones come first (highest score first), so the indices agree.
        falseDetections: e.falseDetections,
      };
    });
    const encoded = strip.strip(0);
    if (!encoded) return null;
    return { classes: [...this.classes], shownScore: this.shown, imageWidth: set.width, imageHeight: set.height, images, strip: encoded };
  }

  write(dir: string): void {
    const result = this.result();
    if (result) writeJsonAtomic(join(dir, RUN_FILES.detectionWorst), result);
  }
}
