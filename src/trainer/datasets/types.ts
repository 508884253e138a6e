/**
 * The contract between datasets and the training loop. Pixels stay uint8 in memory (HWC, one image after
 * another); batches are normalised and augmented on the fly, as float32 NHWC for tfjs.
 */
import type { AugmentConfig, DataConfig, DataPipeline, TransformStep } from '../../model/types';
import type { ObjectBoxes } from './objectBoxes';

/** Images of one split: `count` images of height×width×channels uint8 pixels, HWC order. */
export interface ImageSet {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
  /**
   * Per-image masks, uint8 class index per pixel (H×W each): shapes always keeps them (0 = background, shape class + 1);
   * task segmentation trains on them (then a value of its ignore index counts nowhere). Boxes: shapes only.
   */
  masks?: Uint8Array;
  boxes?: Float32Array;
  /** Detection: each image's objects (class and box in pixels); shapes scenes have them. */
  objects?: ObjectBoxes;
  /**
   * Feature caching (engine/featureCache.ts): a frozen backbone's output per image, height × width × channels floats
   * (NHWC) each, which batches take as they are (no pipeline) instead of `images`.
   */
  features?: Float32Array;
}

export interface LoadedDataset {
  name: string;
  classes: string[];
  train: ImageSet;
  /** Carved out of train with the seeded validation_split. */
  validation: ImageSet;
  test: ImageSet;
  /** Where the files came from (a folder, 'generated', …), for the run's summary and the log. */
  source: string;
  /** The pipelines' steps left for batching (the leading ones were applied when the images were stored). */
  transforms: { train: TransformStep[]; test: TransformStep[] };
}

export interface LoadOptions {
  /** The model's input [C, H, W]: images are converted to its channels (and stretched to its size without data.transforms). */
  input: [number, number, number];
  data: DataConfig;
  /** The model file's pipelines (analysis.pipeline); default: the one data.augment / data.normalize stand for. */
  pipeline?: DataPipeline;
  seed: number;
  /**
   * Class names the model file lists (`classes:`), in label order; absent when it only numbers them. imagefolder
   * maps its class folders to them by name; the other datasets take them as their labels' names.
   */
  classes?: string[];
  /**
   * What the task trains on (src/model/tasks target): 'mask' makes shapes draw scenes of several shapes with their
   * masks (classes background + the shapes) and keeps the masks of every split; 'boxes' (detection) draws the same
   * scenes and keeps each image's objects (classes: the shapes); 'label' and 'image' drop masks and objects;
   * absent: the sets keep what the dataset made.
   */
  target?: 'label' | 'image' | 'mask' | 'boxes';
  /** maskfolder without named classes: how many classes its masks index (the model's output maps). */
  maskClasses?: number;
  /** Folders to search after data.path (e.g. the workspace). */
  searchPaths?: string[];
  /** Cache folder for downloads and decoded imagefolder data. */
  cacheDir?: string;
  /** Cap the number of training samples (CLI --max-train-samples). */
  maxTrainSamples?: number;
  /** Largest image (pixels) decoded; default $CNNLAB_MAX_IMAGE_PIXELS or 100 megapixels (see imageLimits.ts). */
  maxImagePixels?: number;
  onProgress?: (message: string, fraction?: number) => void;
  /** Surprises in the data that do not stop training (e.g. a class without images). */
  onWarning?: (message: string) => void;
  signal?: AbortSignal;
  /** Folder a relative data.path is resolved against (the model file's folder); default the working directory. */
  baseDir?: string;
  /** Whether missing mnist / fashion-mnist / cifar10 files may be downloaded into cacheDir. Default true. */
  download?: boolean;
  /** Folder of system-wide datasets searched before the cache; default /usr/share/datasets (Debian's dataset-* packages). */
  systemDir?: string;
  /** The HTTP client for downloads; default the global fetch (tests pass a fake one). */
  fetch?: FetchLike;
}

/** The part of the fetch API the downloader uses. */
export type FetchLike = (url: string, init: { signal?: AbortSignal }) => Promise<FetchResponse>;

export interface FetchResponse {
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  body: AsyncIterable<Uint8Array> | null;
}

/** A batch ready for the model: float32 NHWC pixels after augmentation and normalisation. */
export interface Batch {
  x: Float32Array;
  /** Class indices. */
  y: Int32Array;
  size: number;
  /**
   * Task segmentation: the class index of every pixel (N×H×W bytes, the ignore index for pixels that count nowhere),
   * moved by the same geometric augmentation as x (nearest neighbour).
   */
  masks?: Uint8Array;
  /** With input noise: the clean images (augmented and normalised like x, without the noise); x holds the noisy ones. */
  clean?: Float32Array;
  /** Detection: each image's objects, boxes in pixels of x, moved by the same geometric augmentation. */
  objects?: ObjectBoxes;
  /** Geometry of each image of x (the pipeline may change it from the stored images'). */
  height: number;
  width: number;
  channels: number;
}

export type { AugmentConfig };
