/**
 * What `cnnlab inspect --views` can write, one writer per view: each computes its picture(s) for the chosen image
 * and class and hands them to `write`. Views that need the run's test set (the embedding) are skipped with a
 * reason when it is not available; the effective receptive field then averages over the one image.
 */
import { VISUALISE_DEFAULTS } from '../../protocol/inspect';
import type { LoadedDataset } from '../../trainer/datasets/types';
import { signedImagePicture } from '../image/attributionPictures';
import { colourFilterGrid, featureMapGrid, filterGrid, overlayPicture } from '../image/pictures';
import { scatterPicture } from '../image/scatter';
import { activations } from '../network/activations';
import { convFilters, convLayerIndices } from '../network/filters';
import { guidedGradCam } from '../network/gradCam';
import { guidedBackprop } from '../network/guidedBackprop';
import type { InspectInput } from '../network/input';
import { occlusion } from '../network/occlusion';
import type { InspectableRun } from '../network/runModel';
import { attributionOf, pixelMagnitude } from '../network/saliency';
import type { ViewTarget } from '../network/target';
import { embeddingsView } from '../session/dataViews';
import { activationMaxView, imageSource, receptiveFieldView } from '../session/fieldViews';
import { camOf, deconvnetView } from '../session/gradientViews';
import { DISPLAY_SIZE, scaleFor } from '../session/views';

export const VIEW_NAMES = ['feature-maps', 'filters', 'saliency', 'occlusion', 'gradcam', 'guided-backprop', 'erf', 'embedding', 'smoothgrad', 'integrated-gradients', 'deconvnet', 'activation-max'] as const;
export type ViewName = (typeof VIEW_NAMES)[number];
/** Written when --views is not given (the rest are slower or more specialised). */
export const DEFAULT_VIEWS: readonly ViewName[] = VIEW_NAMES.slice(0, 8);

export function isViewName(name: string): name is ViewName {
  return (VIEW_NAMES as readonly string[]).includes(name);
}

/** One written file and what it shows. */
export interface WrittenFile {
  file: string;
  what: string;
  view?: ViewName;
  layer?: number;
  shape?: number[];
  range?: { min: number; max: number };
}

export interface ViewContext {
  run: InspectableRun;
  input: InspectInput;
  target: ViewTarget;
  classIndex: number;
  /** Layer of Grad-CAM, the receptive fields, deconvnet and activation maximisation. */
  layer: number | undefined;
  patch?: number;
  stride?: number;
  data: LoadedDataset | undefined;
  dataProblem: string | null;
  write(relative: string, png: Uint8Array, info: Omit<WrittenFile, 'file'>): void;
  /** Facts index.json records (occlusion's baseline). */
  record: Record<string, unknown>;
}

type ViewWriter = (ctx: ViewContext) => Promise<void>;

const pad = (n: number): string => String(n).padStart(2, '0');
const scaleOf = (input: InspectInput): number => scaleFor(Math.max(input.height, input.width), DISPLAY_SIZE);
const overlay = (ctx: ViewContext, values: Float32Array): Uint8Array => overlayPicture(ctx.input.pixels, ctx.input.height, ctx.input.width, ctx.input.channels, values, scaleOf(ctx.input)).png;
const signed = (ctx: ViewContext, g: Float32Array): Uint8Array => signedImagePicture(g, ctx.input.height, ctx.input.width, ctx.input.channels, scaleOf(ctx.input)).png;

const saliencyWriter = (method: 'gradient' | 'smoothgrad' | 'integrated', file: string, words: string): ViewWriter => async (ctx) => {
  const values = pixelMagnitude(await attributionOf(ctx.run, ctx.input, ctx.target, method), ctx.input.channels);
  ctx.write(file, overlay(ctx, values), { what: `${words} of the ${ctx.target.describe}: |attribution|, max over channels` });
};

export const VIEW_WRITERS: Record<ViewName, ViewWriter> = {
  async 'feature-maps'(ctx) {
    for (const act of await activations(ctx.run, ctx.input)) {
      const grid = featureMapGrid(act.planes, 0, act.planes.channels, scaleFor(Math.max(act.planes.height, act.planes.width), 64));
      ctx.write(`feature-maps/layer${pad(act.index)}-${act.type}.png`, grid.png, { what: `feature maps of ${act.text}, shape [${act.shape}]`, layer: act.index, shape: act.shape, range: act.range });
    }
  },
  async filters(ctx) {
    for (const index of convLayerIndices(ctx.run)) {
      const f = await convFilters(ctx.run, index);
      const scale = scaleFor(Math.max(f.kernelHeight, f.kernelWidth), 24);
      const grid = f.colour ? colourFilterGrid(f.values, f.outChannels, f.kernelHeight, f.kernelWidth, scale) : filterGrid(f.values, f.outChannels, f.inChannels, f.kernelHeight, f.kernelWidth, 0, f.outChannels, scale);
      const what = f.colour ? `${f.outChannels} RGB filters of ${f.text}` : `filters of ${f.text}: one row per output channel, one tile per input channel (blue < 0 < red)`;
      ctx.write(`filters/layer${pad(index)}-Conv2d.png`, grid.png, { what, layer: index, shape: [f.outChannels, f.inChannels, f.kernelHeight, f.kernelWidth], range: grid.layout.ranges[0] });
    }
  },
  saliency: saliencyWriter('gradient', 'saliency.png', 'saliency'),
  smoothgrad: saliencyWriter('smoothgrad', 'smoothgrad.png', 'SmoothGrad (25 noisy copies, σ = 15% of the range)'),
  'integrated-gradients': saliencyWriter('integrated', 'integrated-gradients.png', 'Integrated Gradients (32 steps from a black image)'),
  async occlusion(ctx) {
    const occ = await occlusion(ctx.run, ctx.input, { classIndex: ctx.classIndex, patch: ctx.patch, stride: ctx.stride });
    ctx.record.occlusion = { patch: occ.patch, stride: occ.stride, baseline: occ.baseline };
    ctx.write('occlusion.png', overlay(ctx, occ.pixelDrops), { what: `occlusion of '${ctx.run.classes[ctx.classIndex] ?? ctx.classIndex}': drop of its probability under a ${occ.patch}×${occ.patch} grey patch, stride ${occ.stride}` });
  },
  async gradcam(ctx) {
    const cam = await camOf(ctx.run, ctx.input, ctx.classIndex, ctx.layer);
    ctx.write('gradcam.png', overlay(ctx, cam.upsampled), { what: `Grad-CAM of the ${ctx.target.describe} on layer ${cam.layer} (${cam.camHeight}×${cam.camWidth} map, resized)`, layer: cam.layer });
  },
  async 'guided-backprop'(ctx) {
    const guided = await guidedBackprop(ctx.run, ctx.input, ctx.target);
    ctx.write('guided-backprop.png', signed(ctx, guided), { what: `guided backprop of the ${ctx.target.describe} (grey = 0)` });
    const cam = await camOf(ctx.run, ctx.input, ctx.classIndex, ctx.layer);
    ctx.write('guided-gradcam.png', signed(ctx, guidedGradCam(guided, cam.upsampled, ctx.input.channels)), { what: `guided Grad-CAM: guided backprop × Grad-CAM of layer ${cam.layer}`, layer: cam.layer });
  },
  async deconvnet(ctx) {
    const d = await deconvnetView(ctx.run, ctx.input, requireLayer(ctx));
    ctx.write('deconvnet.png', d.picture.png, { what: `deconvnet reconstruction of layer ${d.layer}'s strongest unit (channel ${d.channel} at ${d.row},${d.col}, value ${d.value.toPrecision(4)})`, layer: d.layer });
  },
  async erf(ctx) {
    const layer = requireLayer(ctx);
    const source = imageSource(ctx.run, ctx.data?.test, ctx.input, VISUALISE_DEFAULTS.fieldImages);
    const rf = await receptiveFieldView(ctx.run, source, ctx.input, { kind: 'receptiveField', layer }, {});
    const box = `${rf.theoretical.size}×${rf.theoretical.size}`;
    ctx.write('erf-theoretical.png', rf.theoreticalPicture.png, { what: `theoretical receptive field (${box}) of layer ${layer}'s central unit (${rf.row}, ${rf.col})`, layer });
    ctx.write('erf-effective.png', rf.effectivePicture.png, { what: `effective receptive field of the same unit over ${rf.images} image(s): 90% of its weight within ${rf.side90}×${rf.side90} pixels (the square: ${box})`, layer });
  },
  async embedding(ctx) {
    if (!ctx.data) throw new SkippedView(`the run's test set is not available${ctx.dataProblem ? ` (${ctx.dataProblem})` : ''}`);
    for (const method of ['pca', 'tsne'] as const) {
      const e = await embeddingsView(ctx.run, ctx.data.test, { kind: 'embeddings', count: 500, method, seed: 0 }, () => undefined);
      const n = e.labels.length;
      const words = method === 'pca' ? `PCA (${e.explainedRatio?.map((r) => `${(100 * r).toFixed(1)}%`).join(' + ')} of the variance)` : 't-SNE (perplexity 30)';
      ctx.write(`embedding-${method}.png`, scatterPicture(e.points, e.labels, ctx.run.classes.length).png, { what: `${words} of the ${e.featureSize} features of ${n} test images, coloured by class (${ctx.run.classes.join(', ')})` });
    }
  },
  async 'activation-max'(ctx) {
    const am = await activationMaxView(ctx.run, { kind: 'activationMax', layer: requireLayer(ctx), count: 16, seed: 0 }, {});
    ctx.write('activation-max.png', am.picture.png, { what: `inputs synthesised to excite channels ${am.channels[0]}…${am.channels.at(-1)} of layer ${am.layer} (${am.stepsDone} steps of gradient ascent with jitter and blur)`, layer: am.layer });
  },
};

/** A view that cannot be drawn for this run; the reason goes to index.json and stderr. */
export class SkippedView extends Error {}

function requireLayer(ctx: ViewContext): number {
  if (ctx.layer === undefined) throw new SkippedView('the model has no layer with a spatial output');
  return ctx.layer;
}

