/** Whole-model checks once shapes are known: the task's output check, the task's losses, normalisation vs channels, loss vs last layer. */
import type { DiagnosticSink } from '../diagnostics';
import { DATASET_INFO, LOADABLE_CHANNELS, SHAPES_MIN_SIZE } from '../config/datasets';
import { DEFAULT_BEST_METRIC } from '../config/bestMetric';
import { DATASETS } from '../config/dataKeys';
import { resolveIncludedClasses } from '../config/includeClasses';
import { formatShape } from '../layers/arithmetic';
import type { ModelFileSpec } from '../parse/modelFile';
import type { TaskDefinition } from '../tasks/types';
import type { ImageFolderLayout } from '../config/imageFolder';
import type { DataConfig, FixEdit, Range, ResolvedLayer, Shape, TrainConfig } from '../types';

/**
 * Class names: as written, else the dataset's (when a data section names a known one; for imagefolder its class
 * folders when they could be listed), else "0".."n−1" from the output.
 */
export function resolveClasses(spec: ModelFileSpec, data: DataConfig, datasetNamed: boolean, output: Shape | undefined, folder: ImageFolderLayout | null | undefined, task?: TaskDefinition): string[] {
  if (spec.classes) return spec.classes.value;
  const known = !datasetNamed ? undefined : folder?.classes.length ? folder.classes : DATASET_INFO[data.dataset].classes;
  if (task?.classNames) return task.classNames(known, output) ?? [];
  if (known) return known;
  const n = output && output.length === 1 ? output[0] : 0;
  return Array.from({ length: Math.min(n, 100000) }, (_, i) => String(i));
}

/** The class names a model states, or undefined when they are only numbered ("0".."n−1": `classes: N` or none). */
export function namedClasses(classes: string[]): string[] | undefined {
  return classes.every((c, i) => c === String(i)) ? undefined : classes;
}

export interface ModelCheckInput {
  spec: ModelFileSpec;
  task: TaskDefinition;
  layers: ResolvedLayer[];
  output: Shape | undefined;
  classes: string[];
  data: DataConfig;
  train: TrainConfig;
  hasData: boolean;
  hasTrain: boolean;
  /** False when data.dataset names no dataset (reported already): dataset checks are skipped. */
  datasetKnown: boolean;
  /** imagefolder's class folders: undefined when not listed (no reader, no path), null when data.path is no folder. */
  folder: ImageFolderLayout | null | undefined;
  dataRange: Range;
  trainRange: Range;
  /** Range of a key (or its value) as written in the data or train section (`schedule.type` for nested keys). */
  keyRange(section: 'data' | 'train', key: string, part?: 'key' | 'value'): Range | undefined;
  /** Range of an argument as written in a layer, if it was written. */
  writtenRange(layer: ResolvedLayer, arg: string): Range | undefined;
  /** A fix deleting the layer's line, when it has one of its own. */
  removeLayer(layer: ResolvedLayer): FixEdit | undefined;
}

export function checkModel(m: ModelCheckInput, sink: DiagnosticSink): void {
  m.task.checkOutput(m, sink);
  checkTaskLoss(m, sink);
  checkBestMetric(m, sink);
  checkNormalize(m, sink);
  checkIncludedClasses(m, sink);
  checkLoss(m, sink);
  checkSettings(m, sink);
  checkDataSource(m, sink);
  checkLoadable(m, sink);
  noteConversion(m, sink);
}

/** A model that will be trained gets its images from a loader, which only produces what LOADABLE_CHANNELS etc. allow. */
function checkLoadable(m: ModelCheckInput, sink: DiagnosticSink): void {
  const input = m.spec.input;
  if (!(m.hasData || m.hasTrain) || !input || input.value.length !== 3) return;
  const [channels, height, width] = input.value;
  if (!LOADABLE_CHANNELS.includes(channels)) {
    sink.error('dataset-input', `input has ${channels} channels, but the dataset loaders give ${LOADABLE_CHANNELS.join(' or ')} (grey or RGB)`, input.range);
  }
  if (m.data.dataset === 'shapes' && (height < SHAPES_MIN_SIZE || width < SHAPES_MIN_SIZE)) {
    sink.error('dataset-input', `the shapes dataset draws images of at least ${SHAPES_MIN_SIZE}×${SHAPES_MIN_SIZE} pixels; input is ${height}×${width}`, input.range);
  }
}

/** Settings that only make sense together, as torch and the loaders require them. */
function checkSettings(m: ModelCheckInput, sink: DiagnosticSink): void {
  if (m.hasData && m.data.dataset === 'imagefolder' && !m.data.path) {
    sink.error('missing-key', 'dataset imagefolder needs data.path: the folder with one sub-folder of images per class', m.dataRange);
  }
  if (m.hasData && m.data.dataset === 'maskfolder' && !m.data.path) {
    sink.error('missing-key', 'dataset maskfolder needs data.path: the folder with images/ and masks/ (the same file names)', m.dataRange);
  }
  if (m.hasData && (m.data.dataset === 'yolofolder' || m.data.dataset === 'coco') && !m.data.path) {
    sink.error('missing-key', `dataset ${m.data.dataset} needs data.path: the folder with ${m.data.dataset === 'coco' ? 'annotations.json and its images' : 'images/ and labels/ (one .txt per image)'}`, m.dataRange);
  }
  if (m.hasData && m.datasetKnown && m.task.target !== 'boxes' && (m.data.dataset === 'yolofolder' || m.data.dataset === 'coco')) {
    sink.error('dataset-input', `dataset ${m.data.dataset} holds object boxes for task detection; task ${m.task.name} cannot train on it: add task: detection`, m.keyRange('data', 'dataset') ?? m.dataRange);
  }
  if (m.hasData && m.datasetKnown && m.task.target === 'mask' && !DATASET_INFO[m.data.dataset].masks) {
    const with_ = DATASETS.filter((d) => DATASET_INFO[d].masks).join(' or ');
    sink.error('dataset-input', `task segmentation trains on a mask per image, and ${m.data.dataset} has none: use dataset ${with_}`, m.keyRange('data', 'dataset') ?? m.dataRange);
  }
  if (m.hasData && m.datasetKnown && m.task.target === 'boxes' && !DATASET_INFO[m.data.dataset].boxes) {
    const with_ = DATASETS.filter((d) => DATASET_INFO[d].boxes).join(' or ');
    sink.error('dataset-input', `task detection trains on the objects' boxes, and ${m.data.dataset} has none: use dataset ${with_}`, m.keyRange('data', 'dataset') ?? m.dataRange);
  }
  if (m.hasData && m.datasetKnown && m.task.target !== 'mask' && m.data.dataset === 'maskfolder') {
    sink.error('dataset-input', `dataset maskfolder holds masks for task segmentation; task ${m.task.name} cannot train on it: add task: segmentation`, m.keyRange('data', 'dataset') ?? m.dataRange);
  }
  const t = m.train;
  for (const key of ['class_weights', 'ignore_index']) {
    const range = m.task.target !== 'mask' && m.keyRange('train', key);
    if (range) sink.warning('unused-setting', `train.${key} applies to task segmentation (a class per pixel); task ${m.task.name} does not use it`, range);
  }
  if (t.schedule?.type === 'step' && t.schedule.step_size === undefined) {
    sink.error('missing-key', 'schedule type step needs step_size (epochs between learning-rate decays)', m.trainRange);
  }
  if (t.nesterov && (t.optimizer !== 'sgd' || t.momentum === 0)) {
    sink.error('bad-value', 'nesterov needs optimizer sgd with a momentum > 0 (e.g. momentum: 0.9)', m.trainRange);
  }
  if (t.momentum > 0 && (t.optimizer === 'adam' || t.optimizer === 'adamw')) {
    sink.warning('unused-setting', `momentum is not used by ${t.optimizer} (its betas play that role): it applies to sgd and rmsprop`, m.trainRange);
  }
}

/** The loader converts images to the model's input; say so when the dataset's own shape differs. */
function noteConversion(m: ModelCheckInput, sink: DiagnosticSink): void {
  // shapes draws its images at the input's size and channels: nothing is converted.
  if (m.data.dataset === 'shapes') return;
  const stored = DATASET_INFO[m.data.dataset].shape;
  const input = m.spec.input?.value;
  // Only for otherwise sound files: after a typo in data.dataset this would describe the fallback dataset.
  if (sink.hasErrors || !m.hasData || !stored || !input || input.length !== 3 || formatShape(stored) === formatShape(input)) return;
  sink.add('info', 'dataset-converted', `${m.data.dataset} images are ${stored.join('×')}; they will be converted to the model's input ${input.join('×')}`, m.spec.input?.range ?? m.dataRange);
}

/**
 * Where the images come from: imagefolder's data.path must be a folder with class folders, and a model that
 * monitors the validation loss (early stopping, plateau schedule) needs a validation set.
 */
function checkDataSource(m: ModelCheckInput, sink: DiagnosticSink): void {
  const pathRange = m.keyRange('data', 'path') ?? m.dataRange;
  if (m.folder === null) sink.warning('image-folder', `data.path '${m.data.path}' is not a folder (a relative path starts at the model file's folder)`, pathRange);
  else if (m.folder && m.folder.classes.length === 0) sink.warning('image-folder', `${m.folder.classRoot} has no class folders: put the images of each class in a sub-folder named after it`, pathRange);
  else if (m.folder) checkClassFolders(m, m.folder, pathRange, sink);
  const split = m.keyRange('data', 'validation_split');
  if (!split || m.data.validation_split > 0 || !m.datasetKnown) return;
  // imagefolder may bring its own val/ folder: warn only when the folder was listed and has none.
  if (m.data.dataset === 'imagefolder' && (!m.folder || m.folder.hasValidation)) return;
  const fix = [{ title: 'Set validation_split to 0.1', range: m.keyRange('data', 'validation_split', 'value') ?? split, newText: '0.1' }];
  const why = 'validation_split is 0 and there is no validation set';
  const early = m.train.early_stopping && m.keyRange('train', 'early_stopping');
  if (early) sink.warning('no-validation', `early_stopping watches the validation loss, but ${why}: it would watch the training loss, which keeps falling as the model overfits`, early, fix);
  const best = m.train.best && m.train.best !== DEFAULT_BEST_METRIC && m.keyRange('train', 'best');
  if (best) sink.warning('no-validation', `train.best picks the epoch of the best ${m.train.best}, but ${why}: the best epoch would be the one of the lowest training loss`, best, fix);
  const plateau = m.train.schedule?.type === 'plateau' && m.keyRange('train', 'schedule');
  if (plateau) sink.warning('no-validation', `the plateau schedule watches the validation loss, but ${why}: it would watch the training loss instead`, plateau, fix);
}

/**
 * What training would stop or warn on, found by listing folders: a name of `classes:` without its folder, a class
 * folder `classes:` does not list (the loader matches them by name), class folders without images.
 */
function checkClassFolders(m: ModelCheckInput, folder: ImageFolderLayout, pathRange: Range, sink: DiagnosticSink): void {
  const names = m.spec.classes && namedClasses(m.spec.classes.value);
  if (names && m.spec.classes) {
    const missing = names.filter((n) => !folder.classes.includes(n));
    const extra = folder.classes.filter((f) => !names.includes(f));
    const problems = [
      ...(missing.length ? [`no folder for ${missing.join(', ')} (expected ${folder.classRoot}/${missing[0]}/)`] : []),
      ...(extra.length ? [`${extra.map((f) => `${folder.classRoot}/${f}`).join(', ')} not listed in classes:`] : []),
    ];
    // One warning for the whole mismatch: the loader matches folders to names and stops at either problem.
    if (problems.length) sink.warning('image-folder', `classes: does not match the class folders of ${folder.classRoot} (${folder.classes.join(', ')}): ${problems.join('; ')}; training would stop`, m.spec.classes.range);
  }
  const empty = folder.emptyClasses;
  if (empty.length) sink.warning('image-folder', `${empty.join(', ')} ${empty.length > 1 ? 'have' : 'has'} no PNG or JPEG images: ${empty.length > 1 ? 'those classes are' : 'that class is'} learnt or tested on nothing (accuracy null)`, pathRange);
}

/** Each task accepts some losses only (cross_entropy cannot compare two images). */
function checkTaskLoss(m: ModelCheckInput, sink: DiagnosticSink): void {
  if (!m.hasTrain || m.task.losses.includes(m.train.loss)) return;
  sink.error('loss-not-for-task', `loss ${m.train.loss} does not fit task ${m.task.name}: use ${m.task.losses.join(', ')}`, m.trainRange);
}

/** train.best must name a figure the task's validation pass reports (val_miou is segmentation's). */
function checkBestMetric(m: ModelCheckInput, sink: DiagnosticSink): void {
  const best = m.train.best;
  if (!best || m.task.metrics.includes(best)) return;
  const range = m.keyRange('train', 'best', 'value') ?? m.keyRange('train', 'best') ?? m.trainRange;
  const fixes = m.task.metrics.map((name) => ({ title: `Change to ${name}`, range, newText: name }));
  sink.error('best-not-for-task', `train.best: task ${m.task.name} does not report ${best}: use ${m.task.metrics.join(', ')}`, range, fixes);
}

function checkIncludedClasses(m: ModelCheckInput, sink: DiagnosticSink): void {
  const include = m.data.include_classes;
  if (!include || m.classes.length === 0) return;
  const resolved = resolveIncludedClasses(include, m.classes);
  if ('unknown' in resolved) {
    sink.error('unknown-class', `data.include_classes: ${JSON.stringify(resolved.unknown)} is not one of the ${m.classes.length} classes (${m.classes.join(', ')})`, m.dataRange);
  }
}

function checkNormalize(m: ModelCheckInput, sink: DiagnosticSink): void {
  const n = m.data.normalize;
  const channels = m.spec.input?.value[0];
  if (!n || channels === undefined || m.spec.input?.value.length !== 3) return;
  const wrong = (['mean', 'std'] as const).filter((key) => n[key].length !== channels && n[key].length !== 1);
  if (wrong.length) {
    const counts = wrong.map((key) => `${key} has ${n[key].length}`).join(' and ');
    sink.error('normalize-channels', `data.normalize: ${counts} values but the input has ${channels} channel(s): give one per channel`, m.dataRange);
  }
}

/** cross_entropy may be the task's default loss: a final Softmax is double whatever (or whoever) sets the loss. */
function checkLoss(m: ModelCheckInput, sink: DiagnosticSink): void {
  const last = m.layers[m.layers.length - 1];
  if (!last) return;
  if (m.train.loss === 'cross_entropy' && (last.type === 'Softmax' || last.type === 'LogSoftmax')) {
    const remove = m.removeLayer(last);
    const loss = m.hasTrain ? 'cross_entropy' : 'the default loss, cross_entropy,';
    sink.warning('double-softmax', `${loss} applies log-softmax itself: remove the final ${last.type} (or use loss: nll after LogSoftmax)`, last.range, remove ? [remove] : undefined);
  }
  if (m.hasTrain && m.train.loss === 'nll' && last.type !== 'LogSoftmax') {
    sink.warning('nll-needs-logsoftmax', 'loss nll expects log-probabilities: end the model with LogSoftmax(dim=1), or use cross_entropy', last.range);
  }
}
