/**
 * The real images that excite one channel most (Zeiler & Fergus 2014): the test images whose largest value in that
 * channel is highest, with where it is, so the patch its theoretical receptive field covers can be cut out.
 * Images go through the model in batches, with progress; a stop request keeps the best found so far.
 */
import { VISUALISE_DEFAULTS } from '../../protocol/inspect';
import { imageToFloat } from '../../trainer/datasets/batches';
import type { ImageSet } from '../../trainer/datasets/types';
import { yieldToEventLoop } from '../../trainer/engine/eventLoop';
import type { Tensor } from '../../trainer/engine/tf';
import { CancelledError } from './embeddings';
import { traceForward } from './forward';
import { theoreticalField, type FieldBox } from './receptiveField';
import type { InspectableRun } from './runModel';

export interface TopImage {
  /** Index in the test set. */
  index: number;
  /** The channel's largest value in this image, at (row, col) of the layer's output. */
  value: number;
  row: number;
  col: number;
  /** The unit's theoretical receptive field on the input. */
  field: FieldBox;
}

export interface TopImagesOptions {
  k?: number;
  /** Test images searched (default: defaultSearchCount; at most the set's size). */
  count?: number;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  shouldStop?: () => boolean;
}

export async function topImages(run: InspectableRun, set: ImageSet, layerIndex: number, channel: number, options: TopImagesOptions = {}): Promise<{ images: TopImage[]; searched: number }> {
  const { tf } = run;
  const layer = run.analysis.layers.find((l) => l.index === layerIndex);
  if (!layer) throw new RangeError(`the model has no layer ${layerIndex} (1…${run.analysis.layers.length})`);
  const channels = layer.outputShape[0] ?? 1;
  if (!Number.isInteger(channel) || channel < 0 || channel >= channels) throw new RangeError(`layer ${layerIndex} has ${channels} channels (0…${channels - 1})`);
  if (set.count === 0) throw new Error('the test set is empty');
  const k = Math.max(1, options.k ?? 9);
  const total = Math.min(options.count ?? defaultSearchCount(run, layerIndex), set.count);
  const batchSize = Math.max(1, options.batchSize ?? 64);
  const size = set.height * set.width * set.channels;
  const best: TopImage[] = [];
  let done = 0;
  while (done < total) {
    if (options.shouldStop?.()) {
      if (done === 0) throw new CancelledError();
      break;
    }
    const n = Math.min(batchSize, total - done);
    const x = new Float32Array(n * size);
    for (let b = 0; b < n; b++) x.set(imageToFloat(set, done + b, run.normalize), b * size);
    const map = tf.tidy(() => {
      const out = traceForward(run, tf.tensor4d(x, [n, set.height, set.width, set.channels]), { keep: new Set([layerIndex]) }).outputs.get(layerIndex) as Tensor;
      return out.shape.length === 4 ? tf.reshape(tf.slice(out, [0, 0, 0, channel], [n, -1, -1, 1]), [n, -1]) : tf.slice(tf.reshape(out, [n, -1]), [0, channel], [n, 1]);
    });
    const values = (await map.data()) as Float32Array;
    const positions = map.shape[1] as number;
    map.dispose();
    const w = layer.outputShape.length === 3 ? layer.outputShape[2] : 1;
    for (let b = 0; b < n; b++) {
      let at = 0;
      for (let p = 1; p < positions; p++) if (values[b * positions + p] > values[b * positions + at]) at = p;
      const value = values[b * positions + at];
      if (best.length < k || value > best[best.length - 1].value) {
        const row = Math.floor(at / w);
        const col = at % w;
        best.push({ index: done + b, value, row, col, field: theoreticalField(layer, run.input, row, col) });
        best.sort((a, c) => c.value - a.value || a.index - c.index);
        if (best.length > k) best.pop();
      }
    }
    done += n;
    options.onProgress?.(done, total);
    await yieldToEventLoop();
  }
  return { images: best, searched: done };
}

/**
 * How many test images a search looks at by default: VISUALISE_DEFAULTS.topImagesSearched, or fewer (at least 100)
 * when their forward passes up to the layer would cost more than its MAC budget (resnet-mini: about 145).
 */
export function defaultSearchCount(run: InspectableRun, layerIndex: number): number {
  const macs = run.analysis.layers.filter((l) => l.index <= layerIndex).reduce((s, l) => s + l.macs, 0);
  const affordable = Math.floor(VISUALISE_DEFAULTS.topImagesMacBudget / Math.max(1, macs));
  return Math.max(100, Math.min(VISUALISE_DEFAULTS.topImagesSearched, affordable));
}
