/** `task: classification` (the default): one score per class, cross-entropy and accuracy. */
import { formatShape } from '../layers/arithmetic';
import type { FixEdit } from '../types';
import { namedClasses } from '../infer/modelChecks';
import type { TaskDefinition } from './types';

export const classificationTask: TaskDefinition = {
  name: 'classification',
  doc: 'One label per image: the model outputs one score per class; metrics are accuracy, per-class accuracy and the confusion matrix.',
  losses: ['cross_entropy', 'nll', 'mse', 'bce'],
  defaultLoss: 'cross_entropy',
  target: 'label',
  views: { epochChart: 'accuracy', results: 'confusion', epochSamples: false },
  metrics: ['val_loss', 'val_accuracy'],
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
    const folders = m.folder?.classes.length ? m.folder : undefined;
    // A misspelt dataset (reported already) leaves only the classes as written to compare with.
    if (!m.spec.classes && (!m.datasetKnown || (m.data.dataset === 'imagefolder' && !folders))) return;
    let count = m.classes.length;
    let where = m.spec.classes ? 'classes lists' : folders ? `${folders.classRoot} has` : `${m.data.dataset} has`;
    if (m.output[0] === count && m.spec.classes && folders && folders.classes.length !== count && !namedClasses(m.spec.classes.value)) {
      // A number of classes that matches the output but not the folders the images come from (names are matched to
      // the folders by name, in the data checks).
      [count, where] = [folders.classes.length, `${folders.classRoot} has`];
    }
    if (m.output[0] === count) return;
    const what = folders && where === `${folders.classRoot} has` ? `${count} class folders (${folders.classes.join(', ')})` : `${count} classes`;
    const fixes: FixEdit[] = [];
    const outFeatures = last.type === 'Linear' ? m.writtenRange(last, 'out_features') : undefined;
    if (outFeatures) fixes.push({ title: `Set out_features to ${count}`, range: outFeatures, newText: String(count) });
    sink.warning('classes-mismatch', `The last layer outputs ${m.output[0]} values but ${where} ${what}`, last.range, fixes);
  },
};
