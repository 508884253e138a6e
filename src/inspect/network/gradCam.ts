/**
 * Grad-CAM (Selvaraju et al. 2017) on any layer with a spatial output: the channel weights are the gradients of
 * the target with respect to that layer's output, averaged over its positions; the map is ReLU(Σ_k α_k A_k),
 * resized (bilinear) to the input. The gradient at the layer is read through a zero "probe" added to its output,
 * so the layer may sit anywhere in the graph (inside residual blocks, between named outputs).
 */
import type { ResolvedLayer } from '../../model/types';
import type { Tensor } from '../../trainer/engine/tf';
import { resizeBilinear } from '../image/resize';
import { traceForward } from './forward';
import type { InspectInput } from './input';
import type { InspectableRun } from './runModel';
import type { ViewTarget } from './target';

export interface GradCamMap {
  layer: number;
  /** α_k, one per channel of the layer. */
  weights: Float32Array;
  /** ReLU(Σ α_k A_k) at the layer's resolution (camHeight × camWidth). */
  cam: Float32Array;
  camHeight: number;
  camWidth: number;
  /** The map resized to the input (H × W). */
  upsampled: Float32Array;
}

/** Layers whose output is spatial [C, H, W]: where Grad-CAM can look. */
export function spatialLayers(run: InspectableRun): ResolvedLayer[] {
  return run.analysis.layers.filter((l) => l.outputShape.length === 3);
}

/**
 * The visualisations' default layer: the output of the last convolution block, i.e. the last layer whose output has
 * the last Conv2d's spatial size (its ReLU, or the sum of a residual block ending in it, as Grad-CAM's authors
 * chose); without Conv2d, the last spatial layer larger than 1×1.
 */
export function defaultCamLayer(run: InspectableRun): number | undefined {
  const spatial = spatialLayers(run);
  const lastConv = spatial.filter((l) => l.type === 'Conv2d').at(-1);
  const sameSize = (l: ResolvedLayer): boolean => (lastConv ? l.outputShape[1] === lastConv.outputShape[1] && l.outputShape[2] === lastConv.outputShape[2] : l.outputShape[1] * l.outputShape[2] > 1);
  return (spatial.filter((l) => (!lastConv || l.index >= lastConv.index) && sameSize(l)).at(-1) ?? spatial.at(-1))?.index;
}

export async function gradCam(run: InspectableRun, input: InspectInput, target: ViewTarget, layer: number): Promise<GradCamMap> {
  const { tf } = run;
  const info = run.analysis.layers.find((l) => l.index === layer);
  if (!info || info.outputShape.length !== 3) {
    const valid = spatialLayers(run).map((l) => l.index).join(', ') || 'none';
    throw new RangeError(info ? `Grad-CAM needs a layer with a spatial output [C, H, W]; layer ${layer} (${info.type}) outputs [${info.outputShape}] (spatial layers: ${valid})` : `the model has no layer ${layer} (spatial layers: ${valid})`);
  }
  const [c, h, w] = info.outputShape;
  const xShape: [number, number, number, number] = [1, input.height, input.width, input.channels];
  const [activation, gradient] = tf.tidy(() => {
    const reference = tf.tensor4d(input.x, xShape);
    const x = tf.tensor4d(input.x, xShape);
    const score = (probe: Tensor): Tensor => {
      const around = (l: ResolvedLayer, z: Tensor, apply: (t: Tensor) => Tensor): Tensor => (l.index === layer ? tf.add(apply(z), probe) : apply(z));
      return tf.sum(target.score(traceForward(run, x, { around }), reference));
    };
    const g = tf.grad(score)(tf.zeros([1, h, w, c]));
    const a = traceForward(run, x, { keep: new Set([layer]) }).outputs.get(layer) as Tensor;
    return [a, g];
  });
  const a = (await activation.data()) as Float32Array;
  const g = (await gradient.data()) as Float32Array;
  tf.dispose([activation, gradient]);
  const weights = channelMeans(g, h * w, c);
  const cam = new Float32Array(h * w);
  for (let p = 0; p < h * w; p++) {
    let s = 0;
    for (let k = 0; k < c; k++) s += weights[k] * a[p * c + k];
    cam[p] = Math.max(0, s);
  }
  return { layer, weights, cam, camHeight: h, camWidth: w, upsampled: resizeBilinear(cam, h, w, input.height, input.width) };
}

/** Mean of each channel of an HWC array over its `positions`. */
function channelMeans(hwc: Float32Array, positions: number, channels: number): Float32Array {
  const means = new Float32Array(channels);
  for (let p = 0; p < positions; p++) for (let k = 0; k < channels; k++) means[k] += hwc[p * channels + k];
  return means.map((m) => m / positions);
}

/** Guided Grad-CAM: the guided backprop image (HWC) weighted per pixel by the resized map. */
export function guidedGradCam(guided: Float32Array, upsampled: Float32Array, channels: number): Float32Array {
  return guided.map((v, i) => v * upsampled[Math.floor(i / channels)]);
}
