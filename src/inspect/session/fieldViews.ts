/**
 * The views about what a unit sees and what excites it, as protocol results: theoretical vs effective receptive
 * field, activation maximisation (a grid of synthesised inputs) and the top-k real images of a channel cut to
 * its receptive field.
 */
import type { InspectRequest, InspectResult } from '../../protocol/inspect';
import { imageToFloat } from '../../trainer/datasets/batches';
import type { ImageSet } from '../../trainer/datasets/types';
import { cropSquare, squarePicture } from '../image/attributionPictures';
import { tileImages } from '../image/grid';
import { enlarge, toRaster } from '../image/pictures';
import { encodePng, type RasterImage } from '../image/png';
import { activationMax } from '../network/activationMax';
import type { InspectInput } from '../network/input';
import { effectiveReceptiveField, type ImageSource } from '../network/receptiveField';
import type { InspectableRun } from '../network/runModel';
import { topImages } from '../network/topImages';
import { DISPLAY_SIZE, picture, scaleFor } from './views';

type Result<K extends InspectResult['kind']> = Extract<InspectResult, { kind: K }>;
type Request<K extends InspectRequest['kind']> = Extract<InspectRequest, { kind: K }>;

export interface LongTask {
  onProgress?: (done: number, total: number) => void;
  shouldStop?: () => boolean;
}

/** The first `count` images of a test set, or the one input when there is no dataset. */
export function imageSource(run: InspectableRun, test: ImageSet | undefined, input: InspectInput | undefined, count: number): ImageSource {
  if (test && test.count > 0) return { count: Math.min(count, test.count), image: (i) => imageToFloat(test, i, run.normalize) };
  if (input) return { count: 1, image: () => input.x };
  throw new Error('the effective receptive field needs images: the run\'s test set is not available, so choose an input image first');
}

/** `shown` is drawn under the theoretical field (the current input, else a grey square). */
export async function receptiveFieldView(run: InspectableRun, source: ImageSource, shown: InspectInput | undefined, request: Request<'receptiveField'>, task: LongTask): Promise<Result<'receptiveField'>> {
  const erf = await effectiveReceptiveField(run, source, request.layer, { channel: request.channel, ...task });
  const [c, h, w] = run.input;
  const pixels = shown?.pixels ?? new Uint8Array(h * w * c).fill(128);
  const scale = scaleFor(Math.max(h, w), DISPLAY_SIZE);
  return {
    kind: 'receptiveField', layer: erf.layer, row: erf.row, col: erf.col, channel: erf.channel, theoretical: erf.theoretical, side90: erf.side90, images: erf.images,
    theoreticalPicture: picture(squarePicture(pixels, h, w, c, erf.theoretical, scale)),
    effectivePicture: picture(squarePicture(pixels, h, w, c, erf.theoretical, scale, erf.values)),
  };
}

export async function activationMaxView(run: InspectableRun, request: Request<'activationMax'>, task: LongTask): Promise<Result<'activationMax'>> {
  const layer = run.analysis.layers.find((l) => l.index === request.layer);
  if (!layer) throw new RangeError(`the model has no layer ${request.layer} (1…${run.analysis.layers.length})`);
  const width = layer.outputShape[0] ?? 1;
  const first = Math.min(request.first ?? 0, width - 1);
  const channels = Array.from({ length: Math.min(request.count ?? 16, width - first) }, (_, i) => first + i);
  const r = await activationMax(run, { layer: request.layer, channels, steps: request.steps, seed: request.seed, ...task });
  const [c, h, w] = run.input;
  const n = channels.length;
  const tiles: RasterImage[] = channels.map((_, i) => {
    const data = Uint8Array.from(r.pixels.subarray(i * h * w * c, (i + 1) * h * w * c), (v) => Math.round(255 * v));
    return enlarge(toRaster(data, h, w, c), scaleFor(Math.max(h, w), 64));
  });
  const { image, layout } = tileImages(tiles, Math.ceil(Math.sqrt(n)));
  const last = Math.max(0, r.stepsDone - 1);
  const gains = channels.map((_, i) => (r.stepsDone > 0 ? r.history[last * n + i] - r.history[i] : 0));
  return {
    kind: 'activationMax', layer: request.layer, channels, steps: request.steps ?? 64, stepsDone: r.stepsDone, complete: r.complete, gains,
    picture: { png: encodePng(image), width: image.width, height: image.height }, layout: { ...layout, first },
  };
}

export async function topImagesView(run: InspectableRun, test: ImageSet, request: Request<'topImages'>, task: LongTask): Promise<Result<'topImages'>> {
  const { images, searched } = await topImages(run, test, request.layer, request.channel, { k: request.k, count: request.count, ...task });
  if (images.length === 0) throw new Error('no test image was searched');
  const size = test.height * test.width * test.channels;
  const side = images[0].field.size;
  const scale = scaleFor(side, 64);
  const tiles = images.map((t) => enlarge(cropSquare(test.images.subarray(t.index * size, (t.index + 1) * size), test.height, test.width, test.channels, t.field), scale));
  const { image, layout } = tileImages(tiles, Math.ceil(Math.sqrt(tiles.length)));
  return { kind: 'topImages', layer: request.layer, channel: request.channel, searched, images, picture: { png: encodePng(image), width: image.width, height: image.height }, layout };
}

