/**
 * Receptive fields of one unit, side by side: the theoretical field (every input pixel that can influence the unit;
 * its size comes from the core's shape inference) and the effective field (Luo et al. 2016): the gradient of the
 * unit with respect to the input, in absolute value, averaged over images. The effective field is usually much
 * smaller than the theoretical one and Gaussian-like.
 */
import type { ResolvedLayer } from '../../model/types';
import { yieldToEventLoop } from '../../trainer/engine/eventLoop';
import type { Tensor } from '../../trainer/engine/tf';
import { CancelledError } from './embeddings';
import { traceForward } from './forward';
import type { InspectableRun } from './runModel';

/** A square of the input, possibly reaching past its edges (clip it to draw it). */
export interface FieldBox {
  top: number;
  left: number;
  size: number;
}

/**
 * The theoretical field of the unit at (row, col) of `layer`'s output: a square of the core's receptive-field size
 * centred where the unit sits on the input (position × H_in / H_out, pixel centres aligned). A [F] output sees the
 * whole input.
 */
export function theoreticalField(layer: ResolvedLayer, input: [number, number, number], row: number, col: number): FieldBox {
  const [, height, width] = input;
  if (layer.outputShape.length !== 3) return { top: 0, left: 0, size: Math.max(height, width) };
  const [, h, w] = layer.outputShape;
  const size = layer.receptiveField;
  const centre = (i: number, n: number, inSize: number): number => (i + 0.5) * (inSize / n) - 0.5;
  return { top: Math.round(centre(row, h, height) - (size - 1) / 2), left: Math.round(centre(col, w, width) - (size - 1) / 2), size };
}

/** The central unit of a layer's output: (⌊H/2⌋, ⌊W/2⌋), or (0, 0) for a [F] output. */
export function centralUnit(layer: ResolvedLayer): { row: number; col: number } {
  return layer.outputShape.length === 3 ? { row: Math.floor(layer.outputShape[1] / 2), col: Math.floor(layer.outputShape[2] / 2) } : { row: 0, col: 0 };
}

/** Images to average over: `count` normalised HWC images of the model's input size. */
export interface ImageSource {
  count: number;
  image(i: number): Float32Array;
}

export interface EffectiveField {
  layer: number;
  row: number;
  col: number;
  /** The channel whose unit is differentiated; null: the sum over channels (Luo et al.). */
  channel: number | null;
  /** Mean |∂unit/∂pixel| summed over the input's channels, H × W, scaled so that its maximum is 1. */
  values: Float32Array;
  height: number;
  width: number;
  /** Images averaged (fewer than asked when stopped). */
  images: number;
  theoretical: FieldBox;
  /** Side of the smallest square around the unit's centre that holds 90% of the field's weight. */
  side90: number;
}

export interface EffectiveFieldOptions {
  channel?: number;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  shouldStop?: () => boolean;
}

/** The effective receptive field of `layer`'s central unit over the images of `source`. */
export async function effectiveReceptiveField(run: InspectableRun, source: ImageSource, layerIndex: number, options: EffectiveFieldOptions = {}): Promise<EffectiveField> {
  const { tf } = run;
  const layer = run.analysis.layers.find((l) => l.index === layerIndex);
  if (!layer) throw new RangeError(`the model has no layer ${layerIndex} (1…${run.analysis.layers.length})`);
  const channels = layer.outputShape.length === 3 ? layer.outputShape[0] : layer.outputShape[0] ?? 1;
  if (options.channel !== undefined && (options.channel < 0 || options.channel >= channels)) throw new RangeError(`layer ${layerIndex} has ${channels} channels (0…${channels - 1})`);
  if (source.count === 0) throw new Error('no images to average the effective receptive field over');
  const [c, height, width] = run.input;
  const { row, col } = centralUnit(layer);
  const size = height * width * c;
  const sum = new Float32Array(height * width);
  const batchSize = Math.max(1, options.batchSize ?? 32);
  let done = 0;
  while (done < source.count) {
    if (options.shouldStop?.()) {
      if (done === 0) throw new CancelledError();
      break;
    }
    const n = Math.min(batchSize, source.count - done);
    const batch = new Float32Array(n * size);
    for (let b = 0; b < n; b++) batch.set(source.image(done + b), b * size);
    const perPixel = tf.tidy(() => {
      const unit = (x: Tensor): Tensor => {
        const out = traceForward(run, x, { keep: new Set([layerIndex]) }).outputs.get(layerIndex) as Tensor;
        const at = out.shape.length === 4 ? tf.slice(out, [0, row, col, 0], [n, 1, 1, -1]) : out;
        return tf.sum(options.channel === undefined ? at : tf.slice(tf.reshape(at, [n, -1]), [0, options.channel], [n, 1]));
      };
      const g = tf.grad(unit)(tf.tensor4d(batch, [n, height, width, c]));
      return tf.sum(tf.abs(g), [0, 3]);
    });
    const data = (await perPixel.data()) as Float32Array;
    perPixel.dispose();
    for (let p = 0; p < sum.length; p++) sum[p] += data[p];
    done += n;
    options.onProgress?.(done, source.count);
    await yieldToEventLoop();
  }
  const peak = sum.reduce((m, v) => Math.max(m, v), 0);
  const values = sum.map((v) => (peak > 0 ? v / peak : 0));
  const theoretical = theoreticalField(layer, run.input, row, col);
  return { layer: layerIndex, row, col, channel: options.channel ?? null, values, height, width, images: done, theoretical, side90: massSide(values, height, width, theoretical, 0.9) };
}

/** Side of the smallest square, centred like `box`, holding `fraction` of the map's total. */
function massSide(values: Float32Array, height: number, width: number, box: FieldBox, fraction: number): number {
  const total = values.reduce((s, v) => s + v, 0);
  if (total <= 0) return 0;
  const cy = box.top + (box.size - 1) / 2;
  const cx = box.left + (box.size - 1) / 2;
  for (let r = 0; r <= Math.max(height, width); r++) {
    let inside = 0;
    for (let y = Math.max(0, Math.ceil(cy - r)); y <= Math.min(height - 1, Math.floor(cy + r)); y++)
      for (let x = Math.max(0, Math.ceil(cx - r)); x <= Math.min(width - 1, Math.floor(cx + r)); x++) inside += values[y * width + x];
    if (inside >= fraction * total) return Math.round(2 * r + 1 - 2 * (cy % 1));
  }
  return Math.max(height, width);
}
