/**
 * The class-dependent views as protocol results: saliency (gradient, SmoothGrad, Integrated Gradients), Grad-CAM,
 * guided backprop with guided Grad-CAM, and the deconvnet reconstruction. A reconstruction run has no classes:
 * its views differentiate the output's MSE, and the captions say so (network/target).
 */
import type { InspectRequest, InspectResult, PictureData } from '../../protocol/inspect';
import { heatLayerPicture, signedImagePicture } from '../image/attributionPictures';
import { valueRange } from '../image/colormap';
import { imagePicture, overlayPicture } from '../image/pictures';
import { defaultCamLayer, gradCam, guidedGradCam, type GradCamMap } from '../network/gradCam';
import { deconvnet, guidedBackprop } from '../network/guidedBackprop';
import type { InspectInput } from '../network/input';
import type { InspectableRun } from '../network/runModel';
import { attributionOf, pixelMagnitude } from '../network/saliency';
import { viewTarget } from '../network/target';
import { DISPLAY_SIZE, picture, scaleFor } from './views';

type Result<K extends InspectResult['kind']> = Extract<InspectResult, { kind: K }>;
type Request<K extends InspectRequest['kind']> = Extract<InspectRequest, { kind: K }>;
export type StepProgress = (done: number, total: number) => void;

function displayScale(input: InspectInput): number {
  return scaleFor(Math.max(input.height, input.width), DISPLAY_SIZE);
}

export async function saliencyView(run: InspectableRun, input: InspectInput, request: Request<'saliency'>, onProgress?: StepProgress, shouldStop?: () => boolean): Promise<Result<'saliency'>> {
  const target = viewTarget(run, request.classIndex);
  const method = request.method ?? 'gradient';
  const values = pixelMagnitude(await attributionOf(run, input, target, method, { samples: request.samples, onProgress, shouldStop }), input.channels);
  return {
    kind: 'saliency', classIndex: request.classIndex, method, target: target.describe, max: valueRange(values).max,
    picture: picture(overlayPicture(input.pixels, input.height, input.width, input.channels, values, displayScale(input))),
  };
}

/** Grad-CAM on `layer` (default: the last convolution block's output); throws when the model has no spatial layer. */
export async function camOf(run: InspectableRun, input: InspectInput, classIndex: number, layer?: number): Promise<GradCamMap> {
  const chosen = layer ?? defaultCamLayer(run);
  if (chosen === undefined) throw new RangeError('Grad-CAM needs a layer with a spatial output [C, H, W]; this model has none');
  return gradCam(run, input, viewTarget(run, classIndex), chosen);
}

export async function gradCamView(run: InspectableRun, input: InspectInput, request: Request<'gradCam'>): Promise<Result<'gradCam'>> {
  const target = viewTarget(run, request.classIndex);
  const cam = await camOf(run, input, request.classIndex, request.layer);
  const scale = displayScale(input);
  const grey = Uint8Array.from({ length: input.height * input.width }, (_, p) => {
    let s = 0;
    for (let c = 0; c < input.channels; c++) s += input.pixels[p * input.channels + c];
    return Math.round(s / input.channels);
  });
  return {
    kind: 'gradCam', layer: cam.layer, classIndex: target.classIndex, target: target.describe, weights: cam.weights, camHeight: cam.camHeight, camWidth: cam.camWidth,
    max: valueRange(cam.cam).max, image: picture(imagePicture(grey, input.height, input.width, 1, scale)), heatmap: picture(heatLayerPicture(cam.upsampled, input.height, input.width, scale)),
  };
}

export async function guidedBackpropView(run: InspectableRun, input: InspectInput, request: Request<'guidedBackprop'>): Promise<Result<'guidedBackprop'>> {
  const target = viewTarget(run, request.classIndex);
  const guided = await guidedBackprop(run, input, target);
  const cam = await camOf(run, input, request.classIndex, request.layer);
  const scale = displayScale(input);
  const draw = (g: Float32Array): PictureData => picture(signedImagePicture(g, input.height, input.width, input.channels, scale));
  return { kind: 'guidedBackprop', classIndex: target.classIndex, target: target.describe, layer: cam.layer, guided: draw(guided), guidedGradCam: draw(guidedGradCam(guided, cam.upsampled, input.channels)) };
}

export async function deconvnetView(run: InspectableRun, input: InspectInput, layer: number): Promise<Result<'deconvnet'>> {
  const { unit, gradient } = await deconvnet(run, input, layer);
  return { kind: 'deconvnet', layer, channel: unit.channel, row: unit.row, col: unit.col, value: unit.value, picture: picture(signedImagePicture(gradient, input.height, input.width, input.channels, displayScale(input))) };
}
