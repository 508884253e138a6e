/**
 * The contract of the pure model core: what a `*.cnn.yaml` file says (…Spec, with source ranges)
 * and what it means once defaults are applied and shapes inferred (…Args, ResolvedLayer, ModelAnalysis).
 * No vscode, tfjs or DOM imports here: the CLI, the trainer worker and the editor all consume these types.
 */
import type { NamedBlock } from './namedBlocks';
import type { TaskName } from './tasks/types';
import type { BestMetric } from './config/bestMetric';

export type { TaskName } from './tasks/types';

/** Zero-based position, as LSP and VS Code use it. */
export interface Position {
  line: number;
  character: number;
}

/** Half-open source range [start, end). */
export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info';

/** A quick fix the editor can offer: replace the text at `range` with `newText`. */
export interface FixEdit {
  title: string;
  range: Range;
  newText: string;
}

export interface Diagnostic {
  severity: Severity;
  message: string;
  range: Range;
  /** Stable machine-readable code, e.g. 'in-features-mismatch', 'unknown-layer'. */
  code: string;
  /** Edits that resolve the problem, when the core knows them. */
  fixes?: FixEdit[];
}

/** A Python literal as PyTorch code writes it, parsed: ints/floats → number, tuples/lists → arrays. */
export type PyValue = number | string | boolean | null | PyValue[];

/** Per-sample tensor shape in PyTorch order, without the batch dimension: [C, H, W] or [F]. */
export type Shape = number[];

export type LayerType =
  | 'Conv2d'
  | 'ConvTranspose2d'
  | 'MaxPool2d'
  | 'AvgPool2d'
  | 'AdaptiveAvgPool2d'
  | 'AdaptiveMaxPool2d'
  | 'BatchNorm2d'
  | 'BatchNorm1d'
  | 'Dropout'
  | 'Dropout2d'
  | 'ReLU'
  | 'LeakyReLU'
  | 'ELU'
  | 'ReLU6'
  | 'GELU'
  | 'SiLU'
  | 'Mish'
  | 'Hardswish'
  | 'Hardsigmoid'
  | 'PReLU'
  | 'Sigmoid'
  | 'Tanh'
  | 'Softmax'
  | 'LogSoftmax'
  | 'Flatten'
  | 'Unflatten'
  | 'Linear'
  | 'Upsample'
  | 'SqueezeExcitation'
  | 'StochasticDepth'
  | 'DetectionHead';

export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/** Resolved arguments per layer type: torch.nn's names and defaults, pairs expanded to [h, w]. */
export interface Conv2dArgs {
  in_channels: number;
  out_channels: number;
  kernel_size: [number, number];
  /** Default [1, 1]. */
  stride: [number, number];
  /** Explicit per-side padding [h, w], after resolving 'same' (torch pads asymmetrically for even kernels; see padSame). */
  padding: [number, number];
  /** 'same' padding may be asymmetric: extra row/column at the bottom/right, as torch does. */
  paddingExtra: [number, number];
  /** Default [1, 1]. */
  dilation: [number, number];
  /** Default 1. */
  groups: number;
  /** Default true. */
  bias: boolean;
  /** Default 'zeros'. */
  padding_mode: PaddingMode;
}

export interface ConvTranspose2dArgs {
  in_channels: number;
  out_channels: number;
  kernel_size: [number, number];
  stride: [number, number];
  padding: [number, number];
  output_padding: [number, number];
  groups: number;
  bias: boolean;
  dilation: [number, number];
}

export interface Pool2dArgs {
  kernel_size: [number, number];
  /** Defaults to kernel_size. */
  stride: [number, number];
  padding: [number, number];
  /** MaxPool2d only; 1 for AvgPool2d. */
  dilation: [number, number];
  ceil_mode: boolean;
  /** AvgPool2d only (default true). */
  count_include_pad: boolean;
  /** AvgPool2d only: divide each window's sum by this instead of the window size; null (the default, and always for MaxPool2d) divides by the window size. */
  divisor_override?: number | null;
}

export interface AdaptivePool2dArgs {
  /** null in a position keeps the input size there, as torch allows. Resolved to numbers here. */
  output_size: [number, number];
}

export interface BatchNormArgs {
  num_features: number;
  eps: number;
  momentum: number;
  affine: boolean;
  track_running_stats: boolean;
}

export interface DropoutArgs {
  p: number;
  inplace: boolean;
}

export interface LinearArgs {
  in_features: number;
  out_features: number;
  bias: boolean;
}

export interface FlattenArgs {
  start_dim: number;
  end_dim: number;
}

export interface UnflattenArgs {
  /** The dimension to split (with the batch as dimension 0, as torch counts); default 1. */
  dim: number;
  /** The sizes it is split into, e.g. [32, 7, 7]. */
  unflattened_size: number[];
}

export interface UpsampleArgs {
  /** Resolved output size [h, w]. */
  size: [number, number];
  scale_factor: [number, number] | null;
  mode: 'nearest' | 'bilinear';
  align_corners: boolean;
}

export interface ActivationArgs {
  /** LeakyReLU negative_slope (default 0.01); ELU alpha (default 1.0). */
  negative_slope?: number;
  alpha?: number;
  /** GELU: 'none' (exact, with erf; default) or 'tanh' (the tanh approximation). */
  approximate?: 'none' | 'tanh';
  /** PReLU: learnable slopes, 1 (shared) or one per channel (default 1), initialised to init (default 0.25). */
  num_parameters?: number;
  init?: number;
  /** Softmax / LogSoftmax dim (default 1 with a batch, i.e. features). */
  dim?: number;
  inplace?: boolean;
}

/** torchvision.ops.SqueezeExcitation: fc1 (C → squeeze_channels), activation, fc2 (→ C), scale_activation. */
export interface ExcitationArgs {
  input_channels: number;
  squeeze_channels: number;
  /** Default 'ReLU'. */
  activation: 'ReLU' | 'ReLU6' | 'SiLU' | 'Hardswish';
  /** Default 'Sigmoid'. */
  scale_activation: 'Sigmoid' | 'Hardsigmoid';
}

/** torchvision.ops.StochasticDepth. */
export interface StochasticDepthArgs {
  /** Probability of zeroing the branch in training. */
  p: number;
  /** 'row' (default): per sample; 'batch': the whole batch at once. */
  mode: 'row' | 'batch';
}

/** The detection head (task detection, single-level FCOS): a 3×3 convolution to num_classes + 5 maps. */
export interface DetectionHeadArgs {
  in_channels: number;
  num_classes: number;
  /** Decoding (postprocess.ts's DecodeOptions, torchvision FCOS's names): candidates must score above this. Default 0.05. */
  score_thresh: number;
  /** Class-aware NMS IoU threshold. Default 0.6. */
  nms_thresh: number;
  /** Candidates kept before NMS. Default 1000. */
  topk_candidates: number;
  /** Detections kept per image. Default 100. */
  detections_per_img: number;
}

/** Arguments after defaults and inference, keyed by layer type. */
export type LayerArgs =
  | Conv2dArgs
  | ConvTranspose2dArgs
  | Pool2dArgs
  | AdaptivePool2dArgs
  | BatchNormArgs
  | DropoutArgs
  | LinearArgs
  | FlattenArgs
  | UnflattenArgs
  | UpsampleArgs
  | ExcitationArgs
  | StochasticDepthArgs
  | DetectionHeadArgs
  | ActivationArgs;

/** One layer after analysis. */
export interface ResolvedLayer {
  /** 1-based position among all layers in file order (repeat-expanded). */
  index: number;
  type: LayerType;
  /** Resolved arguments (see the …Args interfaces); use the narrowing helpers of `layers` to read them. */
  args: LayerArgs;
  /** Source range of the whole layer item. */
  range: Range;
  /** The layer as written, normalised to PyTorch call syntax, e.g. "Conv2d(1, 16, kernel_size=3, padding=1)". */
  text: string;
  inputShape: Shape;
  outputShape: Shape;
  params: number;
  trainableParams: number;
  /** Non-trainable state (BatchNorm running mean/var). */
  buffers: number;
  /** Multiply-accumulates for one sample. */
  macs: number;
  /**
   * Receptive field of one output value: how many input pixels (per dimension, the larger) can influence it. The
   * theoretical field grows through padding beyond the image; it is clamped to the input size, so a Linear layer or a
   * global adaptive pool reports exactly the input's extent. Flatten keeps the field of its input (a reshape mixes
   * nothing). `jump`: input pixels between adjacent outputs.
   */
  receptiveField: number;
  jump: number;
  /** Id of the graph node this layer belongs to (for residual/repeat blocks). */
  path: string;
  /**
   * The layer's module name as PyTorch names it (`layer1.0.conv1`, `features.3`): its parameters are
   * `<module>.weight`… in torch's state_dict. From the names written (`conv1: Conv2d(…)`, `layer1: [...]`) and the
   * positions of unnamed items, as nn.Sequential numbers them.
   */
  module: string;
  /** Where the module name is written, when it is. */
  moduleRange?: Range;
  /** Named by `train.freeze`: its weights stay as they are (trainableParams 0) and it trains in evaluation mode. */
  frozen?: boolean;
  /** `train.lr_multipliers`: the factor of the learning rate for this layer's parameters (absent: 1). */
  lrMultiplier?: number;
}

/** A `concat` / `add` / `multiply` of named outputs after analysis. */
export interface ResolvedMerge {
  op: 'concat' | 'add' | 'multiply';
  range: Range;
  /** The names as written and the shapes they had there. */
  inputs: Array<{ name: string; shape: Shape }>;
  /** Empty when unknown (an error here or earlier). */
  outputShape: Shape;
  /** Multiply-accumulates for one sample (elementwise ops: one per output value and extra input). */
  macs: number;
  receptiveField: number;
}

/**
 * The graph, run in order over one current tensor: layers, residual blocks, repeats (already expanded). Named
 * outputs live in numbered slots (slot 0 is the model's input): `store` keeps the current tensor in a slot, `load`
 * makes a slot's tensor current (`from:`), `merge` joins slots into the current tensor.
 */
export type GraphNode =
  | { kind: 'layer'; layer: ResolvedLayer }
  | { kind: 'residual'; range: Range; body: GraphNode[]; projection: GraphNode[]; outputShape: Shape }
  | { kind: 'store'; slot: number; name: string }
  | { kind: 'load'; slot: number; name: string }
  | { kind: 'merge'; merge: ResolvedMerge; slots: number[] };

/** torchvision.transforms classes a data pipeline may use (data.transforms.train / test). */
export type TransformType =
  | 'Resize'
  | 'CenterCrop'
  | 'RandomCrop'
  | 'RandomResizedCrop'
  | 'RandomHorizontalFlip'
  | 'RandomVerticalFlip'
  | 'RandomRotation'
  | 'RandomAffine'
  | 'ColorJitter'
  | 'RandomGrayscale'
  | 'GaussianBlur'
  | 'RandomErasing'
  | 'RandAugment'
  | 'TrivialAugmentWide'
  | 'Normalize'
  | 'ToTensor';

/** [height, width] of the images at one point of a pipeline; undefined where they differ from image to image. */
export type ImageSize = [number, number] | undefined;

/** One transform with every argument resolved (torchvision's defaults applied): what the trainer runs. */
export interface TransformStep {
  type: TransformType;
  args: Record<string, PyValue>;
}

/** A transform after analysis: its call text, where it is written and the image sizes around it. */
export interface ResolvedTransform extends TransformStep {
  /** torchvision call syntax, e.g. "RandomCrop(32, padding=4)". */
  text: string;
  /** Where it is written; absent for steps that stand for `augment` / `normalize` keys or a derived test pipeline. */
  range?: Range;
  inputSize: ImageSize;
  outputSize: ImageSize;
}

/** The preprocessing of a model: one pipeline for training images, one for validation and test images. */
export interface DataPipeline {
  train: ResolvedTransform[];
  test: ResolvedTransform[];
  /**
   * True when the file has no data.transforms: images are stretched to `input` when loaded, and `augment` /
   * `normalize` are sugar for the pipelines. False: images keep their size and the pipelines decide it.
   */
  fitToInput: boolean;
  /** The test pipeline was not written: it is the training pipeline without its random transforms. */
  testDerived: boolean;
}

export type DatasetName = 'shapes' | 'mnist' | 'fashion-mnist' | 'cifar10' | 'imagefolder' | 'maskfolder' | 'yolofolder' | 'coco';

export interface AugmentConfig {
  horizontal_flip?: boolean;
  /** Random crop after padding by this many pixels. */
  random_crop?: { padding: number };
  random_affine?: { degrees?: number; translate?: [number, number]; scale?: [number, number] };
  color_jitter?: { brightness?: number; contrast?: number };
}

/** Input corruption for denoising, in [0, 1] pixel units, seeded like augmentation. */
export interface NoiseConfig {
  /** Standard deviation of added Gaussian noise (result clipped to [0, 1]). */
  gaussian?: number;
  /** Fraction of pixels set to 0 or 1 (half each). */
  salt_and_pepper?: number;
  /** Probability of erasing one random rectangle (2–33 % of the image, aspect 0.3–3.3, as torchvision's RandomErasing) to 0. */
  random_erasing?: number;
}

export interface DataConfig {
  /** Default 'shapes'. */
  dataset: DatasetName;
  /** Folder to look in first (mnist, fashion-mnist, cifar10, imagefolder). */
  path?: string;
  /** Default 0.1. */
  validation_split: number;
  normalize?: { mean: number[]; std: number[] };
  augment?: AugmentConfig;
  /** Train and validate on these classes only (names or indices); the test set keeps every class (anomaly detection). */
  include_classes?: Array<string | number>;
  /** Noise on the model's input only (the reconstruction target stays clean): denoising. */
  noise?: NoiseConfig;
  /** shapes only: how many train/test samples to generate (defaults 6000 / 1000). */
  train_samples?: number;
  test_samples?: number;
}

export type OptimizerName = 'sgd' | 'adam' | 'adamw' | 'rmsprop';
export type LossName = 'cross_entropy' | 'nll' | 'mse' | 'bce' | 'l1' | 'bce_with_logits' | 'dice' | 'cross_entropy_dice' | 'fcos';

export interface ScheduleConfig {
  type: 'step' | 'cosine' | 'plateau';
  step_size?: number;
  gamma?: number;
  patience?: number;
  factor?: number;
  min_lr?: number;
}

export interface TrainConfig {
  /** Default 10. */
  epochs: number;
  /** Default 64. */
  batch_size: number;
  /** Default 'adam'. */
  optimizer: OptimizerName;
  /** Default 0.001 (adam/adamw/rmsprop), 0.01 (sgd). */
  lr: number;
  momentum: number;
  nesterov: boolean;
  weight_decay: number;
  /** Default: the task's default loss (cross_entropy for classification). */
  loss: LossName;
  /** cross_entropy (also in cross_entropy_dice): one weight per class, as torch's CrossEntropyLoss(weight=…); absent: equal. */
  class_weights?: number[];
  /** task segmentation: the mask value whose pixels count in no loss and no metric (CrossEntropyLoss's ignore_index). Default 255. */
  ignore_index: number;
  early_stopping?: { patience: number; min_delta?: number };
  /** What picks the best epoch and what early stopping watches (its direction follows from it). Absent: val_loss. */
  best?: BestMetric;
  schedule?: ScheduleConfig;
  /** Default 42. */
  seed: number;
  /** `train.stages`, resolved: consecutive trainings (epochs then add up to `epochs`). */
  stages?: TrainingStage[];
}

/** One stage of `train.stages`: its epochs, its learning rate and the layers (ResolvedLayer.index) it freezes. */
export interface TrainingStage {
  epochs: number;
  lr: number;
  frozen: number[];
}

export interface ModelTotals {
  params: number;
  trainableParams: number;
  buffers: number;
  macs: number;
  /** Bytes of float32 activations for one sample (forward only), summed over layers. */
  activationBytes: number;
  /** Bytes of float32 parameters and buffers. */
  paramBytes: number;
}

export interface ModelAnalysis {
  name: string;
  /** `task:` as written, default 'classification'. */
  task: TaskName;
  /** [C, H, W] or [F]. */
  input: Shape;
  classes: string[];
  /** Every layer in file order, repeat blocks expanded. */
  layers: ResolvedLayer[];
  graph: GraphNode[];
  /** Named blocks as written (`layer1: [...]`), outer first: the outline nests the layers under them. */
  blocks?: NamedBlock[];
  outputShape: Shape;
  data: DataConfig;
  /** The preprocessing pipelines (from data.transforms, or from augment / normalize). */
  pipeline: DataPipeline;
  /** `weights:`: the file to start from (as written, relative to the model file's folder) and whether every key must match. */
  weights?: { file: string; strict: boolean };
  train: TrainConfig;
  /** Whether the file has data / train sections (a file without them is still a complete model). */
  hasData: boolean;
  hasTrain: boolean;
  totals: ModelTotals;
  diagnostics: Diagnostic[];
}
