/**
 * The latent plane of an autoencoder with a 2-value bottleneck: the test images' codes, and the decoder half (the
 * layers after the bottleneck) run on a grid of codes spanning them, so each tile shows what that point decodes to.
 */
import type { ImageSet } from '../../trainer/datasets/types';
import type { Tensor } from '../../trainer/engine/tf';
import { outputToPixel } from '../../trainer/tasks/reconstructionErrors';
import { tileImages } from '../image/grid';
import type { PixelChannels, RasterImage } from '../image/png';
import { featureVectors } from './embeddings';
import { runNodes } from './forward';
import type { InspectableRun } from './runModel';

/** Runs the layers after top-level layer `layer` on codes `z` (NHWC or [N, F], like that layer's output). */
export function decodeFrom(run: InspectableRun, layer: number, z: Tensor): Tensor {
  const graph = run.analysis.graph;
  const at = graph.findIndex((n) => n.kind === 'layer' && n.layer.index === layer);
  if (at < 0) throw new RangeError(`layer ${layer} is not a top-level layer of the model: no decoder follows it`);
  return runNodes(run, graph.slice(at + 1), z);
}

export interface LatentPlane {
  /** Codes of the test images used (n × 2) and their labels. */
  points: Float32Array;
  labels: Uint8Array;
  /** The codes the grid spans, per axis: [min, max]. */
  x: [number, number];
  y: [number, number];
  /** steps × steps decoded images, row 0 at the top (largest y), tiles touching. */
  image: RasterImage;
}

/** Codes of the first `count` test images, then a steps × steps grid over their 1st–99th percentiles, decoded. */
export async function latentPlane(run: InspectableRun, test: ImageSet, layer: number, steps: number, count: number, shouldStop?: () => boolean): Promise<LatentPlane> {
  const shape = run.analysis.layers.find((l) => l.index === layer)?.outputShape ?? [];
  if (shape.length !== 1 || shape[0] !== 2) throw new RangeError(`the latent plane needs a bottleneck of 2 values; layer ${layer} outputs [${shape.join(', ')}]`);
  const n = Math.min(count, test.count);
  if (n === 0) throw new Error('the test set is empty');
  const codes = await featureVectors(run, test, Array.from({ length: n }, (_, i) => i), 64, undefined, shouldStop, layer);
  const x = percentileRange(codes.data, 0);
  const y = percentileRange(codes.data, 1);
  const grid = new Float32Array(steps * steps * 2);
  for (let row = 0; row < steps; row++) {
    for (let col = 0; col < steps; col++) {
      const k = row * steps + col;
      grid[2 * k] = lerp(x, col / Math.max(1, steps - 1));
      grid[2 * k + 1] = lerp(y, 1 - row / Math.max(1, steps - 1));
    }
  }
  const { tf } = run;
  const decoded = tf.tidy(() => decodeFrom(run, layer, tf.tensor2d(grid, [steps * steps, 2])));
  const values = await decoded.data();
  decoded.dispose();
  const [channels, height, width] = run.input;
  const size = channels * height * width;
  if (values.length !== steps * steps * size) throw new Error(`the decoder outputs ${values.length / (steps * steps)} values per code, not an image of ${size}`);
  const toPixel = outputToPixel(run.analysis.train.loss, run.normalize);
  const shown: PixelChannels = channels === 3 ? 3 : 1;
  const tiles: RasterImage[] = Array.from({ length: steps * steps }, (_, k) => {
    const data = new Uint8Array(height * width * shown);
    for (let p = 0; p < height * width; p++) {
      for (let c = 0; c < shown; c++) data[p * shown + c] = Math.round(255 * Math.min(1, Math.max(0, toPixel(values[k * size + p * channels + c], c))));
    }
    return { width, height, channels: shown, data };
  });
  return { points: codes.data, labels: Uint8Array.from(test.labels.slice(0, n)), x, y, image: tileImages(tiles, steps, 0).image };
}

function lerp([lo, hi]: [number, number], t: number): number {
  return lo + (hi - lo) * t;
}

/** The 1st and 99th percentiles of column `axis` of n × 2 codes (a few outliers do not shrink the grid's detail). */
function percentileRange(codes: Float32Array, axis: number): [number, number] {
  const column = Float32Array.from({ length: codes.length / 2 }, (_, i) => codes[2 * i + axis]).sort();
  const at = (q: number): number => column[Math.min(column.length - 1, Math.max(0, Math.round(q * (column.length - 1))))];
  const [lo, hi] = [at(0.01), at(0.99)];
  return hi > lo ? [lo, hi] : [lo - 1, hi + 1];
}
