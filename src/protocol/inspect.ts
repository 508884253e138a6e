/**
 * The inspector's protocol, as data: what can be asked about a trained run (InspectRequest), what comes back
 * (InspectResult), and the envelopes that carry them host ⇄ trainer worker and host ⇄ inspector webview.
 * Pictures travel as PNG bytes (Uint8Array) and values as Float32Array, never as big JSON arrays.
 * Pure data and validators: no vscode, tfjs or DOM imports.
 */
import type { BackendChoiceName } from './runTypes';

/** Which image to inspect. Test images are indexed in the run's test split. */
export type InputSelector =
  | { kind: 'test'; index: number }
  /** The nth test image (0-based) whose label is classIndex. */
  | { kind: 'class'; classIndex: number; nth?: number }
  | { kind: 'random'; seed: number }
  /** An absolute path to a PNG or JPEG file. */
  | { kind: 'file'; path: string };

/** Defaults of the longer visualisations, sized to answer within about 2 s on resnet-mini (npm run bench:views). */
export const VISUALISE_DEFAULTS = {
  /** Test images the effective receptive field averages over. */
  fieldImages: 32,
  /** Test images searched for a channel's top images, at most; fewer when they would cost more than the budget. */
  topImagesSearched: 500,
  /** Multiply-accumulates of the forward passes a top-images search may spend by default (about a second of wasm). */
  topImagesMacBudget: 2.5e9,
} as const;

export type SaliencyMethodName = 'gradient' | 'smoothgrad' | 'integrated';

/** A square of the input in pixels (may reach past its edges). */
export interface SquareData {
  top: number;
  left: number;
  size: number;
}

export type PaddingModeName = 'zeros' | 'reflect' | 'replicate' | 'circular';

export type InspectRequest =
  /** `workers`: data-parallel workers for the heavy views (occlusion), the `cnnlab.workers` setting; default 1. */
  | { kind: 'open'; runDir: string; checkpoint?: 'best' | 'last'; backend?: BackendChoiceName; maxImagePixels?: number; workers?: number; extraModulePaths?: string[]; cacheDir?: string; searchPaths?: string[] }
  | { kind: 'input'; input: InputSelector; topK?: number }
  /** A page of a layer's feature maps for the current input; with `merge` (RunInfo.merges' index), that merge's instead. */
  | { kind: 'featureMaps'; layer: number; merge?: number; first?: number; count?: number }
  /** One feature map, enlarged, with its values (of merge `merge` when given). */
  | { kind: 'featureMap'; layer: number; merge?: number; channel: number }
  | { kind: 'filters'; layer: number; first?: number; count?: number }
  /** `method`: the plain gradient (default), SmoothGrad (noisy copies) or Integrated Gradients (path from black); `samples`: copies or steps. */
  | { kind: 'saliency'; classIndex: number; method?: SaliencyMethodName; samples?: number }
  /** Grad-CAM of a class on a layer with a spatial output (default: the last convolution block's output). Reconstruction runs: the output's MSE. */
  | { kind: 'gradCam'; classIndex: number; layer?: number }
  /** Guided backprop of a class, and guided Grad-CAM (with Grad-CAM on `layer`, default the last convolution block's output). */
  | { kind: 'guidedBackprop'; classIndex: number; layer?: number }
  /** The deconvnet reconstruction of a layer's strongest unit for the current input. */
  | { kind: 'deconvnet'; layer: number }
  /** Theoretical and effective receptive field of a layer's central unit, over `count` test images (default VISUALISE_DEFAULTS.fieldImages). */
  | { kind: 'receptiveField'; layer: number; count?: number; channel?: number }
  /** Synthesised inputs that excite channels first… first+count−1 of a layer (gradient ascent, jitter and blur). */
  | { kind: 'activationMax'; layer: number; first?: number; count?: number; steps?: number; seed?: number }
  /** The `k` test images (of the first `count`; default: as many as VISUALISE_DEFAULTS' budget allows, 100…500) where a channel is strongest, cut to its unit's receptive field. */
  | { kind: 'topImages'; layer: number; channel: number; k?: number; count?: number }
  | { kind: 'occlusion'; classIndex: number; patch: number; stride: number }
  /** Features: the output of `layer` when given (an autoencoder's bottleneck), else the input of the last Linear layer. */
  | { kind: 'embeddings'; count: number; method: 'pca' | 'tsne'; perplexity?: number; seed?: number; layer?: number }
  /** A 2-value bottleneck's plane: the codes of `count` test images and a steps × steps grid of decoded codes. */
  | { kind: 'latentGrid'; steps: number; count?: number }
  /** A test image as a small picture (embedding hover). */
  | { kind: 'thumbnail'; index: number }
  | { kind: 'augment'; count: number; seed: number; trainIndex?: number }
  | {
      kind: 'playground';
      kernel: number[][];
      padding: number;
      paddingMode: PaddingModeName;
      stride: number;
      pool?: { kind: 'max' | 'avg'; size: number; stride: number };
      /** Channel of the input to filter (default: the mean of all channels). */
      channel?: number;
    };

/** A PNG picture and its size in pixels. */
export interface PictureData {
  png: Uint8Array;
  width: number;
  height: number;
}

/** Where the tiles of a grid picture are (to map a click to a channel), and each tile's value range. */
export interface GridLayoutData {
  columns: number;
  rows: number;
  /** Tile size in picture pixels (after enlarging) and the background gap between tiles. */
  tileWidth: number;
  tileHeight: number;
  gap: number;
  /** Index of the first plane (channel) drawn: tile i shows plane first + i. */
  first: number;
  /** The value range each tile was drawn with, in tile order. */
  ranges: Array<{ min: number; max: number }>;
}

export interface LayerInfo {
  index: number;
  type: string;
  text: string;
  /** [C, H, W] or [F]. */
  outputShape: number[];
  /** 0-based line of the layer in the model file (snapshot), for "reveal" and hovers. */
  line: number;
  /** Names the model file gives this layer's output (graph models: `b1 = Conv2d(…)`). */
  names?: string[];
}

/** A graph model's merge, whose output the feature maps can show. */
export interface MergeInfo {
  /** 1-based, in file order. */
  index: number;
  /** As written, e.g. "concat(b1, b2, b3, b4)". */
  text: string;
  names: string[];
  outputShape: number[];
  /** 0-based line in the model file (snapshot). */
  line: number;
}

export interface RunInfo {
  runDir: string;
  model: string;
  checkpoint: 'best' | 'last';
  backend: string;
  classes: string[];
  input: number[];
  layers: LayerInfo[];
  /** Merges of a graph model (concat / add / multiply), in file order; empty for sequences. */
  merges: MergeInfo[];
  /** Layers with filters (Conv2d). */
  convLayers: number[];
  /** Where Grad-CAM, the receptive fields and activation maximisation start: the last convolution block's output (null without a spatial layer). */
  visualLayer: number | null;
  testCount: number;
  trainCount: number;
  hasAugment: boolean;
  /** The model file's task ('classification', 'reconstruction'). */
  task: string;
  /** Reconstruction runs: the bottleneck layer (the fewest output values), the embeddings' default; else null. */
  bottleneck: number | null;
  /** Whether the bottleneck has 2 values (the latent plane can be drawn). */
  latentPlane: boolean;
  /** data.noise in words (denoising: the augmentation preview shows noisy | clean pairs), null without noise. */
  inputNoise: string | null;
  /** Why no dataset images are available (only image files can be inspected), if so. */
  datasetProblem: string | null;
  /** What opening the run found, one line each: an interrupted run, a damaged best/ replaced by last/. */
  notices: string[];
}

/** A detector's box on the input picture: its class, score and corners in the input's pixels. */
export interface PredictedBoxData {
  class: string;
  score: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface PredictionData {
  classIndex: number;
  className: string;
  probability: number;
}

export type InspectResult =
  | { kind: 'open'; info: RunInfo }
  /**
   * `predictions`: the top-k classes (empty for tasks that do not classify); `reconstruction`: an autoencoder's output
   * and its MSE in [0, 1] pixels; `detections`: a detector's boxes and the picture with them drawn.
   */
  | { kind: 'input'; source: string; label: number | null; picture: PictureData; height: number; width: number; channels: number; predictions: PredictionData[]; reconstruction?: { picture: PictureData; error: number } | null; detections?: { picture: PictureData; boxes: PredictedBoxData[] } | null }
  | { kind: 'featureMaps'; layer: number; merge?: number; shape: number[]; channels: number; range: { min: number; max: number }; picture: PictureData; layout: GridLayoutData }
  | { kind: 'featureMap'; layer: number; merge?: number; channel: number; picture: PictureData; height: number; width: number; values: Float32Array }
  | { kind: 'filters'; layer: number; outChannels: number; inChannels: number; kernelHeight: number; kernelWidth: number; colour: boolean; values: Float32Array; picture: PictureData; layout: GridLayoutData }
  /** `target`: what was differentiated, for captions (a class score, or a reconstruction run's MSE). */
  | { kind: 'saliency'; classIndex: number; picture: PictureData; max: number; method?: SaliencyMethodName; target?: string }
  /**
   * `image` (the input, grey) and `heatmap` (the map resized to the input, 'hot' colours) have the same size: the panel
   * lays one over the other with an opacity slider. `weights`: α_k per channel; `classIndex` null without classes.
   */
  | { kind: 'gradCam'; layer: number; classIndex: number | null; target: string; image: PictureData; heatmap: PictureData; weights: Float32Array; camHeight: number; camWidth: number; max: number }
  | { kind: 'guidedBackprop'; classIndex: number | null; target: string; layer: number; guided: PictureData; guidedGradCam: PictureData }
  | { kind: 'deconvnet'; layer: number; channel: number; row: number; col: number; value: number; picture: PictureData }
  /** `side90`: side of the square around the unit holding 90% of the effective field's weight; `images`: how many were averaged. */
  | { kind: 'receptiveField'; layer: number; row: number; col: number; channel: number | null; theoretical: SquareData; side90: number; images: number; theoreticalPicture: PictureData; effectivePicture: PictureData }
  /** `gains`: each channel's mean activation at the last step minus at the first. */
  | { kind: 'activationMax'; layer: number; channels: number[]; steps: number; stepsDone: number; complete: boolean; gains: number[]; picture: PictureData; layout: GridLayoutData }
  | { kind: 'topImages'; layer: number; channel: number; searched: number; images: Array<{ index: number; value: number; row: number; col: number; field: SquareData }>; picture: PictureData; layout: GridLayoutData }
  | { kind: 'occlusion'; classIndex: number; picture: PictureData; baseline: number; maxDrop: number; rows: number; cols: number; drops: Float32Array; complete: boolean }
  /** `layer`: whose output the features are; null for the input of the last Linear layer. */
  | { kind: 'embeddings'; method: 'pca' | 'tsne'; points: Float32Array; labels: Uint8Array; indices: Int32Array; explainedRatio: number[] | null; featureSize: number; layer: number | null }
  /**
   * The latent plane: `picture` holds steps × steps decoded images (tiles of tileWidth × tileHeight, touching, row 0 at
   * the largest y); tile (row, col) decodes (x[0] + col·Δx, y[1] − row·Δy) with Δ = (max − min) / (steps − 1).
   * `points` are the test images' codes (2 per image), `labels` their classes.
   */
  | { kind: 'latentGrid'; layer: number; steps: number; x: [number, number]; y: [number, number]; picture: PictureData; tileWidth: number; tileHeight: number; points: Float32Array; labels: Uint8Array }
  | { kind: 'thumbnail'; index: number; label: number; picture: PictureData }
  /** `pairs`: the tiles are noisy | clean pairs (input noise), else the original then augmented copies. */
  | { kind: 'augment'; trainIndex: number; pairs: boolean; picture: PictureData; layout: GridLayoutData }
  | {
      kind: 'playground';
      input: PictureData;
      output: PictureData;
      outputSize: [number, number];
      outputRange: { min: number; max: number };
      /** e.g. "⌊(28 + 2·1 − 3) / 1⌋ + 1 = 28", for height and width. */
      formula: string;
      pooled: PictureData | null;
      pooledSize: [number, number] | null;
      poolFormula: string | null;
    };

// ---- host ⇄ worker envelopes (answered through MessageHandler.request: `replyTo` = `requestId`) ----

/** `taskId` is the sender's own name for the task: progress and cancellation refer to it. */
export interface InspectRequestMessage {
  type: 'inspect';
  requestId?: string;
  taskId: string;
  request: InspectRequest;
}

export interface InspectCancelMessage {
  type: 'inspect-cancel';
  taskId: string;
}

export interface InspectProgressMessage {
  type: 'inspect-progress';
  taskId: string;
  done: number;
  total: number;
  message: string;
}

export interface InspectReplyMessage {
  type: 'inspect-result';
  replyTo: string;
  result?: InspectResult;
  error?: string;
}

export type ToInspectWorker = InspectRequestMessage | InspectCancelMessage;
export type FromInspectWorker = InspectProgressMessage | InspectReplyMessage;

/** A message channel to the worker that runs the inspector (see createInspectWorker). */
export interface InspectPort {
  post(message: ToInspectWorker): void;
  /** Every message from the worker (inspector messages are picked out here); returns the unsubscribe. */
  onMessage(listener: (raw: unknown) => void): () => void;
  /** The worker went away: pending requests fail. Optional. */
  onClose?(listener: (reason: string) => void): () => void;
}

// ---- host ⇄ inspector webview ----

/** Host → webview. */
export type ToInspectorWebview =
  | { type: 'run'; info: RunInfo }
  | { type: 'result'; id: number; result: InspectResult }
  | { type: 'progress'; id: number; done: number; total: number; message: string }
  | { type: 'error'; id: number | null; message: string }
  /** Switch to the feature maps of a layer (from the editor). */
  | { type: 'showLayer'; layer: number }
  | { type: 'empty'; message: string };

/** Webview → host. */
export type FromInspectorWebview =
  | { type: 'ready' }
  /** Any request but 'open' (the host opens runs); file inputs come from pickFile. */
  | { type: 'request'; id: number; request: Exclude<InspectRequest, { kind: 'open' }> }
  | { type: 'cancel'; id: number }
  /** Ask the host for an image file from the workspace; it answers with an input result for `id`. */
  | { type: 'pickFile'; id: number; topK: number }
  | { type: 'revealLayer'; layer: number };

/** What the inspector webview saves with setState (the run to reopen after a reload). */
export interface InspectorWebviewState {
  runDir?: string;
}
