/** What the core knows about each built-in dataset: its natural input shape and class names. */
import type { DatasetName } from '../types';

/** Channel counts the dataset loaders produce: grey (1) or RGB (3). The trainer's loader imports this limit. */
export const LOADABLE_CHANNELS: readonly number[] = [1, 3];

/** Smallest height and width the shapes generator can draw into. The trainer's loader imports this limit. */
export const SHAPES_MIN_SIZE = 8;

export interface DatasetInfo {
  /** [C, H, W] of the stored images (the loader converts to the model's input). */
  shape: [number, number, number] | undefined;
  classes: string[] | undefined;
  doc: string;
  /** Whether it has a mask per image (task segmentation); shapes draws scenes of several shapes for it. */
  masks: boolean;
  /** Whether it has object boxes per image (task detection); shapes draws scenes of several shapes for it. */
  boxes?: boolean;
}

export const DATASET_INFO: Record<DatasetName, DatasetInfo> = {
  shapes: {
    shape: [1, 32, 32],
    // Label order of the generator (src/trainer/datasets/shapes.ts draws class i as classes[i]).
    classes: ['circle', 'square', 'triangle', 'cross', 'ring'],
    doc: 'Synthetic images of simple shapes drawn on the fly (no download): trains in seconds, ideal to try things out. For task segmentation: scenes of 2–3 separate shapes with their masks (classes background + the five shapes); for task detection the same scenes with each shape\'s box (classes: the five shapes).',
    masks: true,
    boxes: true,
  },
  mnist: { shape: [1, 28, 28], classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], doc: 'Handwritten digits, 28×28 grey, 60,000 training and 10,000 test images.', masks: false },
  'fashion-mnist': {
    shape: [1, 28, 28],
    classes: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    doc: "Zalando's clothing images, a harder drop-in replacement for MNIST: 28×28 grey, 10 classes.",
    masks: false,
  },
  cifar10: {
    shape: [3, 32, 32],
    classes: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'],
    doc: '32×32 colour photos of 10 classes, 50,000 training and 10,000 test images.',
    masks: false,
  },
  imagefolder: { shape: undefined, classes: undefined, doc: 'Your own images: one sub-folder per class under data.path (train/ and test/ optional).', masks: false },
  maskfolder: {
    shape: undefined,
    classes: undefined,
    doc: 'Your own segmentation data (task segmentation): data.path holds images/ and masks/ with the same file names (train/, val/ and test/ optional, each with both); masks are PNGs of class indices, grey or palette as PASCAL VOC writes them; classes: names the indices.',
    masks: true,
  },
  yolofolder: {
    shape: undefined,
    classes: undefined,
    doc: 'Your own detection data (task detection) in YOLO format: data.path holds images/ and labels/ (one NAME.txt per image, a `class cx cy w h` line per object, fractions of the image size; train/, val/ and test/ optional, each with both); classes: or classes.txt names the class indices.',
    masks: false,
    boxes: true,
  },
  coco: {
    shape: undefined,
    classes: undefined,
    doc: 'Your own detection data (task detection) with COCO annotations: data.path holds annotations.json (images, categories, annotations with bbox [x, y, w, h] in pixels) and the images at their file_name (or in images/); train/, val/ and test/ optional, each with both. Classes are the categories sorted by id.',
    masks: false,
    boxes: true,
  },
};
