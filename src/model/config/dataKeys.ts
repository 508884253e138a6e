/** The `data:` section: its keys (single source of truth for completion and hovers) and its defaults. */
import type { DataConfig, DatasetName } from '../types';
import type { ConfigObject, SectionSchema } from './schema';

export const DATASETS: readonly DatasetName[] = ['shapes', 'mnist', 'fashion-mnist', 'cifar10', 'imagefolder', 'maskfolder', 'yolofolder', 'coco'];

export const DATA_KEYS: SectionSchema = {
  dataset: { type: 'enum', values: DATASETS, default: 'shapes', doc: 'Which images to train on: shapes (synthetic, no download), mnist, fashion-mnist, cifar10, imagefolder (your own, one folder per class) maskfolder (your own segmentation data: images/ and masks/ with the same file names), yolofolder (your own detection data: images/ and labels/ in YOLO format) or coco (detection data with COCO annotations.json).' },
  path: { type: 'string', doc: 'Folder to look in first for the dataset files (or the image folder for imagefolder, maskfolder, yolofolder and coco); a relative path is relative to the model file’s folder.' },
  validation_split: { type: 'number', min: 0, max: 0.9, default: 0.1, doc: 'Fraction of the training images held out to measure generalisation after each epoch.' },
  normalize: {
    type: 'object',
    doc: 'Per-channel normalisation x → (x − mean)/std applied to pixels in [0, 1], as transforms.Normalize.',
    keys: {
      mean: { type: 'numbers', required: true, doc: 'One mean per input channel, e.g. [0.5].' },
      std: { type: 'numbers', required: true, min: 1e-12, doc: 'One standard deviation per input channel, e.g. [0.5].' },
    },
  },
  augment: {
    type: 'object',
    doc: 'Random changes to training images (never to validation/test images) so the network sees more variety and overfits less.',
    keys: {
      horizontal_flip: { type: 'bool', default: false, doc: 'Mirror half of the images left-right (fine for clothes and objects, wrong for digits).' },
      random_crop: {
        type: 'object',
        doc: 'Pad the image, then crop a random window of the original size: small random shifts.',
        keys: { padding: { type: 'int', min: 0, max: 16, required: true, doc: 'Pixels of padding on each side before cropping.' } },
      },
      random_affine: {
        type: 'object',
        doc: 'Random rotation, translation and scaling.',
        keys: {
          degrees: { type: 'number', min: 0, max: 180, doc: 'Maximum rotation in degrees (both directions).' },
          translate: { type: 'pair', min: 0, max: 1, doc: 'Maximum shift as fractions of width and height, e.g. [0.1, 0.1].' },
          scale: { type: 'pair', min: 0.1, max: 10, doc: 'Range of zoom factors, e.g. [0.9, 1.1].' },
        },
      },
      color_jitter: {
        type: 'object',
        doc: 'Random brightness and contrast changes.',
        keys: {
          brightness: { type: 'number', min: 0, max: 1, doc: 'Maximum relative brightness change, e.g. 0.2.' },
          contrast: { type: 'number', min: 0, max: 1, doc: 'Maximum relative contrast change, e.g. 0.2.' },
        },
      },
    },
  },
  include_classes: { type: 'labels', doc: 'Train and validate on these classes only (names or indices); the test set keeps every class, so a reconstruction model can flag the others as anomalies.' },
  noise: {
    type: 'object',
    doc: 'Noise on the model’s input only, the target stays the clean image (task reconstruction: a denoising autoencoder). Applied to training, validation and test inputs, seeded.',
    keys: {
      gaussian: { type: 'number', min: 0, max: 1, doc: 'Standard deviation of Gaussian noise added to pixels in [0, 1] (clipped back to [0, 1]), e.g. 0.3.' },
      salt_and_pepper: { type: 'number', min: 0, max: 1, doc: 'Fraction of pixels set to black or white (half each), e.g. 0.1.' },
      random_erasing: { type: 'number', min: 0, max: 1, doc: 'Probability of blacking out one random rectangle (2–33 % of the image), as torchvision’s RandomErasing.' },
    },
  },
  transforms: {
    type: 'object',
    doc: 'The preprocessing, as torchvision pipelines: `train` for training images, `test` for validation and test images, each a list of transforms in call syntax, e.g. [RandomCrop(32, padding=4), RandomHorizontalFlip(), Normalize((0.5,), (0.5,))]. With transforms, images keep their size and the pipelines must give `input`\'s height and width. Replaces augment and normalize.',
    keys: {
      train: { type: 'pipeline', doc: 'Transforms applied to every training image, in order, with fresh random choices at each epoch.' },
      test: { type: 'pipeline', doc: 'Transforms applied to validation and test images. Default: the train pipeline without its random transforms.' },
    },
  },
  train_samples: { type: 'int', min: 1, default: 6000, doc: 'shapes only: number of training images to generate.' },
  test_samples: { type: 'int', min: 1, default: 1000, doc: 'shapes only: number of test images to generate.' },
};

/** Applies the defaults to what the section says (already validated against DATA_KEYS). */
export function toDataConfig(read: ConfigObject): DataConfig {
  const config: DataConfig = {
    dataset: (read.dataset as DatasetName | undefined) ?? 'shapes',
    validation_split: (read.validation_split as number | undefined) ?? 0.1,
  };
  if (read.path !== undefined) config.path = read.path as string;
  const normalize = read.normalize as ConfigObject | undefined;
  if (normalize?.mean && normalize.std) config.normalize = { mean: normalize.mean as number[], std: normalize.std as number[] };
  if (read.augment) config.augment = read.augment as DataConfig['augment'];
  if (read.include_classes !== undefined) config.include_classes = read.include_classes as Array<string | number>;
  if (read.noise) config.noise = read.noise as DataConfig['noise'];
  if (read.train_samples !== undefined) config.train_samples = read.train_samples as number;
  if (read.test_samples !== undefined) config.test_samples = read.test_samples as number;
  return config;
}
