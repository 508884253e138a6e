/**
 * The test pass's worst images of each class (task segmentation): for every class, the WORST_PER_CLASS test images
 * with the lowest IoU of that class (among images whose truth or prediction has it), with their true and predicted
 * masks, written as segmentation-worst.json (protocol SegmentationWorst) for the results view. Rows are encoded when
 * an image enters a class's list, so memory stays bounded by classes × WORST_PER_CLASS rows whatever the test set.
 */
import { join } from 'node:path';
import type { SampleRow, SegmentationWorst } from '../../protocol/sampleStrip';
import { writeJsonAtomic } from '../runs/atomic';
import { RUN_FILES } from '../runs/store';
import type { ImageSet } from '../datasets/types';
import { StripCollector } from './sampleStrip';
import { PixelConfusion, segmentationMetrics } from './segmentationMetrics';
import type { TestRecorder } from './types';

export const WORST_PER_CLASS = 8;
export const SEGMENTATION_WORST_FILE = RUN_FILES.segmentationWorst;

/** The mean IoU of one image's confusion matrix (classes absent from truth and prediction left out). */
export function imageMeanIou(confusion: PixelConfusion): number {
  return segmentationMetrics(confusion, 0).meanIou;
}

interface Entry {
  iou: number;
  index: number;
}

export class WorstImagesRecorder implements TestRecorder {
  private readonly worst: Entry[][];
  private readonly rows = new Map<number, SampleRow>();
  private readonly strip: StripCollector;
  private seen = 0;

  constructor(private readonly classes: string[], private readonly ignoreIndex: number) {
    this.worst = classes.map(() => []);
    this.strip = new StripCollector(['input'], 'mIoU', undefined, { masks: ['truth', 'prediction'], classes });
  }

  get count(): number {
    return this.seen;
  }

  addBatch(set: ImageSet, start: number, labels: ArrayLike<number>, outputs: ArrayLike<number>): void {
    const k = this.classes.length;
    const pixels = set.height * set.width;
    const masks = set.masks;
    if (!masks) return;
    for (let i = 0; i < labels.length; i++) {
      const index = start + i;
      const confusion = new PixelConfusion(k);
      const predicted = new Uint8Array(pixels);
      confusion.add(masks, index * pixels, outputs, i * pixels * k, pixels, predicted);
      const metrics = segmentationMetrics(confusion, this.ignoreIndex);
      this.seen += 1;
      let entered = false;
      metrics.perClassIou.forEach((iou, c) => {
        if (iou !== null && this.enter(this.worst[c], { iou, index })) entered = true;
      });
      if (!entered || this.rows.has(index)) continue;
      const image = { values: set.images, offset: index * pixels * set.channels, toPixel: (v: number) => v / 255 };
      this.rows.set(index, this.strip.row(index, set.labels[index], [image], set, metrics.meanIou, { masks: [{ values: masks, offset: index * pixels }, { values: predicted, offset: 0 }] }));
    }
    this.prune();
  }

  /** Keeps the list sorted worst first and at most WORST_PER_CLASS long; whether the entry made it in. */
  private enter(list: Entry[], entry: Entry): boolean {
    if (list.length >= WORST_PER_CLASS && entry.iou >= list[list.length - 1].iou) return false;
    list.push(entry);
    list.sort((a, b) => a.iou - b.iou || a.index - b.index);
    if (list.length > WORST_PER_CLASS) list.pop();
    return list.includes(entry);
  }

  /** Drops the rows of images no class lists any more. */
  private prune(): void {
    const listed = new Set(this.worst.flat().map((e) => e.index));
    for (const index of this.rows.keys()) if (!listed.has(index)) this.rows.delete(index);
  }

  result(): SegmentationWorst | null {
    const rows = [...this.rows.values()].sort((a, b) => a.index - b.index);
    const strip = this.strip.strip(0, rows);
    if (!strip) return null;
    return {
      classes: [...this.classes],
      perClass: this.worst.map((list) => list.map((e) => e.index)),
      perClassIou: this.worst.map((list) => list.map((e) => e.iou)),
      strip,
    };
  }

  write(dir: string): void {
    const result = this.result();
    if (result) writeJsonAtomic(join(dir, SEGMENTATION_WORST_FILE), result);
  }
}
