/**
 * Saliency (Simonyan et al., 2014): the gradient of one class score (before softmax) with respect to the input
 * pixels; the map is |gradient| maximised over the channels, one value per pixel. SmoothGrad and Integrated
 * Gradients (./attribution) give maps of the same form.
 */
import { integratedGradients, smoothGrad, type AttributionOptions, type SaliencyMethod } from './attribution';
import { ruleGradient } from './guidedBackprop';
import type { InspectInput } from './input';
import type { InspectableRun } from './runModel';
import { viewTarget, type ViewTarget } from './target';

export { checkClass } from './target';

export interface SaliencyMap {
  height: number;
  width: number;
  /** |∂score/∂pixel| max over channels, row-major. */
  values: Float32Array;
  /** The raw gradient (or attribution), HWC. */
  gradient: Float32Array;
  classIndex: number;
}

/** The saliency map of `classIndex` for one input. */
export async function saliency(run: InspectableRun, input: InspectInput, classIndex: number): Promise<SaliencyMap> {
  const gradient = await attributionOf(run, input, viewTarget(run, classIndex), 'gradient');
  return { height: input.height, width: input.width, values: pixelMagnitude(gradient, input.channels), gradient, classIndex };
}

/** The HWC gradient (or attribution) of `target` by `method`. */
export async function attributionOf(run: InspectableRun, input: InspectInput, target: ViewTarget, method: SaliencyMethod, options: AttributionOptions = {}): Promise<Float32Array> {
  switch (method) {
    case 'gradient':
      return ruleGradient(run, input, (traced, reference) => target.score(traced, reference));
    case 'smoothgrad':
      return smoothGrad(run, input, target, options);
    case 'integrated':
      return (await integratedGradients(run, input, target, options)).attribution;
  }
}

/** max over channels of |v|, one value per pixel. */
export function pixelMagnitude(hwc: Float32Array, channels: number): Float32Array {
  const out = new Float32Array(hwc.length / channels);
  for (let p = 0; p < out.length; p++) for (let c = 0; c < channels; c++) out[p] = Math.max(out[p], Math.abs(hwc[p * channels + c]));
  return out;
}
