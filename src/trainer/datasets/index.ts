/**
 * Loading a dataset for training: dispatch on data.dataset, fit the images to the model input [C, H, W],
 * carve the seeded validation split, cap the training samples. Everything after loading (batching,
 * augmentation, normalisation) lives in batches.ts.
 */
import { LOADABLE_CHANNELS, SHAPES_MIN_SIZE } from '../../model/config/datasets';
import { DATA_KEYS } from '../../model/config/dataKeys';
import { loadCifar10, CIFAR10_CLASSES } from './cifar10';
import { DatasetError, throwIfAborted } from './errors';
import { idxClasses, loadIdxDataset } from './idx';
import { resolveIncludedClasses } from '../../model/config/includeClasses';
import { capSet, splitSet, subset } from './imageset';
import { loadImageFolder } from './imagefolder';
import { loadMaskFolder } from './maskfolder';
import { loadCocoFolder } from './cocoFolder';
import { loadYoloFolder } from './yolofolder';
import { deriveSeed } from './random';
import { fitSet } from './resize';
import { applyStoredSteps, splitPipeline } from './storedTransforms';
import { legacyPipeline } from '../../model/transforms/legacy';
import type { DataPipeline } from '../../model/types';
import { generateShapeScenes, labelScenesByShape } from './shapeScenes';
import { generateShapes, SHAPE_CLASSES } from './shapes';
import { withBackground } from '../../model/tasks/segmentation';
import type { ImageSet, LoadedDataset, LoadOptions } from './types';

export { batchCount, batches, imageToFloat } from './batches';
export type { BatchOptions, Normalization } from './batches';
export { DatasetError } from './errors';
export { deriveSeed, permutation, Random } from './random';
export { SHAPE_CLASSES } from './shapes';
export type * from './types';

/** Share of an imagefolder without a test/ folder that is held out as the test set. */
export const IMAGEFOLDER_TEST_SPLIT = 0.2;
/** Default sizes of the generated shapes dataset. */
export const SHAPES_DEFAULTS = { train: DATA_KEYS.train_samples.default as number, test: DATA_KEYS.test_samples.default as number };

interface RawDataset {
  classes: string[];
  train: ImageSet;
  test: ImageSet;
  /** A validation set the source provides itself (imagefolder val/); otherwise it is split off train. */
  validation?: ImageSet;
  /** imagefolder: the training images stored with the test pipeline's first steps, to carve validation from. */
  trainForTest?: ImageSet;
  /** The pipelines' leading steps were applied when the images were decoded (imagefolder). */
  stored?: boolean;
  source: string;
}

/**
 * Loads the dataset named by options.data.dataset, fitted to options.input. Throws a DatasetError with an
 * actionable message when files are missing or damaged, or when the configuration cannot work.
 */
export async function loadDataset(options: LoadOptions): Promise<LoadedDataset> {
  checkOptions(options);
  throwIfAborted(options.signal);
  const pipeline = options.pipeline ?? legacyPipeline(options.data, [options.input[1], options.input[2]]);
  const { stored, batched } = splitPipeline(pipeline);
  const raw = await loadRaw({ ...options, pipeline });
  throwIfAborted(options.signal);
  options.onProgress?.(`Preparing ${options.data.dataset}`, 0.9);
  // Without data.transforms images are stretched to the input; with them, only channels are converted and the
  // pipeline's leading deterministic steps are applied (imagefolder applied them when decoding).
  const channels = options.input[0];
  const prepare = (set: ImageSet, split: 'train' | 'test'): ImageSet => {
    if (pipeline.fitToInput) return fitSet(set, options.input);
    const converted = fitSet(set, [channels, set.height, set.width]);
    return raw.stored ? converted : applyStoredSteps(converted, stored[split]);
  };
  // Split and cap before resizing, so that images that will not be used are never resized.
  const validationSeed = deriveSeed(options.seed, 'validation');
  const [rawRest, rawValidation] = raw.validation
    ? [raw.train, raw.validation]
    : [splitSet(raw.train, options.data.validation_split, validationSeed)[0], splitSet(raw.trainForTest ?? raw.train, options.data.validation_split, validationSeed)[1]];
  const included = includedClasses(options, raw.classes);
  const [cappedRest, cappedValidation] = capBoth(onlyClasses(rawRest, included), onlyClasses(rawValidation, included), options);
  const rest = withTargets(prepare(cappedRest, 'train'), options);
  const validation = withTargets(prepare(cappedValidation, 'test'), options);
  const test = withTargets(prepare(raw.test, 'test'), options);
  checkLabels(raw.classes, [rest, validation, test], raw.source);
  options.onProgress?.(`Loaded ${options.data.dataset}: ${rest.count} train, ${validation.count} validation, ${test.count} test`, 1);
  return { name: options.data.dataset, classes: labelNames(raw.classes, options.classes), train: rest, validation, test, source: raw.source, transforms: batched };
}

/**
 * maxTrainSamples caps training, and validation in the same proportion (3,000 of 54,000 training images would
 * otherwise be validated on 6,000 each epoch); the log says so. The test set is kept whole: it is the final report.
 */
function capBoth(train: ImageSet, validation: ImageSet, options: LoadOptions): [ImageSet, ImageSet] {
  const max = options.maxTrainSamples;
  if (max === undefined || max >= train.count) return [train, validation];
  const validationMax = Math.round((validation.count * max) / train.count);
  const capped: [ImageSet, ImageSet] = [capSet(train, max, deriveSeed(options.seed, 'cap')), capSet(validation, validationMax, deriveSeed(options.seed, 'cap-validation'))];
  options.onProgress?.(`--max-train-samples ${max}: training on ${capped[0].count} of ${train.count} images, validating on ${capped[1].count} of ${validation.count} (the same share)`);
  return capped;
}

async function loadRaw(options: LoadOptions & { pipeline: DataPipeline }): Promise<RawDataset> {
  const dataset = options.data.dataset;
  switch (dataset) {
    case 'shapes':
      return loadShapes(options);
    case 'mnist':
    case 'fashion-mnist': {
      const { train, test, folder } = await loadIdxDataset(dataset, options);
      return { classes: idxClasses(dataset), train, test, source: folder };
    }
    case 'cifar10': {
      const { train, test, folder } = await loadCifar10(options);
      return { classes: CIFAR10_CLASSES, train, test, source: folder };
    }
    case 'imagefolder':
      return loadFolder(options, loadImageFolder);
    case 'maskfolder':
      return loadFolder(options, loadMaskFolder);
    case 'yolofolder':
      return loadFolder(options, loadYoloFolder);
    case 'coco':
      return loadFolder(options, loadCocoFolder);
    default:
      throw new DatasetError(`Unknown dataset '${String(dataset)}' (expected shapes, mnist, fashion-mnist, cifar10, imagefolder, maskfolder, yolofolder or coco).`);
  }
}

/**
 * Masks and objects are kept for a task that trains on them (and must be there), dropped for the other tasks so their
 * batches do not carry them (nor move boxes through augmentation); without a target the sets stay as the dataset
 * made them.
 */
function withTargets(set: ImageSet, options: LoadOptions): ImageSet {
  if (options.target === undefined) return set;
  const { masks, objects, ...rest } = set;
  if (options.target === 'mask') {
    if (!masks && set.count > 0) throw new DatasetError(`${options.data.dataset} has no masks, and task segmentation trains on a class per pixel: use dataset shapes, or maskfolder (images/ and masks/ folders).`);
    return masks ? { ...rest, masks } : rest;
  }
  if (options.target === 'boxes') {
    if (!objects && set.count > 0) throw new DatasetError(`${options.data.dataset} has no object boxes, and detection trains on boxes: use dataset shapes, yolofolder or coco.`);
    return objects ? { ...rest, objects } : rest;
  }
  return rest;
}

function loadShapes(options: LoadOptions): RawDataset {
  const [channels, height, width] = options.input;
  const trainCount = options.data.train_samples ?? SHAPES_DEFAULTS.train;
  const testCount = options.data.test_samples ?? SHAPES_DEFAULTS.test;
  options.onProgress?.(`Generating ${trainCount + testCount} shapes images`, 0);
  // Capping before generating avoids drawing images that would be thrown away.
  const wanted = options.maxTrainSamples === undefined ? trainCount : Math.min(trainCount, Math.ceil(options.maxTrainSamples / (1 - options.data.validation_split)));
  if (options.target === 'mask' || options.target === 'boxes') {
    // Segmentation's mask classes start with the background; detection's boxes name the shapes only.
    const scenes = (count: number, split: string) => {
      const set = generateShapeScenes(count, height, width, channels, deriveSeed(options.seed, `shape-scenes-${split}`));
      return options.target === 'boxes' ? labelScenesByShape(set) : set;
    };
    return {
      classes: options.target === 'mask' ? withBackground(SHAPE_CLASSES) : [...SHAPE_CLASSES],
      train: scenes(wanted, 'train'),
      test: scenes(testCount, 'test'),
      source: 'generated',
    };
  }
  return {
    classes: [...SHAPE_CLASSES],
    train: generateShapes(wanted, height, width, channels, deriveSeed(options.seed, 'shapes-train')),
    test: generateShapes(testCount, height, width, channels, deriveSeed(options.seed, 'shapes-test')),
    source: 'generated',
  };
}

/** A folder dataset (imagefolder, maskfolder): the splits it lacks are carved from train (test: IMAGEFOLDER_TEST_SPLIT). */
async function loadFolder(options: LoadOptions & { pipeline: DataPipeline }, load: typeof loadImageFolder): Promise<RawDataset> {
  const steps = splitPipeline(options.pipeline).stored;
  const loaded = await load(options, options.pipeline.fitToInput ? undefined : steps);
  let { train, test } = loaded;
  let trainForTest = loaded.trainForTest;
  if (!test) {
    const seed = deriveSeed(options.seed, 'imagefolder-test');
    const evalSource = trainForTest ?? train;
    test = splitSet(evalSource, IMAGEFOLDER_TEST_SPLIT, seed)[1];
    if (trainForTest) trainForTest = splitSet(trainForTest, IMAGEFOLDER_TEST_SPLIT, seed)[0];
    train = splitSet(train, IMAGEFOLDER_TEST_SPLIT, seed)[0];
  }
  return { classes: loaded.classes, train, test, validation: loaded.validation, trainForTest, stored: !options.pipeline.fitToInput, source: loaded.folder };
}

/** Configuration the loaders cannot work with, reported before any file is read. */
function checkOptions(options: LoadOptions): void {
  const [channels, height, width] = options.input;
  if (!LOADABLE_CHANNELS.includes(channels)) throw new DatasetError(`The model input has ${channels} channels; datasets provide 1 (grayscale) or 3 (RGB).`);
  if (!(height >= 1 && width >= 1) || !Number.isInteger(height) || !Number.isInteger(width)) {
    throw new DatasetError(`The model input size ${height}×${width} is not a valid image size.`);
  }
  if (options.data.dataset === 'shapes' && (height < SHAPES_MIN_SIZE || width < SHAPES_MIN_SIZE)) {
    throw new DatasetError(`shapes needs an input of at least ${SHAPES_MIN_SIZE}×${SHAPES_MIN_SIZE} pixels (got ${height}×${width}).`);
  }
  const split = options.data.validation_split;
  if (!(split >= 0 && split < 1)) throw new DatasetError(`data.validation_split must be in [0, 1) (got ${split}).`);
  const norm = options.data.normalize;
  if (norm) {
    for (const [name, values] of [['mean', norm.mean], ['std', norm.std]] as const) {
      if (!Array.isArray(values) || (values.length !== 1 && values.length !== channels)) {
        throw new DatasetError(`data.normalize.${name} needs 1 or ${channels} values (one per input channel).`);
      }
    }
    if (norm.std.some((s) => !(s > 0))) throw new DatasetError('data.normalize.std values must be positive.');
  }
}

/** The file's names for a dataset's labels when it gives one per label (imagefolder has already matched them). */
function labelNames(datasetClasses: string[], fileClasses: string[] | undefined): string[] {
  return fileClasses && fileClasses.length === datasetClasses.length ? [...fileClasses] : datasetClasses;
}

/** data.include_classes as indices (null: every class); unknown names are a DatasetError. */
function includedClasses(options: LoadOptions, classes: string[]): Set<number> | null {
  const include = options.data.include_classes;
  if (!include) return null;
  const resolved = resolveIncludedClasses(include, classes);
  if ('unknown' in resolved) throw new DatasetError(`data.include_classes: ${JSON.stringify(resolved.unknown)} is not one of ${options.data.dataset}'s classes (${classes.join(', ')}).`);
  return new Set(resolved.indices);
}

/** The images of the included classes (train and validation of an anomaly detector see only "normal" classes). */
function onlyClasses(set: ImageSet, included: Set<number> | null): ImageSet {
  if (!included) return set;
  const keep: number[] = [];
  for (let i = 0; i < set.count; i++) if (included.has(set.labels[i])) keep.push(i);
  return subset(set, keep);
}

function checkLabels(classes: string[], sets: ImageSet[], source: string): void {
  for (const set of sets) {
    for (let i = 0; i < set.count; i++) {
      if (set.labels[i] >= classes.length) throw new DatasetError(`${source}: label ${set.labels[i]} is not one of the ${classes.length} classes.`, source);
    }
  }
}
