/**
 * Results that work on the run's dataset or on pure pixels: embeddings (features → PCA or t-SNE), test-image
 * thumbnails, the augmentation preview and the convolution playground.
 */
import { TRANSFORM_CATALOG } from '../../model/transforms/catalog';
import type { NoiseConfig } from '../../model/types';
import type { InspectRequest, InspectResult } from '../../protocol/inspect';
import type { ImageSet, LoadedDataset } from '../../trainer/datasets/types';
import { augmentationGrid, noisePairsGrid } from '../augmentPreview';
import { pca } from '../embed/pca';
import { tsneAsync } from '../embed/tsne';
import { valueRange } from '../image/colormap';
import { heatmapPicture, imagePicture } from '../image/pictures';
import { encodePng } from '../image/png';
import { CancelledError, featureVectors } from '../network/embeddings';
import { latentPlane } from '../network/latent';
import type { InspectInput } from '../network/input';
import type { InspectableRun } from '../network/runModel';
import { convolvePlane, poolPlane, sizeFormula, type Plane } from '../playground/convolve';
import { scaleFor } from './views';

type Result<K extends InspectResult['kind']> = Extract<InspectResult, { kind: K }>;
type Request<K extends InspectRequest['kind']> = Extract<InspectRequest, { kind: K }>;
export type Progress = (done: number, total: number, message: string) => void;

/** Feature vectors of the first `count` test images (the input of the last Linear layer, or a layer's output), reduced to 2-D. */
export async function embeddingsView(run: InspectableRun, test: ImageSet, request: Request<'embeddings'>, progress: Progress, shouldStop?: () => boolean): Promise<Result<'embeddings'>> {
  const layer = request.layer ?? null;
  if (layer !== null && !run.analysis.layers.some((l) => l.index === layer)) throw new RangeError(`the model has no layer ${layer} (1…${run.analysis.layers.length})`);
  const n = Math.min(request.count, test.count);
  const indices = Array.from({ length: n }, (_, i) => i);
  const points = await featureVectors(run, test, indices, 64, (done, total) => progress(done, total, 'Computing feature vectors'), shouldStop, layer ?? undefined);
  const seed = request.seed ?? 0;
  let coords: Float32Array;
  let explainedRatio: number[] | null = null;
  if (request.method === 'pca') {
    const r = pca(points, { components: 2, seed });
    coords = r.projected;
    explainedRatio = r.explainedRatio;
  } else {
    coords = await tsneAsync(points, { seed, perplexity: request.perplexity ?? 30, onProgress: (i, total) => progress(i, total, 't-SNE'), shouldStop });
    if (shouldStop?.()) throw new CancelledError();
  }
  return { kind: 'embeddings', method: request.method, points: coords, labels: test.labels.slice(0, n), indices: Int32Array.from(indices), explainedRatio, featureSize: points.d, layer };
}

/** The latent plane of a 2-value bottleneck: test codes and a grid of decoded codes. */
export async function latentGridView(run: InspectableRun, test: ImageSet, layer: number, request: Request<'latentGrid'>, shouldStop?: () => boolean): Promise<Result<'latentGrid'>> {
  const plane = await latentPlane(run, test, layer, request.steps, request.count ?? 1000, shouldStop);
  const [, height, width] = run.input;
  return {
    kind: 'latentGrid', layer, steps: request.steps, x: plane.x, y: plane.y, tileWidth: width, tileHeight: height,
    picture: { png: encodePng(plane.image), width: plane.image.width, height: plane.image.height }, points: plane.points, labels: plane.labels,
  };
}

/** A test image as a small picture. */
export function thumbnailView(test: ImageSet, index: number): Result<'thumbnail'> {
  if (index < 0 || index >= test.count) throw new RangeError(`test image ${index} is outside 0…${test.count - 1}`);
  const size = test.height * test.width * test.channels;
  const pixels = test.images.subarray(index * size, (index + 1) * size);
  const p = imagePicture(pixels, test.height, test.width, test.channels, scaleFor(Math.max(test.height, test.width), 64));
  return { kind: 'thumbnail', index, label: test.labels[index], picture: { png: p.png, width: p.width, height: p.height } };
}

/**
 * The augmentation grid of one training image: the stored image through the training pipeline's per-batch steps;
 * with input noise (denoising), noisy | clean pairs instead.
 */
export function augmentView(data: LoadedDataset, request: Request<'augment'>, noise?: NoiseConfig): Result<'augment'> {
  const { train } = data;
  const steps = data.transforms.train;
  if (!noise && !steps.some((s) => TRANSFORM_CATALOG[s.type].random)) {
    throw new Error('the training pipeline has no random transforms: add some to data.transforms.train (e.g. RandomHorizontalFlip()) or data.augment to preview them');
  }
  if (train.count === 0) throw new Error('the training set is empty');
  const index = Math.min(request.trainIndex ?? 0, train.count - 1);
  const scale = scaleFor(Math.max(train.height, train.width), 64);
  const { image, layout } = noise
    ? noisePairsGrid(train, index, steps, noise, Math.max(1, Math.floor(request.count / 2)), request.seed, scale)
    : augmentationGrid(train, index, steps, request.count, request.seed, scale);
  return { kind: 'augment', trainIndex: index, pairs: noise !== undefined, picture: { png: encodePng(image), width: image.width, height: image.height }, layout };
}

/** The playground on the current input: one channel (or the channel mean) in [0, 1], filtered, then pooled. */
export function playgroundView(input: InspectInput, request: Request<'playground'>): Result<'playground'> {
  const plane = inputPlane(input, request.channel);
  const options = { padding: [request.padding, request.padding] as [number, number], paddingMode: request.paddingMode, stride: [request.stride, request.stride] as [number, number] };
  const out = convolvePlane(plane, request.kernel, options);
  const kh = request.kernel.length;
  const kw = request.kernel[0].length;
  const show = (p: Plane): { png: Uint8Array; width: number; height: number } => heatmapPicture(p.data, p.height, p.width, 'gray', valueRange(p.data), scaleFor(Math.max(p.height, p.width), 192));
  const pooled = request.pool ? poolPlane(out, request.pool.kind, request.pool.size, request.pool.stride) : null;
  const formula = kh === kw && plane.height === plane.width
    ? sizeFormula(plane.height, kh, request.padding, request.stride)
    : `H: ${sizeFormula(plane.height, kh, request.padding, request.stride)}; W: ${sizeFormula(plane.width, kw, request.padding, request.stride)}`;
  return {
    kind: 'playground',
    input: show(plane),
    output: show(out),
    outputSize: [out.height, out.width],
    outputRange: valueRange(out.data),
    formula,
    pooled: pooled ? show(pooled) : null,
    pooledSize: pooled ? [pooled.height, pooled.width] : null,
    poolFormula: pooled && request.pool ? `⌊(${out.height} − ${request.pool.size}) / ${request.pool.stride}⌋ + 1 = ${pooled.height}` : null,
  };
}

function inputPlane(input: InspectInput, channel: number | undefined): Plane {
  const { height, width, channels, pixels } = input;
  if (channel !== undefined && channel >= channels) throw new RangeError(`the input has ${channels} channel(s) (0…${channels - 1})`);
  const data = new Float32Array(height * width);
  for (let p = 0; p < height * width; p++) {
    if (channel !== undefined) data[p] = pixels[p * channels + channel] / 255;
    else {
      let s = 0;
      for (let c = 0; c < channels; c++) s += pixels[p * channels + c];
      data[p] = s / channels / 255;
    }
  }
  return { height, width, data };
}
