/**
 * `task: segmentation`: the target is the batch's masks (a class index per pixel, augmented with the image);
 * segmentationLosses.ts's losses on the [N, H, W, K] score maps; the training score is the pixel accuracy; each
 * evaluation pass fills a pixel confusion matrix (pixel accuracy, IoU, Dice) and keeps its first images with their
 * true and predicted masks as the panel's strip; best = lowest validation loss. The test pass records the worst
 * images of each class (segmentation-worst.json).
 */
import type { TestMetrics } from '../../protocol/runTypes';
import { DEFAULT_IGNORE_INDEX } from '../../model/config/trainKeys';
import type { Batch, ImageSet } from '../datasets/types';
import type { Scalar, TF, Tensor } from '../engine/tf';
import { inputToPixel } from './reconstructionErrors';
import { StripCollector } from './sampleStrip';
import { segmentationLoss, type PixelLossOptions } from './segmentationLosses';
import { PixelConfusion, segmentationMetrics } from './segmentationMetrics';
import { imageMeanIou, WorstImagesRecorder } from './segmentationWorst';
import type { EngineTask, TaskContext } from './types';

export const MASK_COLUMNS = ['truth', 'prediction'];

export function segmentationTask(ctx: TaskContext): EngineTask {
  const k = ctx.classes.length;
  const options: PixelLossOptions = { classWeights: ctx.classWeights, ignoreIndex: ctx.ignoreIndex ?? DEFAULT_IGNORE_INDEX };
  const fromInput = inputToPixel(ctx.normalize);
  return {
    name: 'segmentation',
    tensors(tf, batch) {
      const masks = batchMasks(batch);
      return {
        input: tf.tensor4d(batch.x, [batch.size, batch.height, batch.width, batch.channels]),
        target: tf.tensor3d(Int32Array.from(masks), [batch.size, batch.height, batch.width], 'int32'),
      };
    },
    loss: (tf, output, target) => segmentationLoss(tf, ctx.loss, output, target, options),
    // Correct counted pixels / pixels per image: summed over the epoch and divided by its images, the pixel accuracy.
    batchScore: (tf, output, target) => correctPixelShare(tf, output, target, options.ignoreIndex),
    epochScore: (share, seen) => share / Math.max(seen, 1),
    evaluation() {
      const confusion = new PixelConfusion(k);
      const strip = new StripCollector(['input'], 'mIoU', undefined, { masks: MASK_COLUMNS, classes: ctx.classes });
      let lossSum = 0;
      let samples = 0;
      return {
        add(batch, start, outputs, meanLoss) {
          lossSum += meanLoss * batch.size;
          samples += batch.size;
          const masks = batchMasks(batch);
          const pixels = batch.height * batch.width;
          for (let i = 0; i < batch.size; i++) {
            const predicted = new Uint8Array(pixels);
            const image = new PixelConfusion(k);
            image.add(masks, i * pixels, outputs, i * pixels * k, pixels, predicted);
            for (let j = 0; j < image.matrix.length; j++) confusion.matrix[j] += image.matrix[j];
            confusion.ignored += image.ignored;
            if (strip.full) continue;
            const input = { values: batch.x, offset: i * pixels * batch.channels, toPixel: fromInput };
            strip.add(start + i, batch.y[i], [input], batch, imageMeanIou(image), { masks: [{ values: masks, offset: i * pixels }, { values: predicted, offset: 0 }] });
          }
        },
        samples: (epoch) => strip.strip(epoch),
        result(): TestMetrics {
          const segmentation = segmentationMetrics(confusion, options.ignoreIndex);
          const rows = confusion.rows();
          return {
            loss: samples > 0 ? lossSum / samples : NaN,
            accuracy: segmentation.pixelAccuracy,
            perClassAccuracy: rows.map((row, c) => {
              const total = row.reduce((a, b) => a + b, 0);
              return total > 0 ? row[c] / total : null;
            }),
            confusion: rows,
            samples,
            segmentation,
          };
        },
      };
    },
    epochFields: (validation) => ({ valMeanIou: validation?.segmentation?.meanIou ?? null }),
    checkData(analysis, dataset) {
      const [out, input] = [analysis.outputShape, analysis.input];
      if (out.length !== 3 || out[1] !== input[1] || out[2] !== input[2]) {
        throw new Error(`task segmentation: the model outputs [${out}] per sample but needs [classes, ${input[1]}, ${input[2]}] (one score map per class at the input's size)`);
      }
      if (out[0] !== dataset.classes.length) {
        throw new Error(`task segmentation: the model outputs ${out[0]} score maps, but ${dataset.name} has ${dataset.classes.length} mask classes (${dataset.classes.join(', ')}): end the model with Conv2d(…, ${dataset.classes.length}, 1)`);
      }
      for (const [split, set] of [['train', dataset.train], ['validation', dataset.validation], ['test', dataset.test]] as const) {
        if (set.count > 0 && !set.masks) throw new Error(`task segmentation: ${dataset.name}'s ${split} images have no masks`);
        checkMaskValues(set, k, options.ignoreIndex, `${dataset.name} (${split})`);
      }
      if (ctx.classWeights && ctx.classWeights.length !== k) throw new Error(`train.class_weights has ${ctx.classWeights.length} values for ${k} classes`);
    },
    testRecorder: (dataset) => new WorstImagesRecorder(dataset.classes, options.ignoreIndex),
  };
}

function batchMasks(batch: Batch): Uint8Array {
  if (!batch.masks) throw new Error('task segmentation: a batch came without its masks');
  return batch.masks;
}

function correctPixelShare(tf: TF, output: Tensor, target: Tensor, ignoreIndex: number): Scalar {
  const predicted = tf.cast(tf.argMax(output, -1), 'int32');
  const counted = tf.notEqual(target, tf.scalar(ignoreIndex, 'int32'));
  const hits = tf.logicalAnd(tf.equal(predicted, target), counted);
  const pixels = (target.shape[1] ?? 1) * (target.shape[2] ?? 1);
  return tf.div(tf.sum(tf.cast(hits, 'float32')), pixels) as Scalar;
}

/** Every mask value must be a class or the ignore index: a stray value would be trained as nothing. */
function checkMaskValues(set: ImageSet, classes: number, ignoreIndex: number, where: string): void {
  const masks = set.masks;
  if (!masks) return;
  for (let i = 0; i < masks.length; i++) {
    const v = masks[i];
    if (v >= classes && v !== ignoreIndex) {
      const image = Math.floor(i / (set.height * set.width));
      throw new Error(`${where}: mask ${image} has the value ${v}, but there are ${classes} classes (0…${classes - 1}) and the ignore index is ${ignoreIndex}: list every class in classes:, or set train.ignore_index`);
    }
  }
}
