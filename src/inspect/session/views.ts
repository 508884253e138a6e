/**
 * From the network's numbers to the protocol's results: pictures sized for the panel, layouts, ranges.
 * One function per request kind that needs a model and an input; the session picks the state they need.
 */
import type { InspectResult, PictureData } from '../../protocol/inspect';
import { valueRange, type ValueRange } from '../image/colormap';
import type { PlaneStack } from '../image/grid';
import { colourFilterGrid, featureMapGrid, filterGrid, heatmapPicture, imagePicture, overlayPicture, type Picture } from '../image/pictures';
import { activations, mergeActivation } from '../network/activations';
import { convFilters } from '../network/filters';
import type { InspectInput } from '../network/input';
import { occlusion, type OcclusionOptions } from '../network/occlusion';
import { predictForTask } from '../network/taskPredictions';
import type { InspectableRun } from '../network/runModel';

/** Pictures are enlarged (nearest neighbour) until their longer side reaches about this many pixels. */
export const DISPLAY_SIZE = 224;

/** The integer scale that brings a side of `size` pixels near `target`. */
export function scaleFor(size: number, target: number): number {
  return Math.max(1, Math.floor(target / Math.max(1, size)));
}

/** The protocol's picture of a rendered one. */
export function picture(p: Picture): PictureData {
  return { png: p.png, width: p.width, height: p.height };
}

type Result<K extends InspectResult['kind']> = Extract<InspectResult, { kind: K }>;

/** The input image with what the run's task says of it: the top-k classes, the reconstruction and its error, or the detected boxes. */
export async function inputView(run: InspectableRun, input: InspectInput, k: number): Promise<Result<'input'>> {
  const told = await predictForTask(run, input, k);
  const scale = scaleFor(Math.max(input.height, input.width), DISPLAY_SIZE);
  const image = told.image;
  const base = {
    kind: 'input' as const, source: input.source, label: input.label ?? null, height: input.height, width: input.width, channels: input.channels,
    picture: picture(imagePicture(input.pixels, input.height, input.width, input.channels, scale)),
    predictions: told.predictions ?? [],
  };
  // A detector's drawing is already enlarged (detectionPrediction.ts).
  if (image && told.boxes) return { ...base, reconstruction: null, detections: { picture: picture(imagePicture(image.data, image.height, image.width, image.channels, 1)), boxes: told.boxes } };
  return { ...base, reconstruction: image ? { picture: picture(imagePicture(image.data, image.height, image.width, image.channels, scale)), error: told.error ?? NaN } : null };
}

/** The planes a feature-map request is about: a layer's output, or merge `merge`'s when given. */
async function mapsOf(run: InspectableRun, input: InspectInput, layer: number, merge?: number): Promise<{ planes: PlaneStack; shape: number[]; range: ValueRange; what: string }> {
  if (merge !== undefined) {
    const act = await mergeActivation(run, input, merge);
    if (!act) throw new RangeError(`the model has no merge ${merge}`);
    return { ...act, what: act.text };
  }
  const [act] = await activations(run, input, [layer]);
  if (!act) throw new RangeError(`the model has no layer ${layer}`);
  return { ...act, what: `layer ${layer}` };
}

export async function featureMapsView(run: InspectableRun, input: InspectInput, layer: number, first = 0, count = 64, merge?: number): Promise<Result<'featureMaps'>> {
  const act = await mapsOf(run, input, layer, merge);
  const scale = scaleFor(Math.max(act.planes.height, act.planes.width), 64);
  const grid = featureMapGrid(act.planes, first, count, scale);
  return { kind: 'featureMaps', layer, ...(merge !== undefined ? { merge } : {}), shape: act.shape, channels: act.planes.channels, range: act.range, picture: picture(grid), layout: grid.layout };
}

export async function featureMapView(run: InspectableRun, input: InspectInput, layer: number, channel: number, merge?: number): Promise<Result<'featureMap'>> {
  const act = await mapsOf(run, input, layer, merge);
  const { height, width, channels } = act.planes;
  if (channel >= channels) throw new RangeError(`${act.what} has ${channels} channels (0…${channels - 1})`);
  const values = act.planes.data.slice(channel * height * width, (channel + 1) * height * width);
  const scale = scaleFor(Math.max(height, width), 256);
  return { kind: 'featureMap', layer, ...(merge !== undefined ? { merge } : {}), channel, height, width, values, picture: picture(heatmapPicture(values, height, width, 'viridis', valueRange(values), scale)) };
}

export async function filtersView(run: InspectableRun, layer: number, first = 0, count = 64): Promise<Result<'filters'>> {
  const f = await convFilters(run, layer);
  const scale = scaleFor(Math.max(f.kernelHeight, f.kernelWidth), 48);
  const start = Math.min(first, f.outChannels);
  const n = Math.min(count, f.outChannels - start);
  const per = f.inChannels * f.kernelHeight * f.kernelWidth;
  const grid = f.colour ? colourFilterGrid(f.values, f.outChannels, f.kernelHeight, f.kernelWidth, scale) : filterGrid(f.values, f.outChannels, f.inChannels, f.kernelHeight, f.kernelWidth, start, n, scale);
  const values = f.colour ? f.values : f.values.slice(start * per, (start + n) * per);
  return {
    kind: 'filters', layer, outChannels: f.outChannels, inChannels: f.inChannels, kernelHeight: f.kernelHeight, kernelWidth: f.kernelWidth,
    colour: f.colour, values, picture: picture(grid), layout: grid.layout,
  };
}

export async function occlusionView(run: InspectableRun, input: InspectInput, options: OcclusionOptions): Promise<Result<'occlusion'>> {
  const m = await occlusion(run, input, options);
  const scale = scaleFor(Math.max(input.height, input.width), DISPLAY_SIZE);
  return {
    kind: 'occlusion', classIndex: options.classIndex, baseline: m.baseline, maxDrop: valueRange(m.drops).max, rows: m.rowStarts.length, cols: m.colStarts.length,
    drops: m.drops, complete: m.complete, picture: picture(overlayPicture(input.pixels, input.height, input.width, input.channels, m.pixelDrops, scale)),
  };
}
