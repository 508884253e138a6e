/**
 * `task: segmentation`: a class per pixel. The model outputs one score map per class, [classes, H, W] at the input's
 * H and W (a U-Net, an FCN); the target is a mask of class indices (0 = background for shapes; train.ignore_index,
 * 255 by default, marks pixels that count nowhere). Losses cross_entropy (per pixel), dice, cross_entropy_dice.
 */
import { formatShape } from '../layers/arithmetic';
import type { FixEdit } from '../types';
import type { TaskDefinition } from './types';

/** The class of mask value 0 when a dataset names only its objects (shapes): what no object covers. */
export const BACKGROUND_CLASS = 'background';

/** The mask classes of a dataset whose labels name objects only: background first, then its classes. */
export function withBackground(objectClasses: readonly string[]): string[] {
  return [BACKGROUND_CLASS, ...objectClasses];
}

const SOFTMAX_LOSSES = new Set(['cross_entropy', 'dice', 'cross_entropy_dice']);

export const segmentationTask: TaskDefinition = {
  name: 'segmentation',
  doc: 'A class for every pixel: the model outputs one score map per class, [classes, H, W] at the input’s size; losses cross_entropy (per pixel, train.class_weights, train.ignore_index), dice, cross_entropy_dice; metrics are pixel accuracy, mean and per-class IoU and Dice, and the pixel confusion matrix.',
  losses: ['cross_entropy', 'dice', 'cross_entropy_dice'],
  defaultLoss: 'cross_entropy',
  target: 'mask',
  views: { epochChart: 'miou', results: 'segmentation', epochSamples: true },
  metrics: ['val_loss', 'val_accuracy', 'val_miou'],
  classNames(datasetClasses, output) {
    if (datasetClasses) return withBackground(datasetClasses);
    const n = output && output.length === 3 ? output[0] : 0;
    return Array.from({ length: Math.min(n, 256) }, (_, i) => String(i));
  },
  checkOutput(m, sink) {
    const last = m.layers[m.layers.length - 1];
    const input = m.spec.input?.value;
    if (!last || !m.output || m.output.length === 0 || !input) return;
    const where = `(from ${last.type} at line ${last.range.start.line + 1})`;
    if (m.output.length !== 3 || input.length !== 3 || m.output[1] !== input[1] || m.output[2] !== input[2]) {
      const size = input.length === 3 ? `${input[1]}, ${input[2]}` : 'H, W';
      sink.error('output-not-mask', `task segmentation: the model outputs ${formatShape(m.output)} per image ${where} but needs [classes, ${size}]: one score map per class at the input's height and width (upsample with ConvTranspose2d or Upsample)`, last.range);
      return;
    }
    const count = m.classes.length;
    if (count > 0 && m.output[0] !== count) {
      const fixes: FixEdit[] = [];
      const outChannels = last.type === 'Conv2d' || last.type === 'ConvTranspose2d' ? m.writtenRange(last, 'out_channels') : undefined;
      if (outChannels) fixes.push({ title: `Set out_channels to ${count}`, range: outChannels, newText: String(count) });
      const named = m.spec.classes ? 'classes lists' : `${m.data.dataset} has`;
      sink.warning('classes-mismatch', `The model outputs ${m.output[0]} score maps but ${named} ${count} classes (${m.classes.slice(0, 8).join(', ')}${count > 8 ? ', …' : ''}): one map per class`, last.range, fixes);
    }
    if (count > 256) sink.error('bad-value', `task segmentation: masks hold one byte per pixel, so at most 256 classes (got ${count})`, m.spec.classes?.range ?? last.range);
    const weights = m.train.class_weights;
    const weightsRange = m.keyRange('train', 'class_weights');
    if (weights && weightsRange && count > 0 && weights.length !== count) {
      sink.error('class-weights', `train.class_weights has ${weights.length} values but there are ${count} classes (${m.classes.slice(0, 8).join(', ')}${count > 8 ? ', …' : ''}): give one weight per class`, weightsRange);
    }
    if (weights && weightsRange && m.train.loss === 'dice') {
      sink.warning('unused-setting', 'train.class_weights weighs cross_entropy: loss dice does not use it (use cross_entropy_dice)', weightsRange);
    }
    if (m.hasTrain && SOFTMAX_LOSSES.has(m.train.loss) && m.train.loss !== 'cross_entropy' && (last.type === 'Softmax' || last.type === 'LogSoftmax')) {
      const remove = m.removeLayer(last);
      sink.warning('double-softmax', `loss ${m.train.loss} applies softmax over the classes itself: remove the final ${last.type}`, last.range, remove ? [remove] : undefined);
    }
  },
};
