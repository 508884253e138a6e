/** `task: classification` (the default): one score per class, cross-entropy and accuracy. */
import { formatShape } from '../layers/arithmetic';
import type { FixEdit } from '../types';
import type { TaskDefinition } from './types';

export const classificationTask: TaskDefinition = {
  name: 'classification',
  doc: 'One label per image: the model outputs one score per class; metrics are accuracy, per-class accuracy and the confusion matrix.',
  losses: ['cross_entropy', 'nll', 'mse', 'bce'],
  defaultLoss: 'cross_entropy',
  views: { accuracyChart: true, results: 'confusion' },
  checkOutput(m, sink) {
    const last = m.layers[m.layers.length - 1];
    if (!last || !m.output || m.output.length === 0) return;
    // A file with only input and layers may be a fragment (a backbone, a decoder): only trained models must classify.
    const explicit = m.spec.classes !== undefined || m.hasData || m.hasTrain;
    if (!explicit) return;
    if (m.output.length !== 1) {
      sink.warning('output-not-vector', `The model outputs ${formatShape(m.output)} per image, not one score per class: end with Flatten() and Linear(…, ${m.classes.length || 'n_classes'})`, last.range);
      return;
    }
    if (m.output[0] === m.classes.length) return;
    const where = m.spec.classes ? 'classes lists' : `${m.data.dataset} has`;
    const fixes: FixEdit[] = [];
    const outFeatures = last.type === 'Linear' ? m.writtenRange(last, 'out_features') : undefined;
    if (outFeatures) fixes.push({ title: `Set out_features to ${m.classes.length}`, range: outFeatures, newText: String(m.classes.length) });
    sink.warning('classes-mismatch', `The last layer outputs ${m.output[0]} values but ${where} ${m.classes.length} classes`, last.range, fixes);
  },
};
