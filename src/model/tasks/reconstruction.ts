/**
 * `task: reconstruction`: the target is the model's own clean input (autoencoders: compression, denoising, anomaly
 * detection), so the output must have the input's shape; pixel losses only.
 */
import { formatShape } from '../layers/arithmetic';
import type { TaskDefinition } from './types';

export const reconstructionTask: TaskDefinition = {
  name: 'reconstruction',
  doc: 'The model rebuilds its input image (an autoencoder): the output must have the input’s shape; losses mse, l1, bce, bce_with_logits; metrics are the reconstruction error per image and class, and with data.include_classes the anomaly ROC AUC.',
  losses: ['mse', 'l1', 'bce', 'bce_with_logits'],
  defaultLoss: 'mse',
  target: 'image',
  views: { epochChart: 'mse', results: 'reconstruction', epochSamples: true },
  metrics: ['val_loss', 'val_mse'],
  checkOutput(m, sink) {
    const last = m.layers[m.layers.length - 1];
    const input = m.spec.input?.value;
    if (!last || !m.output || m.output.length === 0 || !input) return;
    if (formatShape(m.output) !== formatShape(input)) {
      sink.error('output-not-input',
        `task reconstruction: the model outputs ${formatShape(m.output)} per image (from ${last.type} at line ${last.range.start.line + 1}) but its input is ${formatShape(input)}; the output must equal the input`,
        last.range);
    }
    if (m.hasTrain && m.train.loss === 'bce' && last.type !== 'Sigmoid') {
      sink.warning('bce-needs-sigmoid', `loss bce expects values in [0, 1] but the model ends with ${last.type}: end it with Sigmoid(), or use loss: bce_with_logits`, last.range);
    }
  },
};
